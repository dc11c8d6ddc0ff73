"""The benchmark itself works: a small run generates its data, serves it with gunicorn, drives
every scenario through wrk without one unexpected answer, and lets a whole (small) class sign
in and submit. Whether the aims are met is the benchmark's own report (docs/performance.md),
measured at full size, not this test's business.

Needs PostgreSQL, Redis and wrk: CI has all three and sets ELEARN_REQUIRE_BENCH=1, which
turns a missing one into a failure instead of a skip.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

DATABASE = os.environ.get("TEST_DATABASE_URL", "")
REDIS = os.environ.get("ELEARN_TEST_REDIS_URL", "")
ON_POSTGRESQL = DATABASE.startswith("postgres")
MISSING = [
    what
    for what, present in (
        ("ELEARN_TEST_REDIS_URL", bool(REDIS)),
        ("wrk", shutil.which("wrk") is not None),
    )
    if not present
]

if ON_POSTGRESQL and MISSING and os.environ.get("ELEARN_REQUIRE_BENCH") == "1":
    raise pytest.UsageError(f"ELEARN_REQUIRE_BENCH=1 but missing: {', '.join(MISSING)}")

pytestmark = [
    # It reads TEST_DATABASE_URL itself (no app fixture): the PostgreSQL pass must run it.
    pytest.mark.database,
    # Both runs use fixed ports, Redis database 12 and databases dropped after each test, and
    # load the machine themselves: they run alone, after the rest.
    pytest.mark.serial,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="the benchmark runs in the PostgreSQL pass"),
    pytest.mark.skipif(bool(MISSING), reason=f"needs {', '.join(MISSING)}"),
]

# Every page the benchmark measures. bench/scale measures the same (its scenarios are bench/run's,
# and its verdict is tested in tests/test_bench_verdicts.py); it is not run here, to keep CI
# under 20 minutes.
PAGES = {
    "bare endpoint, signed in",
    "lesson page",
    "course page",
    "My learning",
    "quiz question page",
    "quiz submission",
}


def test_a_small_benchmark_runs_every_scenario_cleanly(tmp_path):
    from bench.__main__ import main

    base = DATABASE.rsplit("/", 1)[0]
    output = tmp_path / "report.json"
    main(
        [
            "--learners=2000",
            "--courses=2",
            "--readers=10",
            "--submitters=1500",
            "--classroom=8",
            "--spread=2",
            "--duration=1",
            "--connections=4",
            "--workers=2",
            "--port=8766",
            f"--database-url={base}/elearn_bench_smoke",
            f"--redis-url={REDIS.rsplit('/', 1)[0]}/12",
            f"--output={output}",
        ]
    )
    report = json.loads(output.read_text())
    assert report["data"]["learners"] == 2000 and report["data"]["courses"] == 2
    pages = {page["page"]: page for page in report["pages"]}
    assert set(pages) == PAGES
    for page in pages.values():
        assert page["requests"] > 0, page
        assert page["errors"] == 0 and page["unexpected"] == 0 and not page["exhausted"], page
        # Browser-like sessions: a page that changes nothing does not set the cookie again.
        if page["page"] != "quiz submission":
            assert page["cookie_rewritten"] == 0, page
        assert 0 < page["ratio"] < 1.5, page
        assert page["cpu_ms_per_request"]["app"] > 0, page  # read from /proc
        assert page["cpu_ms_per_request"]["database"] >= 0, page
    burst = report["burst"]
    assert burst["finished"] == burst["learners"] == 8, burst["problems"]
    assert burst["p95_by_step_s"]["submit"] > 0
    for moment in ("memory_after_warm_up", "memory_after_run"):  # each worker's, from /proc
        memory = report[moment]
        assert len(memory["rss_mb"]) == len(memory["pss_mb"]) == 2, memory
        assert all(
            0 < pss <= rss for pss, rss in zip(memory["pss_mb"], memory["rss_mb"], strict=True)
        )


@pytest.fixture(autouse=True)
def _drop_the_benchmark_database():
    yield
    import psycopg

    base = DATABASE.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        for name in ("elearn_bench_smoke", "elearn_bench_kill_smoke"):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_no_acknowledged_answer_is_lost_when_a_worker_is_killed(tmp_path):
    """bench/kill.py, small: learners answer and submit while a gunicorn worker is SIGKILLed;
    every acknowledged answer is stored, every grade matches its answers, no certificate is
    issued twice, and only requests in flight on the killed worker fail."""
    from bench.kill import main

    base = DATABASE.rsplit("/", 1)[0]
    output = tmp_path / "kill.json"
    status = main(
        [
            "--learners=30",
            "--duration=9",  # the kill comes at a third: 3 s of load before it, 6 s after
            "--spread=2",
            "--workers=3",
            "--port=8768",
            f"--database-url={base}/elearn_bench_kill_smoke",
            f"--redis-url={REDIS.rsplit('/', 1)[0]}/12",
            f"--output={output}",
        ]
    )
    report = json.loads(output.read_text())
    assert status == 0, report["problems"]
    assert report["killed_worker"] and report["workers_after"] == 3
    assert report["graded"] > 0 and report["acknowledged_answers"] > 0
    assert report["lost_answers"] == report["grades_not_matching_answers"] == 0
