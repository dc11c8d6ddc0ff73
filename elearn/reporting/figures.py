"""The dashboard's figures, each computed by SQL (GROUP BY and window functions over the
people counted), never by loading rows into Python; a fixed number of queries whatever the
number of people, enrolments or organisations. docs/reporting.md defines every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
from elearn.courses.models import CourseVersion
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.organisations.models import Organisation
from elearn.organisations.tree import tree
from elearn.reporting.scope import Filters, narrowed, people, roomy_transaction

EXPIRING_DAYS = 60


@dataclass
class CourseFigures:
    course_id: int
    title: dict
    enrolled: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    valid_certificates: int = 0
    expiring_certificates: int = 0
    median_days_to_complete: float | None = None
    median_minutes_spent: float | None = None
    average_best_score: float | None = None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None


@dataclass
class Breakdown:
    """Enrolled and completed by one dimension (sub-organisation, profession, county)."""

    key: object
    label: str
    enrolled: int
    completed: int

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None


@dataclass
class Dashboard:
    members: int
    computed_at: datetime = field(default_factory=utcnow)
    courses: list[CourseFigures] = field(default_factory=list)
    by_organisation: list[Breakdown] = field(default_factory=list)
    by_profession: list[Breakdown] = field(default_factory=list)
    by_county: list[Breakdown] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)


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


def dashboard(
    filters: Filters, today: date, labels: dict[str, dict] | None = None, months: int = 12
) -> Dashboard:
    """Every figure of the dashboard from one statement over the counted enrolments (found
    once, as a materialised CTE), plus the tree and the course titles: three queries in all,
    whatever the number of people, courses or organisations. ``labels`` names the values of
    the "profession" and "county" breakdowns."""
    labels = labels or {}
    roomy_transaction()
    grouped: dict[str, list[tuple]] = {}
    for kind, key, first, second, third, mean in db.session.execute(_one_pass(filters, today)):
        grouped.setdefault(kind, []).append((key, first, second, third, mean))
    months_seen = sorted(grouped.get("month", []))[-months:]
    return Dashboard(
        members=sum(row[1] for row in grouped.get("members", [])),
        courses=_courses(grouped),
        by_organisation=_branches(filters, grouped.get("organisation", [])),
        by_profession=_labelled(grouped.get("profession", []), labels.get("profession", {})),
        by_county=_labelled(grouped.get("county", []), labels.get("county", {})),
        by_month=[(key, first) for key, first, *_rest in months_seen],
    )


def _one_pass(filters: Filters, today: date):
    """(kind, key, three counts, a mean) rows: the members; per course enrolled, completed,
    not started and the average best score; enrolled and completed per organisation,
    profession and county; completions per month; valid and expiring certificates per course;
    the two medians per course. Keys are text (a UNION needs one type per column)."""
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
    zero, nothing = literal(0), null()

    def per(kind: str, key, *figures, where=None, source=scoped):
        row = select(literal(kind), cast(key, String), *figures).select_from(source)
        return (row.where(where) if where is not None else row).group_by(key)

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
    totals = (func.count(), done, zero, cast(nothing, Float))
    return union_all(
        select(
            literal("members"), cast(nothing, String), func.count(), zero, zero, nothing
        ).select_from(counted),
        per(
            "course",
            scoped.c.course_id,
            func.count(),
            done,
            func.count() - func.sum(scoped.c.started),
            cast(func.avg(scoped.c.best_score), Float),
        ),
        per("organisation", scoped.c.organisation_id, *totals),
        per("profession", scoped.c.profession, *totals),
        per("county", scoped.c.county, *totals),
        per(
            "month",
            month_of(scoped.c.completed_at),
            *totals,
            where=scoped.c.completed_at.is_not(None),
        ),
        per(
            "certificates",
            Certificate.course_id,
            func.count(),
            func.sum(case((soon, 1), else_=0)),
            zero,
            nothing,
            where=valid,
            source=certificates,
        ),
        _median(
            "median_days",
            scoped,
            _days_between(scoped.c.enrolled_at, scoped.c.completed_at),
            scoped.c.completed_at.is_not(None),
        ),
        _median(
            "median_minutes",
            scoped,
            scoped.c.seconds_on_lessons / 60.0,
            scoped.c.seconds_on_lessons > 0,
        ),
    )


def _median(kind: str, scoped, value: ColumnElement, where: ColumnElement):
    """Per course, the middle value (or the mean of the two middle ones): PostgreSQL's
    ordered-set aggregate where there is one (a sort per course, three times faster than the
    window functions at 100,000 people), window functions elsewhere (the same result)."""
    zero = literal(0)
    if db.session.get_bind().dialect.name == "postgresql":
        return (
            select(
                literal(kind),
                cast(scoped.c.course_id, String),
                zero,
                zero,
                zero,
                cast(func.percentile_cont(0.5).within_group(value), Float),
            )
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
        select(
            literal(kind),
            cast(ranked.c.course_id, String),
            zero,
            zero,
            zero,
            cast(func.avg(cast(ranked.c.value, Float)), Float),
        )
        .where(middle)
        .group_by(ranked.c.course_id)
    )


def _courses(grouped: dict[str, list[tuple]]) -> list[CourseFigures]:
    rows = grouped.get("course", [])
    titles = course_titles([int(row[0]) for row in rows])
    figures: dict[int, CourseFigures] = {}
    for key, enrolled, completed, not_started, best in rows:
        course_id = int(key)
        figures[course_id] = CourseFigures(
            course_id=course_id,
            title=titles.get(course_id, {}),
            enrolled=enrolled,
            completed=completed,
            not_started=not_started or 0,
            in_progress=enrolled - completed - (not_started or 0),
            average_best_score=round(best, 1) if best is not None else None,
        )
    for key, count, expiring, _zero, _mean in grouped.get("certificates", []):
        if int(key) in figures:
            figures[int(key)].valid_certificates = count
            figures[int(key)].expiring_certificates = expiring or 0
    for key, *_counts, median in grouped.get("median_days", []):
        if int(key) in figures and median is not None:
            figures[int(key)].median_days_to_complete = round(median, 1)
    for key, *_counts, median in grouped.get("median_minutes", []):
        if int(key) in figures and median is not None:
            figures[int(key)].median_minutes_spent = round(median)
    return sorted(figures.values(), key=lambda row: str(row.title.get("en", row.course_id)))


def course_figures(filters: Filters, today: date) -> list[CourseFigures]:
    """The per-course figures alone (the same statement as ``dashboard``: call that one when
    more than one table is wanted)."""
    return dashboard(filters, today).courses


def course_titles(course_ids: list[int]) -> dict[int, dict]:
    """Each course's title by language, from its newest version (one query)."""
    if not course_ids:
        return {}
    newest = (
        select(func.max(CourseVersion.id))
        .where(CourseVersion.course_id.in_(course_ids))
        .group_by(CourseVersion.course_id)
    )
    return dict(
        db.session.execute(
            select(CourseVersion.course_id, CourseVersion.title).where(CourseVersion.id.in_(newest))
        ).all()
    )


