"""The donor report: for a period, what the organisation and everything below it achieved,
with no personal data and no count small enough to single someone out.

Every count from 1 to 4 is shown as "<5". Where a table would then hold exactly one hidden
cell beside its total, the next smallest count is hidden too, so that the hidden one cannot be
worked out by subtraction (secondary suppression). Zero is shown: it describes nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import distinct, func, select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting.aggregates import month_of
from elearn.reporting.figures import course_titles
from elearn.reporting.scope import Filters, people

SMALLEST_SHOWN = 5
HIDDEN = "<5"
SECONDARY = "—"  # hidden only so that a "<5" beside it cannot be worked out


@dataclass
class Table:
    """Rows of (label, shown count) and the total, after suppression."""

    rows: list[tuple[str, str]]
    total: str


@dataclass
class DonorReport:
    start: date
    end: date
    people_trained: str
    completions: str
    certificates: str
    by_course: Table
    by_profession: Table
    by_county: Table
    by_month: Table
    notes: list[str] = field(default_factory=list)
    # Sessions, events, people reached and materials (elearn/reporting/reach_donor.py).
    reach: object | None = None


def shown(count: int) -> str:
    return HIDDEN if 0 < count < SMALLEST_SHOWN else str(count)


def suppress(rows: list[tuple[str, int]]) -> Table:
    """Hide small counts, and one more where a single hidden count could be subtracted out."""
    total = sum(count for _label, count in rows)
    hidden = {index for index, (_label, count) in enumerate(rows) if 0 < count < SMALLEST_SHOWN}
    if len(hidden) == 1:
        candidates = sorted(
            (count, index)
            for index, (_label, count) in enumerate(rows)
            if index not in hidden and count > 0
        )
        if candidates:
            hidden.add(candidates[0][1])

    def cell(index: int, count: int) -> str:
        if index not in hidden:
            return str(count)
        return HIDDEN if count < SMALLEST_SHOWN else SECONDARY

    return Table(
        rows=[(label, cell(index, count)) for index, (label, count) in enumerate(rows)],
        total=shown(total),
    )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (
        datetime.combine(start, time(), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=zone),
    )


def donor_report(organisation_id: int, start: date, end: date, language: str) -> DonorReport:
    """Completions and certificates of the period across the tree; a fixed number of queries."""
    begin, stop = _bounds(start, end)
    counted = people(Filters(organisation_id=organisation_id))
    done = (
        select(Enrolment.user_id, Enrolment.course_id, Enrolment.completed_at)
        .where(
            Enrolment.user_id.in_(counted),
            Enrolment.completed_at >= begin,
            Enrolment.completed_at < stop,
        )
        .subquery()
    )
    trained, completions = db.session.execute(
        select(func.count(distinct(done.c.user_id)), func.count()).select_from(done)
    ).one()
    certificates = db.session.scalar(
        select(func.count()).where(
            Certificate.user_id.in_(counted),
            Certificate.issued_at >= begin,
            Certificate.issued_at < stop,
        )
    )

    def grouped(column):
        return db.session.execute(
            select(column, func.count())
            .select_from(done)
            .join(User, User.id == done.c.user_id)
            .group_by(column)
            .order_by(column)
        ).all()

    courses = grouped(done.c.course_id)
    titles = course_titles([course_id for course_id, _count in courses])
    month = month_of(done.c.completed_at)
    return DonorReport(
        start=start,
        end=end,
        people_trained=shown(trained),
        completions=shown(completions),
        certificates=shown(certificates),
        by_course=suppress(
            [(_title(titles.get(course_id, {}), language), count) for course_id, count in courses]
        ),
        by_profession=suppress(
            [(str(PROFESSIONS.get(key, key)), count) for key, count in grouped(User.profession)]
        ),
        by_county=suppress(
            [(str(COUNTIES.get(key, key)), count) for key, count in grouped(User.county)]
        ),
        by_month=suppress(
            [
                (value, count)
                for value, count in db.session.execute(
                    select(month, func.count()).select_from(done).group_by(month).order_by(month)
                )
            ]
        ),
    )


def _title(title: dict, language: str) -> str:
    return title.get(language) or next(iter(title.values()), "")
