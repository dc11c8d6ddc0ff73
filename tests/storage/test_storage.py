"""Both storage backends keep the same contract; the S3 one against a real S3 HTTP server."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from elearn.storage import blob_key, read_all
from elearn.storage.local import LocalStorage

MOTO = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free local port (skipped without it, unless ELEARN_REQUIRE_S3)."""
    import importlib.util

    if importlib.util.find_spec("boto3") is None or not Path(MOTO).is_file():
        if os.environ.get("ELEARN_REQUIRE_S3") == "1":
            pytest.fail("ELEARN_REQUIRE_S3=1 but moto_server or boto3 is missing")
        pytest.skip("moto_server (pip install 'moto[server]') and boto3 are needed")
    port = free_port()
    server = subprocess.Popen(
        [MOTO, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3_settings(s3_endpoint, monkeypatch):
    import uuid

    import boto3

    bucket = f"elearn-{uuid.uuid4().hex[:12]}"
    settings = {
        "MEDIA_STORAGE": "s3",
        "MEDIA_S3_BUCKET": bucket,
        "MEDIA_S3_PREFIX": "media",
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": "testing",
        "MEDIA_S3_SECRET_ACCESS_KEY": "testing",
    }
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=bucket)
    return settings


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    from elearn.storage import make_storage

    return make_storage(request.getfixturevalue("s3_settings"))


def test_every_backend_stores_reads_ranges_and_deletes(store):
    data = os.urandom(200_000)
    key = blob_key("ab" * 32)
    assert not store.exists(key)
    store.put(key, io.BytesIO(data))
    assert store.exists(key) and store.size(key) == len(data)
    assert read_all(store, key) == data
    assert b"".join(store.open_range(key, 70_000, 70_100)) == data[70_000:70_100]
    assert all(len(chunk) <= 64 * 1024 for chunk in store.open_range(key, 0, len(data)))
    assert b"".join(store.open_range(key, 5, 5)) == b""
    store.put(key, io.BytesIO(b"again"))
    assert read_all(store, key) == b"again"
    store.delete(key)
    assert not store.exists(key)


def test_a_local_key_cannot_leave_the_folder(tmp_path):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put("../outside", io.BytesIO(b"x"))


def test_media_are_imported_into_s3_and_served_by_range(s3_settings, migrated_database, tmp_path):
    from elearn import create_app
    from elearn.content.loader import load_package
    from elearn.content.source import read_folder
    from elearn.courses.services import import_package
    from elearn.extensions import db
    from elearn.reference import PROFESSIONS
    from tests.conftest import _empty_tables
    from tests.content.helpers import VALID

    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated_database, **s3_settings})
    try:
        with app.app_context():
            package = load_package(read_folder(VALID), professions=set(PROFESSIONS))
            version = import_package(package, organisation_id=None, by_id=None, publish=True)
            db.session.commit()
            file = next(f for f in version.version.files if f.path == "media/talk.mp3")
            sha, data = file.sha256, package.files["media/talk.mp3"]
        assert not (tmp_path / "media").exists()
        client = app.test_client()
        response = client.get(f"/media/{sha}/talk.mp3", headers={"Range": "bytes=10-109"})
        assert response.status_code == 206
        assert response.data == data[10:110]
        assert client.get(f"/media/{sha}/talk.mp3").data == data
    finally:
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()