def _labelled(rows: list[tuple], labels: dict) -> list[Breakdown]:
    return sorted(
        (
            Breakdown(key, str(labels.get(key, key)), enrolled, completed)
            for key, enrolled, completed, *_rest in rows
        ),
        key=lambda row: (row.key is not None, row.key or ""),
    )


def _branches(filters: Filters, rows: list[tuple]) -> list[Breakdown]:
    """Enrolled and completed for each organisation directly below the counted one, each
    with everything below it (the tree walked once, in SQL)."""
    nodes = tree(filters.organisation_id)
    if len(nodes) < 2:
        return []
    # Each organisation of the subtree belongs to the branch of the child it lies under; the
    # people of the counted organisation itself are a row of their own, first.
    root = nodes[0].organisation
    branch_of: dict[int, Organisation] = {root.id: root}
    current = root
    for node in nodes[1:]:
        if node.depth == 1:
            current = node.organisation
        branch_of[node.organisation.id] = current
    counts: dict[int, list[int]] = {}
    for key, enrolled, completed, *_rest in rows:
        branch = branch_of.get(int(key))
        if branch is not None:
            totals = counts.setdefault(branch.id, [0, 0])
            totals[0] += enrolled
            totals[1] += completed
    return [
        Breakdown(
            node.organisation.id, node.organisation.name, *counts.get(node.organisation.id, [0, 0])
        )
        for node in nodes
        if node.depth <= 1
    ]
