"""The benchmarks' verdicts, which need no server: bench/run's aims (issue 17) and bench/scale's
slowdown from the smallest size to the largest. The runs themselves are in tests/test_bench.py,
in the PostgreSQL pass."""

from __future__ import annotations

from bench.__main__ import missed_aims
from bench.scale import slowdowns


def _page(name: str, per_second: float, ratio: float = 0.5, p99_ms: float = 10.0) -> dict:
    return {"page": name, "per_second": per_second, "ratio": ratio, "p99_ms": p99_ms}


def test_pages_are_measured_against_the_signed_in_ping_of_the_same_run():
    pages = [
        _page("bare endpoint, signed in", 1000.0, ratio=0.75),
        _page("lesson page", 500.0, p99_ms=49.0),
        _page("course page", 400.0),
        _page("My learning", 400.0),
        _page("quiz question page", 400.0),
        _page("quiz submission", 200.0),
    ]
    assert missed_aims(pages, connections=16) == []
    assert [page.get("of_signed_in") for page in pages] == [None, 0.5, 0.4, 0.4, 0.4, 0.2]


def test_each_missed_aim_is_named():
    pages = [
        _page("bare endpoint, signed in", 1000.0, ratio=0.69),
        _page("lesson page", 499.0, p99_ms=50.0),
        _page("quiz submission", 150.0),
    ]
    assert missed_aims(pages, connections=16) == [
        "bare endpoint, signed in at 69% of the bare endpoint (aim: 70%)",
        "lesson page at 50% of the bare endpoint, signed in (aim: 50%)",
        "lesson page p99 50 ms at 16 connections (aim: under 50 ms)",
        "quiz submission at 15% of the bare endpoint, signed in (aim: 20%)",
    ]
    # The p99 aim is for 16 connections: a smaller run (the suite's) is not held to it.
    assert "p99" not in " ".join(missed_aims(pages, connections=4))


def _entry(page: str, learners: int, per_second: float) -> dict:
    return {"page": page, "learners": learners, "per_second": per_second}


def test_slowdown_compares_the_largest_size_with_the_smallest():
    entries = [
        _entry("lesson page", 1_000, 200.0),
        _entry("lesson page", 10_000, 150.0),  # the middle size does not count
        _entry("lesson page", 100_000, 150.0),
        _entry("course page", 1_000, 100.0),
        _entry("course page", 100_000, 110.0),  # faster: a negative slowdown
    ]
    assert slowdowns(entries, [10_000, 100_000, 1_000]) == {
        "lesson page": 0.25,
        "course page": -0.1,
    }


def test_a_page_missing_at_one_end_is_left_out():
    entries = [_entry("lesson page", 1_000, 200.0), _entry("course page", 100_000, 90.0)]
    assert slowdowns(entries, [1_000, 100_000]) == {}
