"""Each enrolment's summary of its own rows: lessons completed, seconds on lessons, quiz
attempts started and the best score. Kept in step by one atomic UPDATE beside each statement
that writes those rows (no lost update between parallel requests), and recounted from the
rows where rows are removed in bulk; reports then aggregate enrolments alone
(docs/performance.md). Quizzes keep their two figures here through ``add`` and
``record_score``, and count them again when asked (``summaries_recounted``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select, update

from elearn.extensions import db
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.signals import summaries_recounted


def add(enrolment_id: int, **amounts: int) -> None:
    """Add to the counters named (lessons_completed, seconds_on_lessons, quiz_attempts)."""
    values = {name: getattr(Enrolment, name) + amount for name, amount in amounts.items()}
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def record_score(enrolment_id: int, score: float) -> None:
    """Keep the best graded score."""
    best = Enrolment.best_score
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .values(best_score=case((or_(best.is_(None), best < score), score), else_=best))
        .execution_options(synchronize_session=False)
    )


def recount(enrolment_ids=None) -> None:
    """Count the summaries again from the rows (after a bulk removal, or for generated data);
    ``enrolment_ids`` None means every enrolment. Quizzes count their figures on the signal."""
    mine = Enrolment.id
    statement = update(Enrolment).values(
        lessons_completed=select(func.count())
        .where(LessonCompletion.enrolment_id == mine)
        .scalar_subquery(),
        seconds_on_lessons=select(func.coalesce(func.sum(LessonTime.seconds), 0))
        .where(LessonTime.enrolment_id == mine)
        .scalar_subquery(),
    )
    if enrolment_ids is not None:
        enrolment_ids = list(enrolment_ids)
        statement = statement.where(Enrolment.id.in_(enrolment_ids))
    db.session.execute(statement.execution_options(synchronize_session=False))
    summaries_recounted.send(enrolment_ids=enrolment_ids)


@dataclass
class LearningSummary:
    enrolled: int
    completed: int
    last_activity: datetime | None


def summaries_of(user_ids: list[int]) -> dict[int, LearningSummary]:
    """Courses enrolled and completed, and the last activity, for each person; one query.

    The last activity is when they last opened a lesson of any course (else when they
    completed or enrolled), the latest over their courses.
    """
    if not user_ids:
        return {}
    latest = func.max(
        func.coalesce(Enrolment.last_opened_at, Enrolment.completed_at, Enrolment.enrolled_at)
    )
    rows = db.session.execute(
        select(Enrolment.user_id, func.count(), func.count(Enrolment.completed_at), latest)
        .where(Enrolment.user_id.in_(user_ids))
        .group_by(Enrolment.user_id)
    )
    return {
        user_id: LearningSummary(enrolled, completed, last)
        for user_id, enrolled, completed, last in rows
    }
