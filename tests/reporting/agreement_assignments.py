"""The agreement test's assignments, and their figures counted by hand.

``assign_world`` gives the agreement world's people due dates of every kind: none, one (met
well before, met on the due date's last minutes or the next day's first, where the local day
and UTC's differ, met weeks late, or not met and due long ago, yesterday, today, in 14 or 15
days), two assignments of the same course, and the two cycles of a recurring one; and the
people who must never count get overdue ones.

``expected_assignments`` counts the figures from the raw rows in plain Python by the
definitions of docs/reporting.md ("Assignments"), without calling anything in elearn/reporting.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.extensions import db
from tests.assignments.factories import assign

DUE_SOON_DAYS = 14
OFFSETS = (-200, -120, -61, -30, -8, -1, 0, 1, 13, 14, 15, 40, 150)  # due dates, from today
KINDS = ("none", "none", "one", "one", "one", "two", "cycles")
STATES = ("met_on_time", "met_late", "overdue", "due_soon", "due_later")


def _met(rng, due: date, now: datetime, zone) -> datetime | None:
    """When a row was met: before, at the end of the due day, just after it (local time,
    still the due day in UTC), weeks late, or not (None); never in the future."""
    choice = rng.choice(("early", "last_minutes", "next_morning", "weeks_late", None, None))
    if choice is None:
        return None
    local = {
        "early": datetime.combine(due - timedelta(days=5), time(10), tzinfo=zone),
        "last_minutes": datetime.combine(due, time(23, 30), tzinfo=zone),
        "next_morning": datetime.combine(due + timedelta(days=1), time(0, 30), tzinfo=zone),
        "weeks_late": datetime.combine(due + timedelta(days=20), time(15), tzinfo=zone),
    }[choice]
    moment = local.astimezone(UTC)
    return moment if moment <= now else None


def assign_world(app, people: list[int], excluded: list[int], course_ids: list[int], now, seed):
    """Due dates for ``people`` on ``course_ids`` (rows written directly); overdue ones for
    ``excluded``. Inside an app context; flushes."""
    rng = random.Random(seed)
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    today = now.astimezone(zone).date()

    def due() -> date:
        return today + timedelta(days=rng.choice(OFFSETS))

    for person in people:
        for course_id in course_ids:
            kind = rng.choice(KINDS)
            if kind == "none":
                continue
            if kind in ("one", "two"):
                for _ in range(1 if kind == "one" else 2):
                    day = due()
                    assign(person, course_id, day, met_at=_met(rng, day, now, zone))
                continue
            first_due = today - timedelta(days=rng.choice((400, 200, 30)))
            met_at = _met(rng, first_due, now, zone) or datetime.combine(
                first_due, time(9), tzinfo=UTC
            )
            first = assign(person, course_id, first_due, met_at=met_at)
            recurring = db.session.get(Assignment, first.assignment_id)
            recurring.recurring = True
            second_due = first_due + timedelta(days=365)
            assign(
                person,
                course_id,
                second_due,
                met_at=_met(rng, second_due, now, zone),
                cycle=2,
                assignment=recurring,
            )
    for person in excluded:
        assign(person, course_ids[0], today - timedelta(days=3))
    db.session.flush()


def _current(rows: list[LearnerAssignment]) -> LearnerAssignment:
    """The row that counts: the earliest-due unmet one, else the latest-due met one."""
    unmet = [row for row in rows if row.met_at is None]
    if unmet:
        return min(unmet, key=lambda row: (row.due_on, row.id))
    return max(rows, key=lambda row: (row.due_on, row.met_at, row.id))


def _state(row: LearnerAssignment, today: date, zone) -> str:
    if row.met_at is not None:
        return "met_on_time" if row.met_at.astimezone(zone).date() <= row.due_on else "met_late"
    if row.due_on < today:
        return "overdue"
    if row.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "due_later"


def expected_assignments(
    app, *, users: dict, course: int | None, since, until, today: date
) -> dict[tuple[int, int], LearnerAssignment | str]:
    """{(user id, course id): (the row that counts, its state)} for the counted ``users``,
    the chosen course and the due dates within the period."""
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    grouped = defaultdict(list)
    for row in db.session.scalars(select(LearnerAssignment)):
        if (
            row.user_id in users
            and (course is None or row.course_id == course)
            and (since is None or row.due_on >= since)
            and (until is None or row.due_on <= until)
        ):
            grouped[(row.user_id, row.course_id)].append(row)
    result = {}
    for key, rows in grouped.items():
        row = _current(rows)
        result[key] = (row, _state(row, today, zone))
    return result


def tally(current: dict, key) -> dict:
    """{key(user id, course id): [assigned, met on time, met late, overdue, due soon]}."""
    counts = defaultdict(lambda: [0] * 5)
    for (user_id, course_id), (_row, state) in current.items():
        figures = counts[key(user_id, course_id)]
        figures[0] += 1
        if state in STATES[:4]:
            figures[1 + STATES.index(state)] += 1
    return dict(counts)
