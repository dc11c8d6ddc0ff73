"""What assignments do when something happens below them (elearn/signals.py): a certificate
meets the course; people joining or leaving an organisation or a cohort gain or lose what is
assigned there; learning's pages ask for a person's due dates; privacy gathers them for the
person's download."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from elearn.assignments import rows
from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.certificates.services import local_day, today
from elearn.courses.models import Course
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.due import DueDate
from elearn.organisations.models import Organisation
from elearn.signals import (
    certificate_issued,
    cohort_members_added,
    due_dates_requested,
    membership_confirmed,
    membership_ended,
    person_erased,
    personal_data_requested,
)

# How long a met due date stays on the learner's pages ("done on ...").
RECENTLY_MET = timedelta(days=30)


def meet_on_certificate(
    _certificate,
    *,
    certificate_id: int,
    user_id: int,
    course_id: int,
    issued_at: datetime,
    expires_on: date | None = None,
    **_details,
) -> None:
    """A certificate was issued (first or renewed): the person's open rows of the course are
    met (on time or late, by their due date), and recurring ones fall due again on its
    expiry."""
    rows.meet(
        user_id=user_id,
        course_id=course_id,
        certificate_id=certificate_id,
        met_at=issued_at,
        today=today(),
    )


def give_to_new_members(_sender, *, organisation_id: int, user_ids: list[int], **_details):
    rows.join_organisation(organisation_id, list(user_ids), today())


def give_to_cohort_members(_sender, *, cohort_id: int, user_ids: list[int], **_details):
    rows.join_cohort(cohort_id, list(user_ids), today())


def take_from_leavers(_sender, *, organisation_id: int, user_ids: list[int], **_details):
    rows.leave_organisation(organisation_id, list(user_ids))


def forget_erased(_user, *, user_id: int, **_details) -> None:
    """An erased account can complete nothing: its open rows go (met ones stay, nameless,
    for the figures, as its certificates do)."""
    rows.drop_open(user_id)


def due_dates_of(_user, *, user_id: int, **_details) -> list[DueDate]:
    """The person's open rows and those met lately, as plain data for learning's pages."""
    day = today()
    found = db.session.execute(
        select(LearnerAssignment.course_id, LearnerAssignment.due_on, LearnerAssignment.met_at)
        .where(
            LearnerAssignment.user_id == user_id,
            or_(
                LearnerAssignment.met_at.is_(None),
                LearnerAssignment.met_at >= utcnow() - RECENTLY_MET,
            ),
        )
        .order_by(LearnerAssignment.due_on)
    )
    return [
        DueDate(
            course_id=course_id,
            due_on=due_on,
            overdue=met_at is None and due_on < day,
            met_on=local_day(met_at) if met_at else None,
        )
        for course_id, due_on, met_at in found
    ]


def assignments_in_download(user, **_details) -> dict:
    """The person's due dates for their data download: course, by whom, due, met."""
    found = db.session.execute(
        select(
            Course.slug,
            Organisation.name,
            LearnerAssignment.cycle,
            LearnerAssignment.due_on,
            LearnerAssignment.met_at,
        )
        .join(Course, Course.id == LearnerAssignment.course_id)
        .join(Assignment, Assignment.id == LearnerAssignment.assignment_id)
        .join(Organisation, Organisation.id == Assignment.organisation_id)
        .where(LearnerAssignment.user_id == user.id)
        .order_by(LearnerAssignment.due_on, LearnerAssignment.id)
    )
    return {
        "assignments.json": [
            {
                "course": slug,
                "assigned_by": organisation,
                "cycle": cycle,
                "due_on": due_on.isoformat(),
                "met_at": met_at.isoformat() if met_at else None,
            }
            for slug, organisation, cycle, due_on, met_at in found
        ]
    }


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    certificate_issued.connect(meet_on_certificate)
    membership_confirmed.connect(give_to_new_members)
    cohort_members_added.connect(give_to_cohort_members)
    membership_ended.connect(take_from_leavers)
    due_dates_requested.connect(due_dates_of)
    personal_data_requested.connect(assignments_in_download)
    person_erased.connect(forget_erased)
