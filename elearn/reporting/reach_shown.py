"""The activation rate as shown: no group of fewer than five people, and no count that could be
worked out by subtraction (the donor report's rules, elearn/reporting/donor.py)."""

from __future__ import annotations

from elearn.reporting.donor import HIDDEN, SECONDARY, SMALLEST_SHOWN


def _hidden(counts: list[int], forced: set[int]) -> set[int]:
    """The cells to hide: the small ones and ``forced``; where that is exactly one, the next
    smallest too (secondary suppression)."""
    hidden = {i for i, count in enumerate(counts) if 0 < count < SMALLEST_SHOWN} | forced
    if len(hidden) == 1:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count)
        if others:
            hidden.add(others[0][1])
    return hidden


def _cell(count: int, hidden: bool) -> str:
    if not hidden:
        return str(count)
    return HIDDEN if 0 < count < SMALLEST_SHOWN else SECONDARY


def activation_rows(rows: list[tuple]) -> list[tuple]:
    """[(key, Activation)] as [(key, people certified, active, rate)], all text: a row whose
    group is hidden hides its active count and rate too."""
    certified = [row.certified for _key, row in rows]
    active = [row.active for _key, row in rows]
    hidden_groups = _hidden(certified, set())
    hidden_active = _hidden(active, hidden_groups)
    result = []
    for index, (key, row) in enumerate(rows):
        shown_rate = index not in hidden_active and row.certified
        result.append(
            (
                key,
                _cell(row.certified, index in hidden_groups),
                _cell(row.active, index in hidden_active),
                f"{round(100 * row.active / row.certified)}%" if shown_rate else "—",
            )
        )
    return result
