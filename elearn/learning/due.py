"""A learner's due dates: the courses they have to complete by a date, shown on My learning and
on a course's page.

Who asked for what by when is the assignments feature's business; it sits above learning, so
learning asks for a person's due dates through a signal (``due_dates_requested``) and shows
what comes back, soonest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.signals import due_dates_requested


@dataclass(frozen=True)
class DueDate:
    """One course a person has to complete by ``due_on``, as the assignments feature answers.

    ``met_on`` is the day a valid certificate met it (None while it is open); ``overdue`` is
    true for an open one whose day has passed.
    """

    course_id: int
    due_on: date
    overdue: bool = False
    met_on: date | None = None


@dataclass
class DueCourse:
    """A due date with what My learning needs to show and link it."""

    due: DueDate
    course: Course
    version: CourseVersion
    enrolment: Enrolment | None


def due_dates(user) -> list[DueDate]:
    """The person's due dates, one per course: the soonest open one, else the latest met;
    open ones first, soonest first. Empty for an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return []
    chosen: dict[int, DueDate] = {}
    for _receiver, answer in due_dates_requested.send(user, user_id=user.id):
        for due in answer or []:
            if _comes_before(due, chosen.get(due.course_id)):
                chosen[due.course_id] = due
    return sorted(chosen.values(), key=_order)


def _order(due: DueDate) -> tuple:
    # Open first, soonest first; then those met, most recent first.
    return (due.met_on is not None, due.due_on if due.met_on is None else -due.met_on.toordinal())


def _comes_before(due: DueDate, other: DueDate | None) -> bool:
    return other is None or _order(due) < _order(other)


def due_for_course(user, course_id: int) -> DueDate | None:
    """The due date a course's page shows the person, if they have one."""
    return next((due for due in due_dates(user) if due.course_id == course_id), None)


def due_courses(user) -> list[DueCourse]:
    """The person's due dates with their courses, the version to show (the one they are
    enrolled on, else the newest published) and their enrolment, in a fixed number of
    queries.
    A course with nothing to show (never published) is left out."""
    dues = due_dates(user)
    if not dues:
        return []
    course_ids = [due.course_id for due in dues]
    enrolments = {
        enrolment.course_id: enrolment
        for enrolment in db.session.scalars(
            select(Enrolment)
            .where(Enrolment.user_id == user.id, Enrolment.course_id.in_(course_ids))
            .options(selectinload(Enrolment.version), selectinload(Enrolment.course))
        )
    }
    newest: dict[int, CourseVersion] = {}
    for version in db.session.scalars(
        select(CourseVersion)
        .where(
            CourseVersion.course_id.in_(course_ids),
            CourseVersion.status == VersionStatus.PUBLISHED,
        )
        .order_by(CourseVersion.id)
        .options(selectinload(CourseVersion.course))
    ):
        newest[version.course_id] = version
    entries = []
    for due in dues:
        enrolment = enrolments.get(due.course_id)
        version = enrolment.version if enrolment else newest.get(due.course_id)
        if version is not None:
            entries.append(DueCourse(due, version.course, version, enrolment))
    return entries
