"""The production front: gunicorn's sync workers behind nginx with deploy/nginx/elearn-proxy.conf.

A dozen slow clients downloading a large video, and a few sending a request body a byte at a
time, must not stop the platform: /healthz still answers at once. Needs nginx (Debian's
nginx-light); CI installs it and sets ELEARN_REQUIRE_NGINX=1, which turns its absence into a
failure instead of a skip. The same load straight on gunicorn is measured too, for
docs/performance.md, and printed.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
GUNICORN = Path(sys.executable).parent / "gunicorn"

if NGINX is None and os.environ.get("ELEARN_REQUIRE_NGINX") == "1":
    raise pytest.UsageError("ELEARN_REQUIRE_NGINX=1 but nginx is not installed")
pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx-light)"),
    # It times answers while slow clients hold on: on a machine busy with other tests the
    # times would say nothing about nginx.
    pytest.mark.serial,
    # Production is gunicorn and nginx in front of PostgreSQL: the front is tried once, in CI's
    # PostgreSQL pass, rather than again on SQLite.
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="the front runs in the PostgreSQL pass"
    ),
]

SLOW_READERS = 12
SLOW_SENDERS = 4
LOAD_SECONDS = 6.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.2)


@pytest.fixture
def video_url(app):
    """A published course with an 8 MB audio file, in the test's database and media folder."""
    from elearn.content.loader import load_package
    from elearn.content.source import PackageFiles
    from elearn.courses.services import import_package
    from elearn.extensions import db
    from elearn.reference import PROFESSIONS
    from tests.content.helpers import valid_files
    from tests.content.mediafiles import mp3_frames

    files = valid_files()
    files["media/talk.mp3"] = mp3_frames(20_000)
    with app.app_context():
        package = load_package(PackageFiles("t", files), professions=set(PROFESSIONS))
        version = import_package(package, organisation_id=None, by_id=None, publish=True).version
        db.session.commit()
        sha = next(f.sha256 for f in version.files if f.path == "media/talk.mp3")
    return f"/media/{sha}/talk.mp3"


def warm_up(port: int) -> None:
    """Each worker's first answer opens its database connection and compiles its first
    template, which takes a moment on a busy machine: answer a few health checks at once
    first, so that what the test measures is slow clients' effect, not a cold start."""
    url = f"http://127.0.0.1:{port}/healthz"
    for _ in range(3):
        threads = [
            threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).close())
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


@pytest.fixture
def gunicorn(app, tmp_path):
    """Three sync workers serving the test's database and media folder, preloaded."""
    (tmp_path / "front_app.py").write_text(
        "from elearn import create_app, prepare_for_workers\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {app.config['SQLALCHEMY_DATABASE_URI']!r},"
        f" 'MEDIA_STORAGE_PATH': {app.config['MEDIA_STORAGE_PATH']!r}, 'TRUSTED_PROXIES': 1}})\n"
        "prepare_for_workers(app)\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [
            str(GUNICORN),
            # As docs/operations.md serves it: the app made once, before the workers fork.
            *("--workers", "3", "--preload", "--bind", f"127.0.0.1:{port}"),
            *("--chdir", str(tmp_path)),
            *("--timeout", "60", "front_app:app"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        warm_up(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture
def nginx(gunicorn, tmp_path):
    """nginx with the committed proxy settings, in front of gunicorn, run as this user."""
    port = free_port()
    folder = tmp_path / "nginx"
    folder.mkdir()
    config = folder / "nginx.conf"
    # As root, nginx's workers would run as nobody, who cannot enter pytest's private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(
        f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "worker_processes 1;\nevents { worker_connections 512; }\n"
        "http {\n"
        f"  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fastcgi;\n"
        f"  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"  upstream elearn_app {{ server 127.0.0.1:{gunicorn}; keepalive 16; }}\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n"
        f"    include {ROOT / 'deploy' / 'nginx' / 'elearn-proxy.conf'};\n  }}\n"
        "}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        warm_up(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def slow_reader(port: int, path: str, stop: threading.Event, received: list) -> None:
    """Ask for the file and read it 1 KB at a time, with a tiny receive window."""
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.settimeout(LOAD_SECONDS + 10)
        connection.connect(("127.0.0.1", port))
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        while not stop.is_set():
            chunk = connection.recv(1024)
            if not chunk:
                return
            if not received[-1]:
                received.append(chunk.startswith(b"HTTP/1.1 200"))
            time.sleep(0.05)


def slow_sender(port: int, stop: threading.Event) -> None:
    """Announce a 64 KB form and send it one byte every 0.2 s."""
    with socket.socket() as connection:
        connection.settimeout(LOAD_SECONDS + 10)
        connection.connect(("127.0.0.1", port))
        connection.sendall(
            b"POST /sign-in HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 65536\r\n\r\n"
        )
        while not stop.is_set():
            connection.sendall(b"a")
            time.sleep(0.2)


def healthz_under_load(port: int, path: str) -> tuple[list[float], int]:
    """/healthz answer times (seconds; 10 s for none) while the slow clients hold on, and how
    many slow readers had their answer started."""
    stop = threading.Event()
    answered = [[False] for _ in range(SLOW_READERS)]
    threads = [
        threading.Thread(target=slow_reader, args=(port, path, stop, answered[i]), daemon=True)
        for i in range(SLOW_READERS)
    ] + [
        threading.Thread(target=slow_sender, args=(port, stop), daemon=True)
        for _ in range(SLOW_SENDERS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # every slow client connected and started
    times = []
    deadline = time.monotonic() + LOAD_SECONDS - 1.0
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3).close()
            times.append(time.monotonic() - started)
        except OSError:
            times.append(10.0)
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    return times, sum(1 for flags in answered if flags[-1])


def test_slow_clients_do_not_stall_the_platform_behind_nginx(nginx, gunicorn, video_url):
    behind_nginx, served = healthz_under_load(nginx, video_url)
    direct, _served_direct = healthz_under_load(gunicorn, video_url)
    nginx_median, direct_median = statistics.median(behind_nginx), statistics.median(direct)
    print(
        f"\n/healthz under {SLOW_READERS} slow readers and {SLOW_SENDERS} slow senders: "
        f"behind nginx max {max(behind_nginx):.3f} s, median {nginx_median:.3f} s; "
        f"gunicorn alone max {max(direct):.3f} s, median {direct_median:.3f} s"
    )
    assert max(behind_nginx) < 0.5, behind_nginx
    assert served == SLOW_READERS  # every slow reader was being served meanwhile
