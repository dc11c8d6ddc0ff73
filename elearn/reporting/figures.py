"""The dashboard's figures, each computed by SQL (GROUP BY and window functions over the
people counted), never by loading rows into Python; a fixed number of queries whatever the
number of people, enrolments or organisations. docs/reporting.md defines every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Float, and_, case, cast, func, or_, select
from sqlalchemy.sql import ColumnElement

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.courses.models import CourseVersion
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.organisations.models import Organisation
from elearn.organisations.tree import tree
from elearn.reporting.scope import Filters, enrolments, people

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


def _medians(values) -> dict:
    """{group: median of value} over a subquery of (group, value) rows, in SQL: the middle
    row, or the mean of the two middle rows, by window functions (portable, no percentile)."""
    ranked = select(
        values.c.group,
        values.c.value,
        func.row_number().over(partition_by=values.c.group, order_by=values.c.value).label("n"),
        func.count().over(partition_by=values.c.group).label("total"),
    ).subquery()
    middle = or_(
        ranked.c.n == (ranked.c.total + 1) // 2,
        ranked.c.n == (ranked.c.total + 2) // 2,
    )
    rows = db.session.execute(
        select(ranked.c.group, func.avg(cast(ranked.c.value, Float)))
        .where(middle)
        .group_by(ranked.c.group)
    )
    return {group: value for group, value in rows}


def started(enrolment) -> ColumnElement:
    """Any trace of learning: a lesson completed, time on a lesson, a quiz attempt (from the
    enrolment's own summary, elearn/learning/summary.py)."""
    return or_(
        enrolment.lessons_completed > 0,
        enrolment.seconds_on_lessons > 0,
        enrolment.quiz_attempts > 0,
    )


def course_figures(filters: Filters, today: date) -> list[CourseFigures]:
    """One row per course any counted person is enrolled on; five queries in all, each over
    the counted enrolments alone."""
    scoped = enrolments(filters).subquery()
    completed = scoped.c.completed_at.is_not(None)
    rows = db.session.execute(
        select(
            scoped.c.course_id,
            func.count(),
            func.count(scoped.c.completed_at),
            func.sum(case((and_(~completed, ~started(scoped.c)), 1), else_=0)),
            func.avg(scoped.c.best_score),
        ).group_by(scoped.c.course_id)
    ).all()
    titles = course_titles([row[0] for row in rows])
    figures = {}
    for course_id, enrolled, done, not_started, best in rows:
        figures[course_id] = CourseFigures(
            course_id=course_id,
            title=titles.get(course_id, {}),
            enrolled=enrolled,
            completed=done,
            not_started=not_started or 0,
            in_progress=enrolled - done - (not_started or 0),
            average_best_score=round(best, 1) if best is not None else None,
        )
    _add_certificates(filters, figures, today)
    days = _medians(
        select(
            scoped.c.course_id.label("group"),
            _days_between(scoped.c.enrolled_at, scoped.c.completed_at).label("value"),
        )
        .where(completed)
        .subquery()
    )
    minutes = _medians(
        select(
            scoped.c.course_id.label("group"), (scoped.c.seconds_on_lessons / 60.0).label("value")
        )
        .where(scoped.c.seconds_on_lessons > 0)
        .subquery()
    )
    for course_id, row in figures.items():
        if days.get(course_id) is not None:
            row.median_days_to_complete = round(days[course_id], 1)
        if minutes.get(course_id) is not None:
            row.median_minutes_spent = round(minutes[course_id])
    return sorted(figures.values(), key=lambda row: str(row.title.get("en", row.course_id)))


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


def _add_certificates(filters: Filters, figures: dict, today: date) -> None:
    """Valid certificates (not revoked, not replaced, not expired) of the counted enrolments,
    and those of them expiring soon."""
    valid = and_(
        Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None),
        or_(Certificate.expires_on.is_(None), Certificate.expires_on >= today),
    )
    soon = and_(
        Certificate.expires_on.is_not(None),
        Certificate.expires_on <= today + timedelta(days=EXPIRING_DAYS),
    )
    query = (
        select(
            Certificate.course_id,
            func.count(),
            func.sum(case((soon, 1), else_=0)),
        )
        .where(
            Certificate.enrolment_id.in_(enrolments(filters).with_only_columns(Enrolment.id)), valid
        )
        .group_by(Certificate.course_id)
    )
    for course_id, count, expiring in db.session.execute(query):
        if course_id in figures:
            figures[course_id].valid_certificates = count
            figures[course_id].expiring_certificates = expiring or 0


def _breakdown(filters: Filters, column: ColumnElement) -> list[tuple]:
    scoped = enrolments(filters).subquery()
    return db.session.execute(
        select(column, func.count(), func.count(scoped.c.completed_at))
        .select_from(scoped)
        .join(User, User.id == scoped.c.user_id)
        .group_by(column)
        .order_by(column)
    ).all()


def by_sub_organisation(filters: Filters) -> list[Breakdown]:
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
    for organisation_id, enrolled, completed in _breakdown(filters, User.organisation_id):
        branch = branch_of.get(organisation_id)
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


def by_dimension(filters: Filters, column: ColumnElement, labels: dict) -> list[Breakdown]:
    return [
        Breakdown(key, str(labels.get(key, key)), enrolled, completed)
        for key, enrolled, completed in _breakdown(filters, column)
    ]


def completions_by_month(filters: Filters, months: int = 12) -> list[tuple[str, int]]:
    """Completions per calendar month (UTC) over the last ``months`` months with any."""
    scoped = enrolments(filters).subquery()
    month = month_of(scoped.c.completed_at)
    rows = db.session.execute(
        select(month, func.count())
        .where(scoped.c.completed_at.is_not(None))
        .group_by(month)
        .order_by(month.desc())
        .limit(months)
    ).all()
    return [(value, count) for value, count in reversed(rows)]


def members(filters: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(people(filters).subquery()))
