"""What the managers' pages of assignments read: the list with its counts, one assignment's
people, and the choices of the form; each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import contains_eager, joinedload

from elearn.accounts.models import User
from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.certificates.services import local_day
from elearn.cohorts.models import Cohort
from elearn.courses.models import CourseVersion
from elearn.extensions import db
from elearn.learning.services import latest_published
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.paths.models import LearningPath

PER_PAGE = 50


@dataclass(frozen=True)
class Counts:
    people: int = 0
    met: int = 0  # every course met, nothing overdue
    overdue: int = 0  # at least one course overdue


# Loaded with each assignment in the same query (joins), however many kinds are on a page.
_ALONG = (
    joinedload(Assignment.organisation),
    joinedload(Assignment.path),
    joinedload(Assignment.target_user),
    joinedload(Assignment.target_cohort),
    joinedload(Assignment.target_organisation),
)


def assignments_below(organisation_id: int):
    """The assignments made by the organisation and those below it, due soonest last."""
    return (
        select(Assignment)
        .where(Assignment.organisation_id.in_(tree.subtree_ids(organisation_id)))
        .order_by(Assignment.due_on.desc(), Assignment.id.desc())
        .options(*_ALONG)
    )


def assignment_within(organisation_id: int, assignment_id: int) -> Assignment | None:
    """The assignment if the organisation or one below it made it; one query."""
    return db.session.scalar(
        select(Assignment)
        .where(
            Assignment.id == assignment_id,
            Assignment.organisation_id.in_(tree.subtree_ids(organisation_id)),
        )
        .options(*_ALONG)
    )


def counts(assignment_ids: list[int], today: date) -> dict[int, Counts]:
    """People, met and overdue of each assignment, counted per person in SQL; one query.

    A person is met when every course of the assignment has a met row and none is overdue,
    overdue when one of their rows is open past its date.
    """
    if not assignment_ids:
        return {}
    row = LearnerAssignment
    per_person = (
        select(
            row.assignment_id,
            func.count(distinct(row.course_id)).label("courses"),
            func.count(distinct(case((row.met_at.is_not(None), row.course_id)))).label("met"),
            func.count(case((and_(row.met_at.is_(None), row.due_on < today), 1))).label("late"),
        )
        .where(row.assignment_id.in_(assignment_ids))
        .group_by(row.assignment_id, row.user_id)
        .subquery()
    )
    person = per_person.c
    totals = db.session.execute(
        select(
            person.assignment_id,
            func.count(),
            func.count(case((and_(person.met == person.courses, person.late == 0), 1))),
            func.count(case((person.late > 0, 1))),
        ).group_by(person.assignment_id)
    )
    return {assignment_id: Counts(*figures) for assignment_id, *figures in totals}


def state(row: LearnerAssignment, today: date) -> str:
    """met_on_time, met_late (by the local day it was met), overdue or due."""
    if row.met_at is not None:
        return "met_on_time" if local_day(row.met_at) <= row.due_on else "met_late"
    return "overdue" if row.due_on < today else "due"


def people_of(assignment_id: int):
    """The rows of an assignment with their people, by name (for db.paginate)."""
    return (
        select(LearnerAssignment)
        .join(LearnerAssignment.user)
        .where(LearnerAssignment.assignment_id == assignment_id)
        .order_by(
            User.full_name,
            User.id,
            LearnerAssignment.course_id,
            LearnerAssignment.cycle,
        )
        .options(contains_eager(LearnerAssignment.user))
    )


def course_titles(course_ids, language: str) -> dict[int, str]:
    """Each course's title in ``language`` (from its newest version); one query."""
    titles: dict[int, str] = {}
    for version in db.session.scalars(
        select(CourseVersion)
        .where(CourseVersion.course_id.in_(set(course_ids)))
        .order_by(CourseVersion.id)
    ):
        titles[version.course_id] = version.text("title", language)
    return titles


def course_choices(language: str) -> list[tuple[str, str]]:
    """The published courses, by title."""
    pairs = [
        (str(course_id), version.text("title", language))
        for course_id, version in latest_published().items()
    ]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def path_choices(language: str) -> list[tuple[str, str]]:
    paths = db.session.scalars(select(LearningPath)).all()
    pairs = [(str(path.id), path.text("title", language)) for path in paths]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def cohort_choices(organisation_id: int) -> list[tuple[str, str]]:
    """The cohorts of the organisation and those below it, with their organisation."""
    found = db.session.execute(
        select(Cohort.id, Cohort.name, Organisation.name)
        .join(Organisation, Organisation.id == Cohort.organisation_id)
        .where(Cohort.organisation_id.in_(tree.subtree_ids(organisation_id)))
        .order_by(func.lower(Cohort.name), Cohort.id)
    )
    return [(str(cohort_id), f"{name} ({where})") for cohort_id, name, where in found]


def organisation_choices(organisation_id: int) -> list[tuple[str, str]]:
    """The organisation and those below it, indented as in the tree."""
    return [
        (str(node.organisation.id), "— " * node.depth + node.organisation.name)
        for node in tree.tree(organisation_id)
    ]
