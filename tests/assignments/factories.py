"""Assignments written directly, for tests of what reads them (reminders, reporting): plain
functions that add and flush, inside an app context."""

from __future__ import annotations

from datetime import date, datetime

from elearn.accounts.models import User
from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.courses.models import CourseVersion
from elearn.extensions import db


def course_of(version_id: int) -> int:
    """The course of a version (the `course` fixture gives a version's id)."""
    return db.session.get(CourseVersion, version_id).course_id


def assign(
    user_id: int,
    course_id: int,
    due_on: date,
    *,
    met_at: datetime | None = None,
    cycle: int = 1,
    assignment: Assignment | None = None,
) -> LearnerAssignment:
    """A person's due date for a course; by a new assignment of the course to them (made by
    their organisation) unless ``assignment`` is given."""
    if assignment is None:
        person = db.session.get(User, user_id)
        assignment = Assignment(
            organisation_id=person.organisation_id,
            course_id=course_id,
            target_user_id=user_id,
            due_on=due_on,
        )
        db.session.add(assignment)
        db.session.flush()
    row = LearnerAssignment(
        assignment_id=assignment.id,
        user_id=user_id,
        course_id=course_id,
        cycle=cycle,
        due_on=due_on,
        met_at=met_at,
    )
    db.session.add(row)
    db.session.flush()
    return row
