"""Whom a report counts: the confirmed, active members of an organisation and of every
organisation below it, narrowed by the dashboard's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select, text

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.organisations.tree import subtree_ids


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, already checked (elearn/reporting/forms.py)."""

    organisation_id: int  # the organisation whose subtree is counted (the page's or a sub-one)
    course_id: int | None = None
    profession: str | None = None
    county: str | None = None
    start: date | None = None  # enrolled on or after
    end: date | None = None  # enrolled on or before

    def query_args(self, **changes) -> dict:
        """The filters as query-string arguments (for links that keep them)."""
        values = {
            "organisation": self.organisation_id,
            "course": self.course_id,
            "profession": self.profession,
            "county": self.county,
            "since": self.start.isoformat() if self.start else None,
            "until": self.end.isoformat() if self.end else None,
            **changes,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def people(filters: Filters) -> Select:
    """A SELECT of the ids of the people counted: confirmed, active, not erased members of
    the organisation or one below it, with the chosen profession and county."""
    query = select(User.id).where(
        User.organisation_id.in_(subtree_ids(filters.organisation_id)),
        User.organisation_confirmed_at.is_not(None),
        User.deactivated_at.is_(None),
        User.erased_at.is_(None),
    )
    if filters.profession:
        query = query.where(User.profession == filters.profession)
    if filters.county:
        query = query.where(User.county == filters.county)
    return query


def enrolments(filters: Filters) -> Select:
    """A SELECT of the counted people's enrolments (the course and period filters applied)."""
    return narrowed(select(Enrolment).where(Enrolment.user_id.in_(people(filters))), filters)


def narrowed(query: Select, filters: Filters) -> Select:
    """``query`` over enrolments with the course and period filters applied."""
    if filters.course_id:
        query = query.where(Enrolment.course_id == filters.course_id)
    if filters.start:
        query = query.where(Enrolment.enrolled_at >= _day_start(filters.start))
    if filters.end:
        query = query.where(Enrolment.enrolled_at < _day_start(filters.end + timedelta(days=1)))
    return query


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` where the platform is (a day is a local day, as on the pages)."""
    return datetime.combine(
        day, time(), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    )


def roomy_transaction() -> None:
    """On PostgreSQL, give this transaction's reporting statements the memory to sort and hash
    in RAM (the default 4 MB spills a county's enrolments to disk) and no JIT compilation (it
    cost more than it saved: 0.1 s on the dashboard's statement, 1.9 s of the 2.6 s of a
    county's export). Both end with the transaction (SET LOCAL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        work_mem = current_app.config["REPORTING_WORK_MEM"]
        db.session.execute(text("SELECT set_config('work_mem', :value, true)"), {"value": work_mem})
        db.session.execute(text("SET LOCAL jit = off"))
