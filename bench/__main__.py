"""`python -m bench` (or `bench/run`): the load benchmark described in docs/performance.md.

1. Creates a fresh PostgreSQL database and migrates it.
2. Generates the data: 20 courses, 10,000 learners and their learning (bench/data.py).
3. Starts the platform under gunicorn with the production configuration, as behind a TLS proxy.
4. Runs wrk against the bare endpoint (/ping), the lesson page, the course page and quiz
   submission, interleaved, and compares each page with the bare runs just before and after.
5. Runs the classroom burst (bench/burst.py).
6. Prints a report, writes it as JSON, and exits with 1 when an aim is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Issue 17's aims: each page's throughput as a share of another's in the same run, at least.
SIGNED_IN = "bare endpoint, signed in"
AIMS = {
    SIGNED_IN: ("bare endpoint", 0.70),
    "lesson page": (SIGNED_IN, 0.50),
    "course page": (SIGNED_IN, 0.40),
    "My learning": (SIGNED_IN, 0.40),
    "quiz question page": (SIGNED_IN, 0.40),
    "quiz submission": (SIGNED_IN, 0.20),
}
LESSON_P99_AIM_MS = 50.0  # at 16 connections
BURST_P95_AIM = 2.0  # seconds
BURST_WINDOW = 60.0  # seconds for the whole class to sign in and submit


def parse_args(argv=None) -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2 * cpus + 1, help="gunicorn workers")
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=("sync", "gthread", "gevent"),
        help="gunicorn's worker class (docs/performance.md compares them; gevent needs "
        "`pip install gevent`, and runs without --preload, since gevent must patch the "
        "standard library before the app is imported)",
    )
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--submitters", type=int, default=6000)
    parser.add_argument("--classroom", type=int, default=100)
    parser.add_argument(
        "--spread", type=float, default=30.0, help="seconds over which the class starts"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/elearn_bench",
        help="the database is dropped and created again",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = parser.parse_args(argv)
    if args.readers + args.submitters + args.classroom > args.learners:
        parser.error("--learners must be at least --readers + --submitters + --classroom")
    if min(args.readers, args.submitters, args.classroom, args.courses) < 1:
        parser.error("every group, and the courses, need at least one")
    return args


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def write_report(path: Path, report: dict) -> None:
    """Write a benchmark's report to ``path`` as JSON, and print it."""
    text = json.dumps(report, indent=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    print(text)


def environment(args) -> dict[str, str]:
    from elearn.certificates.keys import new_private_pem

    return {
        **os.environ,
        "ELEARN_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "MAIL_SERVER": "127.0.0.1",  # never reached: nothing in the benchmark sends mail
        "BASE_URL": f"https://127.0.0.1:{args.port}",
        "TRUSTED_PROXIES": "1",
        "CREDENTIAL_SIGNING_KEY": new_private_pem(),
    }


@contextmanager
def environment_of(env: dict[str, str]):
    """Run with the server's environment, then put this process's back (the benchmark's test
    runs inside the test suite, whose other tests must not inherit production settings)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def prepare(args, env):
    """Migrate, generate and sign in, in this process, with the server's settings."""
    with environment_of(env):
        return _prepare(args)


def _prepare(args):
    from flask_migrate import upgrade

    from bench.data import generate
    from bench.sessions import session_cookies
    from bench.wrk import BENCH_ADDRESS, BENCH_USER_AGENT
    from elearn import create_app
    from elearn.extensions import db

    app = create_app("production")
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        generated = generate(
            learners=args.learners,
            courses=args.courses,
            readers=args.readers,
            submitters=args.submitters,
            classroom=args.classroom,
        )
        generated.counts["seconds to generate"] = round(time.perf_counter() - started)
        cookies = session_cookies(
            app,
            generated.readers + [user for user, _attempt in generated.submitters],
            address=BENCH_ADDRESS,
            user_agent=BENCH_USER_AGENT,
        )
        db.session.remove()
        db.engine.dispose()  # the server has its own connections; this process needs none
    return generated, cookies


def start_server(args, env, log: Path) -> subprocess.Popen:
    log_file = log.open("w")
    worker_class = getattr(args, "worker_class", "sync")  # bench.kill has sync workers
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(getattr(args, "worker_threads", 1) if worker_class == "gthread" else 1),
            *(
                () if worker_class == "gevent" else ("--preload",)
            ),  # as docs/operations.md serves it
            "--bind",
            f"127.0.0.1:{args.port}",
            "--backlog",
            "2048",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server.log_file = log_file
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/ping", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    stop_server(server)
    sys.exit(f"gunicorn did not start; its log:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    server.log_file.close()


def scenarios(generated, cookies):
    from bench.wrk import Scenario

    slug, quiz = generated.target_slug, generated.quiz_key
    lessons = [
        (f"/courses/{slug}/lessons/{key}", cookies[user][0], "")
        for user in generated.readers
        for key in generated.lesson_keys
    ]
    courses = [(f"/courses/{slug}", cookies[user][0], "") for user in generated.readers]
    submissions = [
        (
            f"/courses/{slug}/quizzes/{quiz}/attempts/{attempt}/submit",
            cookies[user][0],
            f"csrf_token={cookies[user][1]}",
        )
        for user, attempt in generated.submitters
    ]
    my_learning = [("/my-learning", cookies[user][0], "") for user in generated.readers]
    questions = [
        (f"/courses/{slug}/quizzes/{quiz}/attempts/{attempt}/1", cookies[user][0], "")
        for user, attempt in generated.submitters
    ]
    bare = Scenario("bare endpoint", "GET", [("/ping", "", "")])
    signed_in = [("/ping", cookies[user][0], "") for user in generated.readers]
    return bare, [
        Scenario("bare endpoint, signed in", "GET", signed_in),
        Scenario("lesson page", "GET", lessons),
        Scenario("course page", "GET", courses),
        Scenario("My learning", "GET", my_learning),
        Scenario("quiz question page", "GET", questions),
        Scenario(
            "quiz submission",
            "POST",
            submissions,
            expected=302,
            location="/result",
            oneshot=True,
            steady=False,  # the attempt is submitted: the session may say so
        ),
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    from bench.burst import classroom_burst
    from bench.cpu import cpu_seconds, per_request_ms, worker_memory_mb
    from bench.data import PASSWORD
    from bench.wrk import run

    env = environment(args)
    print(f"Database {args.database_url}: created afresh", flush=True)
    recreate_database(args.database_url)
    import redis

    with redis.Redis.from_url(args.redis_url) as client:
        client.flushdb()
    generated, cookies = prepare(args, env)
    print("Generated:", json.dumps(generated.counts), flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    log = args.output.with_suffix(".gunicorn.log")
    server = start_server(args, env, log)
    base_url = f"http://127.0.0.1:{args.port}"
    report: dict = {
        "settings": {
            key: getattr(args, key)
            for key in (
                "learners",
                "courses",
                "duration",
                "connections",
                "threads",
                "workers",
                "worker_class",
                "worker_threads",
            )
        },
        "data": generated.counts,
        "cpus": os.cpu_count(),
        "pages": [],
    }
    failures = []
    try:
        bare, pages = scenarios(generated, cookies)
        load = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
        # Warm up every worker: imports, templates, connection pools.
        run(bare, base_url, duration=3, connections=args.connections, threads=args.threads)
        run(pages[1], base_url, duration=3, connections=args.connections, threads=args.threads)
        report["memory_after_warm_up"] = worker_memory_mb(server.pid)
        before = run(bare, base_url, **load)
        for page in pages:
            used = cpu_seconds(server.pid)  # the server leads its own session
            measured = run(page, base_url, **load)
            cpu = per_request_ms(used, cpu_seconds(server.pid), measured.requests)
            after = run(bare, base_url, **load)
            baseline = (before.per_second + after.per_second) / 2
            ratio = measured.per_second / baseline if baseline else 0.0
            entry = {
                "page": page.name,
                "per_second": round(measured.per_second, 1),
                "bare_per_second": round(baseline, 1),
                "ratio": round(ratio, 3),
                "p50_ms": measured.p50_ms,
                "p90_ms": measured.p90_ms,
                "p99_ms": measured.p99_ms,
                "requests": measured.requests,
                "errors": measured.errors,
                "unexpected": measured.unexpected,
                "cookie_rewritten": measured.cookie_rewritten,
                # CPU per request of the workers and of PostgreSQL: steadier than req/s on a
                # machine shared with other work
                "cpu_ms_per_request": cpu,
                "exhausted": measured.exhausted,
            }
            report["pages"].append(entry)
            print(json.dumps(entry), flush=True)
            if not measured.ok:
                failures.append(f"{page.name}: errors or unexpected answers ({entry})")
            if not (before.ok and after.ok):
                failures.append(f"the bare endpoint failed around {page.name}")
            before = after
        failures += missed_aims(report["pages"], args.connections)
        burst = classroom_burst(
            "127.0.0.1",
            args.port,
            generated.classroom,
            PASSWORD,
            generated.target_slug,
            generated.quiz_key,
            args.spread,
        )
        report["memory_after_run"] = worker_memory_mb(server.pid)
    finally:
        stop_server(server)
    report["burst"] = {
        "learners": burst.learners,
        "finished": burst.finished,
        "seconds": round(burst.seconds, 1),
        "requests": len(burst.timings),
        "p50_s": round(burst.percentile(0.50), 3),
        "p95_s": round(burst.percentile(0.95), 3),
        "max_s": round(burst.percentile(1.0), 3),
        "p95_by_step_s": {step: round(burst.percentile(0.95, step), 3) for step in burst.steps},
        "problems": burst.problems[:10],
    }
    print(json.dumps(report["burst"]), flush=True)
    if burst.finished != burst.learners:
        failures.append(f"only {burst.finished} of {burst.learners} learners submitted")
    if burst.seconds > BURST_WINDOW:
        failures.append(f"the class took {burst.seconds:.0f} s (aim: within {BURST_WINDOW:.0f} s)")
    if burst.percentile(0.95) >= BURST_P95_AIM:
        failures.append(f"burst p95 {burst.percentile(0.95):.2f} s (aim: under 2 s)")
    report["failures"] = failures
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 1 if failures else 0


def missed_aims(pages: list[dict], connections: int) -> list[str]:
    """Issue 17's aims that ``pages`` (this run's entries) miss, in words. Each entry gains
    ``of_signed_in``: its throughput as a share of the signed-in /ping's in the same run."""
    rate = {page["page"]: page["per_second"] for page in pages}
    missed = []
    for page in pages:
        if rate.get(SIGNED_IN) and page["page"] != SIGNED_IN:
            page["of_signed_in"] = round(page["per_second"] / rate[SIGNED_IN], 3)
        reference, aim = AIMS.get(page["page"], (None, 0.0))
        if reference is None:
            continue
        share = page["ratio"] if reference == "bare endpoint" else page.get("of_signed_in", 0.0)
        if share < aim:
            missed.append(f"{page['page']} at {share:.0%} of the {reference} (aim: {aim:.0%})")
        slow = page["p99_ms"] >= LESSON_P99_AIM_MS
        if page["page"] == "lesson page" and connections >= 16 and slow:
            missed.append(
                f"lesson page p99 {page['p99_ms']:.0f} ms at {connections} connections "
                f"(aim: under {LESSON_P99_AIM_MS:.0f} ms)"
            )
    return missed


def print_report(report: dict) -> None:
    print(
        "\n| Request | Requests/s | Bare endpoint/s | Of bare | Of signed-in /ping | "
        "p50 ms | p90 ms | p99 ms | CPU ms: app + database |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for page in report["pages"]:
        of_signed_in = f"{page['of_signed_in']:.0%}" if "of_signed_in" in page else ""
        cpu = page["cpu_ms_per_request"]
        print(
            f"| {page['page']} | {page['per_second']} | {page['bare_per_second']} | "
            f"{page['ratio']:.0%} | {of_signed_in} | {page['p50_ms']:.0f} | "
            f"{page['p90_ms']:.0f} | {page['p99_ms']:.0f} | {cpu['app']} + {cpu['database']} |"
        )
    burst = report["burst"]
    print(
        f"\nClassroom burst: {burst['finished']}/{burst['learners']} learners signed in and "
        f"submitted in {burst['seconds']} s; {burst['requests']} requests, "
        f"p50 {burst['p50_s']} s, p95 {burst['p95_s']} s, slowest {burst['max_s']} s."
    )
    for step, value in burst["p95_by_step_s"].items():
        print(f"  p95 {step}: {value} s")
    for moment in ("memory_after_warm_up", "memory_after_run"):
        memory = report.get(moment)
        if memory:
            print(
                f"{moment.replace('_', ' ').capitalize()}: per worker RSS {memory['rss_mb']} MB, "
                f"PSS {memory['pss_mb']} MB"
            )
    if report["failures"]:
        print("\nMISSED:\n  - " + "\n  - ".join(report["failures"]))
    else:
        print("\nEvery aim is met.")


if __name__ == "__main__":
    sys.exit(main())
