"""Quiz attempts, and the extra attempts or time a learner may be granted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("enrolment_id", "quiz_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    # The version the attempt was drawn from: its questions, even if the learner moves later.
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="RESTRICT"))
    quiz_key: Mapped[str] = mapped_column(String(80))
    # The quiz's fingerprint when the attempt was drawn (see Quiz.fingerprint).
    quiz_fingerprint: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see Enrolment
    language: Mapped[str] = mapped_column(String(2))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When time runs out (the quiz's limit plus any extension); None without a limit.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set exactly once, by the request that grades the attempt.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The drawn questions with their per-attempt tokens (see elearn/quizzes/draw.py).
    draw: Mapped[list] = mapped_column(JSON)
    # The content hash of every question the attempt counts (drawn or carried), as drawn.
    question_hashes: Mapped[dict | None] = mapped_column(JSON)
    # A top-up attempt: the results of unchanged questions carried from an earlier pass, by
    # question id; only the questions that changed are drawn.
    carried: Mapped[dict | None] = mapped_column(JSON)
    results: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)  # percent
    passed: Mapped[bool | None] = mapped_column()

    enrolment: Mapped[Enrolment] = relationship()
    answer_rows: Mapped[list[QuizAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def answers(self) -> dict:
        """The saved answers by question id (an answer cleared by the learner is absent)."""
        return {row.question_key: row.value for row in self.answer_rows if row.value is not None}


class QuizAnswer(db.Model):
    """One saved answer of one attempt: a row per question, so that answers saved at the same
    moment (two tabs, a retry, a double click) never overwrite each other, and a save is
    accepted only while the attempt is open (see elearn/quizzes/services.py, save_answer)."""

    __tablename__ = "quiz_answers"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[object | None] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, when the attempt is graded: what this answer earned (for item analysis).
    score: Mapped[float | None] = mapped_column(Float)
    correct: Mapped[bool | None] = mapped_column()

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answer_rows")


class QuizAllowance(db.Model):
    """Extra attempts or extra minutes for one person on one quiz (granted, and audited)."""

    __tablename__ = "quiz_allowances"
    __table_args__ = (UniqueConstraint("enrolment_id", "quiz_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    quiz_key: Mapped[str] = mapped_column(String(80))
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
