"""An assignment (what a manager asked, of whom, by when) and what it means for each person
and course (a learner's due date, met or not).

The per-person rows are written by set-based statements (INSERT ... SELECT), so that assigning
a course to an organisation of 20,000 people is a handful of statements. An assignment is met
by a valid certificate for the course. When it recurs, a certificate that meets it opens the
next cycle, due on that certificate's expiry date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.cohorts.models import Cohort
from elearn.courses.models import Course
from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db
from elearn.organisations.models import Organisation
from elearn.paths.models import LearningPath


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(course_id IS NULL) <> (path_id IS NULL)", name="course_or_path"),
        CheckConstraint(
            "(CASE WHEN target_user_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN target_cohort_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN target_organisation_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organisation whose managers made it and may change it.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    # A path that is assigned cannot be deleted.
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="RESTRICT")
    )
    # Exactly one target: a person, a cohort, or an organisation with everything below it.
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # A cohort that something is assigned to cannot be deleted.
    target_cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True
    )
    target_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    # Met again after each certificate expires: the next cycle falls due on its expiry date.
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # For the pages (load them with selectinload); the per-person rows are never loaded here.
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    course: Mapped[Course | None] = relationship()
    path: Mapped[LearningPath | None] = relationship()
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    target_cohort: Mapped[Cohort | None] = relationship()
    target_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[target_organisation_id]
    )


class LearnerAssignment(db.Model):
    """One course one person has to complete by a date, because of one assignment."""

    __tablename__ = "learner_assignments"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id", "course_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    # 1, then 2, 3...: the cycles of a recurring assignment.
    cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # When a valid certificate for the course met it, and which one.
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class AssignmentReminder(db.Model):
    """One reminder of a learner's due date: ``days`` before it (14, 3) or after it (-1, -7).

    The row is the claim, as for certificate reminders (elearn.database.claim_to_send).
    """

    __tablename__ = "assignment_reminders"
    __table_args__ = (UniqueConstraint("learner_assignment_id", "days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_assignment_id: Mapped[int] = mapped_column(
        ForeignKey("learner_assignments.id", ondelete="CASCADE")
    )
    days: Mapped[int] = mapped_column(Integer)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A reminder that a later one made pointless when the first went out: never sent.
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
