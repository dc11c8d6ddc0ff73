"""The dashboard's one statement: every aggregate of a page from the counted enrolments, found
once (a materialised CTE), grouped per course, organisation, profession, county and month, with
the certificates, the medians and the assignments; and the SQL pieces the other reports share.
SQLite and PostgreSQL alike, never rows loaded into Python. docs/reporting.md defines every figure.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (
    Float,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.reporting import assigned
from elearn.reporting.scope import Filters, narrowed, people

EXPIRING_DAYS = 60


def _days_between(start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """``end - start`` in days, as a number, on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def month_of(column: ColumnElement) -> ColumnElement:
    """'YYYY-MM' of a timestamp (UTC), on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def started(enrolment) -> ColumnElement:
    """Any trace of learning: a lesson completed, time on a lesson, a quiz attempt (from the
    enrolment's own summary, elearn/learning/summary.py)."""
    return or_(
        enrolment.lessons_completed > 0,
        enrolment.seconds_on_lessons > 0,
        enrolment.quiz_attempts > 0,
    )


def one_pass(filters: Filters, today: date):
    """(kind, key, five counts, a mean) rows: the members; per course enrolled, completed,
    not started and the average best score; enrolled and completed per organisation,
    profession and county; completions per month; valid and expiring certificates per course;
    the two medians per course; and per course, organisation, profession and county the
    assignments: assigned, met on time, met late, overdue, due soon (elearn/reporting/
    assigned.py). Keys are text (a UNION needs one type per column)."""
    counted = people(filters).add_columns(User.organisation_id, User.profession, User.county)
    counted = counted.cte("counted").prefix_with("MATERIALIZED")
    query = select(
        Enrolment.id,
        Enrolment.course_id,
        Enrolment.enrolled_at,
        Enrolment.completed_at,
        Enrolment.best_score,
        Enrolment.seconds_on_lessons,
        case((or_(Enrolment.completed_at.is_not(None), started(Enrolment)), 1), else_=0).label(
            "started"
        ),
        counted.c.organisation_id,
        counted.c.profession,
        counted.c.county,
    ).join(counted, counted.c.id == Enrolment.user_id)
    scoped = narrowed(query, filters).cte("scoped").prefix_with("MATERIALIZED")
    dimensions = (counted.c.organisation_id, counted.c.profession, counted.c.county)
    due = assigned.current(counted, filters, *dimensions).subquery("current")
    due = assigned.classified(due, today).cte("assigned").prefix_with("MATERIALIZED")
    zero, nothing = literal(0), null()

    def row(kind: str, key, figures: list, mean=nothing):
        """One SELECT of the UNION: the counts padded to five."""
        padded = [*figures, *([zero] * (5 - len(figures)))]
        return select(literal(kind), cast(key, String), *padded, cast(mean, Float))

    def per(kind: str, key, figures: list, mean=nothing, where=None, source=scoped):
        query = row(kind, key, figures, mean).select_from(source)
        return (query.where(where) if where is not None else query).group_by(key)

    valid = and_(
        Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None),
        or_(Certificate.expires_on.is_(None), Certificate.expires_on >= today),
    )
    soon = and_(
        Certificate.expires_on.is_not(None),
        Certificate.expires_on <= today + timedelta(days=EXPIRING_DAYS),
    )
    certificates = scoped.join(Certificate, Certificate.enrolment_id == scoped.c.id)
    done = func.count(scoped.c.completed_at)
    totals = [func.count(), done]
    assignments = assigned.counts(due)
    return union_all(
        row("members", nothing, [func.count()]).select_from(counted),
        per(
            "course",
            scoped.c.course_id,
            [func.count(), done, func.count() - func.sum(scoped.c.started)],
            func.avg(scoped.c.best_score),
        ),
        per("organisation", scoped.c.organisation_id, totals),
        per("profession", scoped.c.profession, totals),
        per("county", scoped.c.county, totals),
        per(
            "month",
            month_of(scoped.c.completed_at),
            totals,
            where=scoped.c.completed_at.is_not(None),
        ),
        per(
            "certificates",
            Certificate.course_id,
            [func.count(), func.sum(case((soon, 1), else_=0))],
            where=valid,
            source=certificates,
        ),
        _median(
            "median_days",
            scoped,
            _days_between(scoped.c.enrolled_at, scoped.c.completed_at),
            scoped.c.completed_at.is_not(None),
            row,
        ),
        _median(
            "median_minutes",
            scoped,
            scoped.c.seconds_on_lessons / 60.0,
            scoped.c.seconds_on_lessons > 0,
            row,
        ),
        per("assigned_course", due.c.course_id, assignments, source=due),
        per("assigned_organisation", due.c.organisation_id, assignments, source=due),
        per("assigned_profession", due.c.profession, assignments, source=due),
        per("assigned_county", due.c.county, assignments, source=due),
    )


def _median(kind: str, scoped, value: ColumnElement, where: ColumnElement, row):
    """Per course, the middle value (or the mean of the two middle ones): PostgreSQL's
    ordered-set aggregate where there is one (a sort per course, three times faster than the
    window functions at 100,000 people), window functions elsewhere (the same result).
    ``row`` makes one SELECT of the UNION from a key, counts and a mean."""
    if db.session.get_bind().dialect.name == "postgresql":
        return (
            row(kind, scoped.c.course_id, [], func.percentile_cont(0.5).within_group(value))
            .select_from(scoped)
            .where(where)
            .group_by(scoped.c.course_id)
        )
    ranked = (
        select(
            scoped.c.course_id.label("course_id"),
            value.label("value"),
            func.row_number().over(partition_by=scoped.c.course_id, order_by=value).label("n"),
            func.count().over(partition_by=scoped.c.course_id).label("total"),
        )
        .where(where)
        .subquery()
    )
    middle = or_(
        ranked.c.n == (ranked.c.total + 1) // 2,
        ranked.c.n == (ranked.c.total + 2) // 2,
    )
    return (
        row(kind, ranked.c.course_id, [], func.avg(cast(ranked.c.value, Float)))
        .select_from(ranked)
        .where(middle)
        .group_by(ranked.c.course_id)
    )
