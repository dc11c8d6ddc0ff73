"""The time on lessons counted from page views, pure: a view counts until the next view of the
course, at most its lesson's counting limit; ``fold`` puts views that arrive in any order in
their places in an enrolment's history and says how each lesson's seconds change. No
database and no clock: elearn/learning/page_views.py reads and writes them
(docs/learning-time.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

# Time on one lesson counts at most this long between two page views (or the lesson's stated
# duration, when longer): a tab left open over lunch is not study time.
MAX_COUNTED = timedelta(minutes=30)

US = 1_000_000
# How long after the newest view the history keeps views, and how many at most: a view that
# reaches the database later than that (a worker that could not write for an hour) is left
# out. Both bound the enrolment's row (about 40 bytes a view).
HISTORY_SECONDS = 3600
HISTORY_KEEP = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime: exact, unlike a float timestamp."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def from_us(at: int) -> datetime:
    return _EPOCH + timedelta(microseconds=at)


@dataclass(frozen=True, order=True)
class View:
    """A learner opened ``lesson_key`` at ``at`` (microseconds since the epoch, UTC);
    ``duration``: that lesson's stated minutes, which set how long its view may count."""

    at: int
    lesson_key: str
    duration: int | None = field(default=None, compare=False)

    @classmethod
    def of(cls, moment: datetime, lesson) -> View:
        return cls(to_us(moment), lesson.key, lesson.duration)

    @property
    def moment(self) -> datetime:
        return from_us(self.at)


def counting_limit(duration_minutes: int | None) -> timedelta:
    """The most one page view counts: half an hour, or the lesson's duration when longer."""
    return max(MAX_COUNTED, timedelta(minutes=duration_minutes or 0))


def seconds_between(earlier: View, later_at: int) -> int:
    """Seconds of ``earlier``'s view that count, up to ``later_at``, to the nearest whole."""
    limit = int(counting_limit(earlier.duration).total_seconds()) * US
    return (max(0, min(later_at - earlier.at, limit)) + US // 2) // US


def after(view: View, newest: View | None) -> View:
    """``view``, a microsecond after ``newest`` if it is not later already: two views of one
    enrolment at the same moment (a frozen clock, a coarse one) keep the order they came in."""
    if newest is None or view.at > newest.at:
        return view
    return View(newest.at + 1, view.lesson_key, view.duration)


def totals(views: Iterable[View]) -> Counter:
    """Seconds per lesson of views in order: each counts until the next."""
    ordered = sorted(views)
    counted: Counter = Counter()
    for earlier, later in pairwise(ordered):
        counted[earlier.lesson_key] += seconds_between(earlier, later.at)
    return counted


@dataclass(frozen=True)
class History:
    """An enrolment's recent views, oldest first; ``whole``: from its very first view (a view
    older than all of them then starts the course, and nothing is left out)."""

    views: tuple[View, ...] = ()
    whole: bool = True

    @property
    def newest(self) -> View | None:
        return self.views[-1] if self.views else None

    def encode(self) -> dict:
        return {
            "whole": self.whole,
            "views": [[v.at, v.lesson_key, v.duration] for v in self.views],
        }

    @classmethod
    def decode(cls, data: dict) -> History:
        views = tuple(View(at, key, duration) for at, key, duration in data.get("views", []))
        return cls(views, bool(data.get("whole", False)))


@dataclass(frozen=True)
class Folded:
    """The history after a fold, the change of each lesson's seconds (a late view can take
    some back from the lesson before it), and how many views came too late to place."""

    history: History
    seconds: dict[str, int]
    late: int = 0

    @property
    def total(self) -> int:
        return sum(self.seconds.values())


def fold(
    history: History,
    incoming: Iterable[View],
    *,
    keep_seconds: int = HISTORY_SECONDS,
    keep: int = HISTORY_KEEP,
) -> Folded:
    """``history`` with ``incoming`` views put in their places (a view seen before changes
    nothing, so folding the same views twice is harmless)."""
    merged = {(view.at, view.lesson_key): view for view in history.views}
    oldest = history.views[0].at if history.views else None
    late = 0
    for view in incoming:
        if (view.at, view.lesson_key) in merged:
            continue
        if not history.whole and oldest is not None and view.at < oldest:
            late += 1  # what came before it was trimmed: its place cannot be known
            continue
        merged[(view.at, view.lesson_key)] = view
    ordered = sorted(merged.values())
    before, after = totals(history.views), totals(ordered)
    seconds = {
        key: after[key] - before[key]
        for key in sorted(set(before) | set(after))
        if after[key] != before[key]
    }
    kept = ordered
    if ordered:
        since = ordered[-1].at - keep_seconds * US
        kept = [view for view in ordered if view.at >= since][-keep:]
    return Folded(History(tuple(kept), history.whole and len(kept) == len(ordered)), seconds, late)
