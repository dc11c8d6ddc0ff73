"""Who takes which course, on which version, and what they have completed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.courses.models import Course, CourseVersion
from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class Enrolment(db.Model):
    """A learner on a course. They stay on the version they started unless they choose to
    move, or the version is withdrawn."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="RESTRICT"), index=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set at the moment the last requirement is met, with the version it was met on.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="RESTRICT")
    )
    # Where "Continue" leads, and when that lesson was opened (to count time spent on it).
    last_lesson_key: Mapped[str | None] = mapped_column(String(80))
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The recent lesson views, so that views written in batches by several workers add up
    # whatever order they arrive in (elearn/learning/page_views.py). Read only by that module.
    view_history: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), deferred=True)
    # 1 for the first certification; 2, 3...: each renewal, which the quiz attempts of that
    # round count towards.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # A summary of the enrolment's own rows, kept in step by the statements that write them
    # (elearn/learning/summary.py), so that reports aggregate enrolments alone.
    lessons_completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seconds_on_lessons: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    best_score: Mapped[float | None] = mapped_column(Float)
    # The learner's choice to receive the course's announcements by email (off unless asked).
    announcement_emails: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship(foreign_keys=[version_id])
    lessons_done: Mapped[list[LessonCompletion]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan"
    )


class LessonCompletion(db.Model):
    """A lesson a learner completed, with the content it had then (its hash)."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("enrolment_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    lesson_key: Mapped[str] = mapped_column(String(80))
    content_hash: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="lessons_done")


class LessonTime(db.Model):
    """Seconds spent on a lesson, counted on the server between page views (for reports)."""

    __tablename__ = "lesson_times"
    __table_args__ = (UniqueConstraint("enrolment_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    lesson_key: Mapped[str] = mapped_column(String(80))
    seconds: Mapped[int] = mapped_column(Integer, default=0)
