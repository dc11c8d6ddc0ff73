"""bench/scale.py's verdict: how much slower each page is at the largest size than at the
smallest (the run itself is in tests/test_bench.py, in the PostgreSQL pass)."""

from __future__ import annotations

from bench.scale import slowdowns


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
