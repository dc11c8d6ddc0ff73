"""Assigning a course or a learning path to a person, a cohort or an organisation with
everything below it, by a date; and removing an assignment. The rules are in
docs/assignments.md; the per-person rows are written set-based (elearn/assignments/rows.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, distinct, func, literal, select

from elearn.accounts.models import User
from elearn.assignments import rows
from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.audit.services import record
from elearn.certificates.services import today as local_today
from elearn.cohorts.models import Cohort
from elearn.courses.models import Course
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.organisations.services import can_manage
from elearn.paths.models import LearningPath, LearningPathStep

TARGETS = ("person", "cohort", "organisation")


@dataclass(frozen=True)
class Assigned:
    """What an assignment reached when it was made: people, and those already met."""

    assignment: Assignment
    people: int
    met: int


def _what(course_id: int | None, path_id: int | None) -> tuple[int | None, int | None]:
    """The course or path to assign, checked: a published course, a path with one."""
    if (course_id is None) == (path_id is None):
        raise DomainError(_l("Choose a course or a learning path."), field="what")
    if course_id is not None:
        course = db.session.get(Course, course_id)
        if course is None or not db.session.scalar(select(rows.published(course.id))):
            raise DomainError(_l("Choose a published course from the list."), field="course_id")
        return course.id, None
    path = db.session.get(LearningPath, path_id)
    if path is None:
        raise DomainError(_l("Choose a learning path from the list."), field="path_id")
    has_course = select(
        select(LearningPathStep.id)
        .where(LearningPathStep.path_id == path.id, rows.published(LearningPathStep.course_id))
        .exists()
    )
    if not db.session.scalar(has_course):
        raise DomainError(
            _l("This learning path has no published course yet; choose another."),
            field="path_id",
        )
    return None, path.id


def _target(
    organisation: Organisation,
    kind: str,
    *,
    email: str | None,
    cohort_id: int | None,
    target_organisation_id: int | None,
) -> tuple[dict, object]:
    """The target's column and a SELECT of its people's ids, checked to lie within
    ``organisation`` and the organisations below it."""
    within = tree.subtree_ids(organisation.id)
    if kind == "person":
        person = db.session.scalar(
            select(User).where(
                User.email == (email or "").strip().lower(),
                User.organisation_id.in_(within),
                User.organisation_confirmed_at.is_not(None),
                User.deactivated_at.is_(None),
                User.erased_at.is_(None),
            )
        )
        if person is None:
            raise DomainError(
                _l(
                    "Nobody with this email address is a confirmed member of this "
                    "organisation or of one below it."
                ),
                field="email",
            )
        return {"target_user_id": person.id}, select(literal(person.id))
    if kind == "cohort":
        cohort = db.session.scalar(
            select(Cohort).where(Cohort.id == cohort_id, Cohort.organisation_id.in_(within))
        )
        if cohort is None:
            raise DomainError(_l("Choose a cohort from the list."), field="cohort_id")
        return {"target_cohort_id": cohort.id}, rows.cohort_members(cohort.id)
    if kind == "organisation":
        if target_organisation_id is None or not tree.is_within(
            target_organisation_id, organisation.id
        ):
            raise DomainError(
                _l("Choose an organisation from the list."), field="target_organisation_id"
            )
        return {"target_organisation_id": target_organisation_id}, rows.members_below(
            target_organisation_id
        )
    raise DomainError(_l("Choose whom to assign it to."), field="whom")


def assign(
    organisation: Organisation,
    *,
    by,
    target: str,
    due_on: date | None,
    course_id: int | None = None,
    path_id: int | None = None,
    email: str | None = None,
    cohort_id: int | None = None,
    target_organisation_id: int | None = None,
    recurring: bool = False,
) -> Assigned:
    """Assign a course or a path, made by ``organisation``'s manager ``by``, to a person, a
    cohort or an organisation with everything below it (all within ``organisation``'s tree),
    due on ``due_on``; recurring: again on each certificate's expiry date. Writes each
    person's rows in a fixed number of statements; those who hold a valid certificate are met
    at once. Audited with the counts.

    Raises DomainError (with the form field) for a manager outside their tree, a course that
    is not published, a path without one, a date in the past, a target outside the tree or
    unknown, or the same assignment made already.
    """
    if not can_manage(by, organisation.id):
        raise DomainError(_l("You can assign courses only within your own organisation."))
    course_id, path_id = _what(course_id, path_id)
    today = local_today()
    if due_on is None:
        raise DomainError(_l("Enter the date it is due by."), field="due_on")
    if due_on < today:
        raise DomainError(_l("The due date cannot be in the past."), field="due_on")
    column, people = _target(
        organisation,
        target,
        email=email,
        cohort_id=cohort_id,
        target_organisation_id=target_organisation_id,
    )
    same = select(Assignment.id).filter_by(
        organisation_id=organisation.id, course_id=course_id, path_id=path_id, **column
    )
    if db.session.scalar(same.limit(1)) is not None:
        raise DomainError(
            _l("This is already assigned to them. Remove that assignment first to change it.")
        )
    assignment = Assignment(
        organisation_id=organisation.id,
        course_id=course_id,
        path_id=path_id,
        due_on=due_on,
        recurring=bool(recurring),
        created_by_id=by.id,
        **column,
    )
    db.session.add(assignment)
    db.session.flush()
    pairs = select(
        literal(assignment.id).label("assignment_id"), people.subquery().c[0].label("user_id")
    )
    rows.give(pairs.subquery("pairs"), today)
    reached = people_and_met(assignment.id)
    record(
        "assignment.created",
        actor_id=by.id,
        target_type="assignment",
        target_id=assignment.id,
        organisation_id=organisation.id,
        course_id=course_id,
        path_id=path_id,
        target=target,
        due_on=due_on.isoformat(),
        recurring=assignment.recurring,
        people=reached[0],
        met=reached[1],
        **column,
    )
    return Assigned(assignment, *reached)


def people_and_met(assignment_id: int) -> tuple[int, int]:
    """How many people an assignment has rows for, and how many rows are met; one query."""
    counted = db.session.execute(
        select(
            func.count(distinct(LearnerAssignment.user_id)),
            func.count(LearnerAssignment.met_at),
        ).where(LearnerAssignment.assignment_id == assignment_id)
    ).one()
    return counted[0], counted[1]


def remove_assignment(assignment: Assignment, *, by) -> int:
    """Remove an assignment and every person's rows of it (their enrolments, progress and
    certificates are untouched). Returns the rows removed. Raises DomainError for a manager
    outside the tree of the organisation that made it."""
    if not can_manage(by, assignment.organisation_id):
        raise DomainError(_l("You can remove only the assignments of your own organisation."))
    people, _met = people_and_met(assignment.id)
    removed = db.session.execute(
        delete(LearnerAssignment)
        .where(LearnerAssignment.assignment_id == assignment.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    record(
        "assignment.removed",
        actor_id=by.id,
        target_type="assignment",
        target_id=assignment.id,
        organisation_id=assignment.organisation_id,
        people=people,
        rows=removed,
    )
    db.session.delete(assignment)
    db.session.flush()
    return removed
