"""Assignments as reporting counts them: for each counted person and course, one learner
assignment (their current cycle) and its state. docs/reporting.md ("Assignments") defines it.

A person may hold several rows for a course (two assignments of it, or the cycles of a
recurring one). The one that counts is the earliest-due row not yet met, else the latest-due
met one: what they have to do next, or what they last did.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Date, Select, and_, case, cast, func, null, select, true
from sqlalchemy.sql import ColumnElement, FromClause

from elearn.accounts.models import User
from elearn.assignments.models import LearnerAssignment
from elearn.extensions import db
from elearn.organisations.models import Organisation
from elearn.reporting.scope import Filters, people

DUE_SOON_DAYS = 14
# The drill-down's lists, as the dashboard counts them.
STATUSES = ("assigned", "met_on_time", "met_late", "overdue", "due_soon")
# One person's state on a course (the people export and the API).
STATES = ("met_on_time", "met_late", "overdue", "due_soon", "due_later")


def local_date(column: ColumnElement) -> ColumnElement:
    """The calendar day of a timestamp where the platform is (ELEARN_TIMEZONE): PostgreSQL's
    ``timezone()``, or the function elearn/database.py gives SQLite."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone, column), Date)
    return func.elearn_local_date(column, zone, type_=Date)


def current(counted: FromClause, filters: Filters, *extra: ColumnElement) -> Select:
    """(user_id, course_id, due_on, met_at, *extra) of each person of ``counted`` (a FROM with
    an ``id`` column) and course: the row that counts, among those of the chosen course and
    due within the chosen period."""
    unmet = LearnerAssignment.met_at.is_(None)
    query = select(
        LearnerAssignment.user_id,
        LearnerAssignment.course_id,
        LearnerAssignment.due_on,
        LearnerAssignment.met_at,
        *extra,
        func.row_number()
        .over(
            partition_by=(LearnerAssignment.user_id, LearnerAssignment.course_id),
            order_by=(
                case((unmet, 0), else_=1),
                case((unmet, LearnerAssignment.due_on)),  # unmet: the earliest due first
                LearnerAssignment.due_on.desc(),  # met: the latest due first
                LearnerAssignment.met_at.desc(),
                LearnerAssignment.id.desc(),
            ),
        )
        .label("n"),
    ).join(counted, counted.c.id == LearnerAssignment.user_id)
    if filters.course_id:
        query = query.where(LearnerAssignment.course_id == filters.course_id)
    if filters.start:
        query = query.where(LearnerAssignment.due_on >= filters.start)
    if filters.end:
        query = query.where(LearnerAssignment.due_on <= filters.end)
    ranked = query.subquery("ranked")
    return select(*(column for column in ranked.c if column.name != "n")).where(ranked.c.n == 1)


def flags(rows, today: date) -> dict[str, ColumnElement]:
    """Each state of the drill-down's lists as a condition on ``rows`` (with due_on, met_at)."""
    met = rows.c.met_at.is_not(None)
    unmet = rows.c.met_at.is_(None)
    met_on = local_date(rows.c.met_at)
    return {
        "assigned": true(),
        "met_on_time": and_(met, met_on <= rows.c.due_on),
        "met_late": and_(met, met_on > rows.c.due_on),
        "overdue": and_(unmet, rows.c.due_on < today),
        "due_soon": and_(
            unmet, rows.c.due_on >= today, rows.c.due_on <= today + timedelta(days=DUE_SOON_DAYS)
        ),
    }


def state(rows, today: date) -> ColumnElement:
    """The row's state as one of STATES (NULL where there is no row)."""
    conditions = flags(rows, today)
    return case(
        (rows.c.due_on.is_(None), null()),
        *((conditions[name], name) for name in STATES[:4]),
        else_="due_later",
    )


def classified(rows, today: date) -> Select:
    """``rows`` (with due_on, met_at) and a 0/1 column per state but "assigned": each row's
    state worked out once, however many groupings then count it."""
    conditions = flags(rows, today)
    return select(
        rows, *(case((conditions[name], 1), else_=0).label(name) for name in STATUSES[1:])
    )


def counts(rows) -> list[ColumnElement]:
    """Assigned, met on time, met late, overdue and due soon, as aggregates over ``rows`` (from
    ``classified``)."""
    return [func.count()] + [func.sum(rows.c[name]) for name in STATUSES[1:]]


def people_query(filters: Filters, status: str, today: date) -> Select:
    """(User, Organisation, course_id, due_on, met_at) of the counted people in ``status``
    (one of STATUSES), the earliest due first, then by name."""
    counted = people(filters).subquery("counted")
    rows = current(counted, filters).subquery("current")
    return (
        select(User, Organisation, rows.c.course_id, rows.c.due_on, rows.c.met_at)
        .join(rows, rows.c.user_id == User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(flags(rows, today)[status])
        .order_by(rows.c.due_on, User.search_key, User.id, rows.c.course_id)
    )


def overdue_people(filters: Filters, today: date, limit: int) -> list[tuple]:
    """(name, course id, due date) of the first ``limit`` counted people overdue, the longest
    overdue first; one query."""
    counted = people(filters).subquery("counted")
    rows = current(counted, filters).subquery("current")
    return db.session.execute(
        select(User.full_name, rows.c.course_id, rows.c.due_on)
        .join(rows, rows.c.user_id == User.id)
        .where(flags(rows, today)["overdue"])
        .order_by(rows.c.due_on, User.search_key, User.id, rows.c.course_id)
        .limit(limit)
    ).all()
