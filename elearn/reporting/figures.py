"""The dashboard's figures as the pages, exports, digest and API use them: the one statement of
elearn/reporting/aggregates.py read into tables, with course titles and the tree's branches; a
fixed number of queries whatever the number of people, enrolments or organisations.
docs/reporting.md defines every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from elearn.courses.models import CourseVersion
from elearn.database import utcnow
from elearn.extensions import db
from elearn.organisations.models import Organisation
from elearn.organisations.tree import tree
from elearn.reporting.aggregates import one_pass
from elearn.reporting.scope import Filters, roomy_transaction


@dataclass
class Assignments:
    """Counted people with a course assigned, by the state of the row that counts for each
    (elearn/reporting/assigned.py): assigned = met on time + met late + overdue + due soon +
    due later."""

    assigned: int = 0
    met_on_time: int = 0
    met_late: int = 0
    overdue: int = 0
    due_soon: int = 0

    def add_assignments(self, counts) -> None:
        self.assigned += counts[0]
        self.met_on_time += counts[1]
        self.met_late += counts[2]
        self.overdue += counts[3]
        self.due_soon += counts[4]


@dataclass
class CourseFigures(Assignments):
    course_id: int = 0
    title: dict = field(default_factory=dict)
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
class Breakdown(Assignments):
    """Enrolled and completed, and the assignments, by one dimension (sub-organisation,
    profession, county)."""

    key: object = None
    label: str = ""
    enrolled: int = 0
    completed: int = 0

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

    @property
    def assigned(self) -> int:
        """Counted people and courses with an assignment (0: nothing assigned here)."""
        return sum(row.assigned for row in self.courses)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.courses)


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
    for kind, key, *counts, mean in db.session.execute(one_pass(filters, today)):
        grouped.setdefault(kind, []).append((key, *counts, mean))
    months_seen = sorted(grouped.get("month", []))[-months:]
    return Dashboard(
        members=sum(row[1] for row in grouped.get("members", [])),
        courses=_courses(grouped),
        by_organisation=_branches(filters, grouped, "organisation"),
        by_profession=_labelled(grouped, "profession", labels.get("profession", {})),
        by_county=_labelled(grouped, "county", labels.get("county", {})),
        by_month=[(key, first) for key, first, *_rest in months_seen],
    )


def _courses(grouped: dict[str, list[tuple]]) -> list[CourseFigures]:
    """A row for each course someone counted is enrolled on or has assigned."""
    rows = grouped.get("course", [])
    due = grouped.get("assigned_course", [])
    titles = course_titles(sorted({int(row[0]) for row in rows + due}))
    figures: dict[int, CourseFigures] = {}
    for key, enrolled, completed, not_started, _zero, _nil, best in rows:
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
    for key, *counts, _mean in due:
        course_id = int(key)
        if course_id not in figures:
            figures[course_id] = CourseFigures(course_id=course_id, title=titles.get(course_id, {}))
        figures[course_id].add_assignments(counts)
    for key, count, expiring, *_rest in grouped.get("certificates", []):
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


def _labelled(grouped: dict[str, list[tuple]], kind: str, labels: dict) -> list[Breakdown]:
    """The rows of a breakdown by a value (profession, county): enrolments and assignments
    of the people with each value present."""
    found: dict[object, Breakdown] = {}
    for key, enrolled, completed, *_rest in grouped.get(kind, []):
        found[key] = Breakdown(key=key, label=str(labels.get(key, key)))
        found[key].enrolled, found[key].completed = enrolled, completed
    for key, *counts, _mean in grouped.get("assigned_" + kind, []):
        found.setdefault(key, Breakdown(key=key, label=str(labels.get(key, key))))
        found[key].add_assignments(counts)
    return sorted(found.values(), key=lambda row: (row.key is not None, row.key or ""))


def _branches(filters: Filters, grouped: dict[str, list[tuple]], kind: str) -> list[Breakdown]:
    """Enrolled and completed, and the assignments, for each organisation directly below the
    counted one, each with everything below it (the tree walked once, in SQL)."""
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
    rows = {
        node.organisation.id: Breakdown(key=node.organisation.id, label=node.organisation.name)
        for node in nodes
        if node.depth <= 1
    }
    for key, enrolled, completed, *_rest in grouped.get(kind, []):
        branch = branch_of.get(int(key))
        if branch is not None:
            rows[branch.id].enrolled += enrolled
            rows[branch.id].completed += completed
    for key, *counts, _mean in grouped.get("assigned_" + kind, []):
        branch = branch_of.get(int(key))
        if branch is not None:
            rows[branch.id].add_assignments(counts)
    return list(rows.values())
