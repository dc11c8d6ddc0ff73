"""What quizzes answer when a feature below them asks (elearn/signals.py)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, update

from elearn.database import json_rows
from elearn.extensions import db
from elearn.learning.completion import QuizPass
from elearn.learning.models import Enrolment
from elearn.quizzes.models import QuizAttempt
from elearn.signals import (
    quiz_passes_column_requested,
    quiz_passes_requested,
    summaries_recounted,
)


def passes_of(_sender, *, enrolment_ids: list[int], **_details) -> dict[int, list[QuizPass]]:
    """The passed attempts of these enrolments, in one query, for learning to judge which
    still count (a pass on an earlier version may not)."""
    passes: dict[int, list[QuizPass]] = {}
    rows = db.session.execute(
        select(
            QuizAttempt.enrolment_id,
            QuizAttempt.quiz_key,
            QuizAttempt.quiz_fingerprint,
            QuizAttempt.question_hashes,
        ).where(QuizAttempt.enrolment_id.in_(enrolment_ids), QuizAttempt.passed.is_(True))
    )
    for enrolment_id, key, fingerprint, hashes in rows:
        passes.setdefault(enrolment_id, []).append(QuizPass(key, fingerprint, hashes))
    return passes


def passes_column(_sender, *, enrolment_id: ColumnElement, **_details):
    """The passed attempts of the enrolment ``enrolment_id`` (a column of the asking
    statement) as one JSON value, [[quiz key, fingerprint, question hashes], ...] (NULL or []
    for none), and the function that turns it into QuizPass: what ``passes_of`` reads, for a
    page that reads the enrolment in one statement."""
    triples = json_rows(
        db.session,
        QuizAttempt.quiz_key,
        QuizAttempt.quiz_fingerprint,
        QuizAttempt.question_hashes,
    )
    column = (
        select(triples)
        .where(QuizAttempt.enrolment_id == enrolment_id, QuizAttempt.passed.is_(True))
        .scalar_subquery()
    )
    return column, passes_from


def passes_from(value) -> list[QuizPass]:
    """QuizPass from a ``passes_column`` value."""
    return [QuizPass(key, fingerprint, hashes) for key, fingerprint, hashes in value or ()]


def recount(_sender, *, enrolment_ids: list[int] | None, **_details) -> None:
    """Count again the quiz figures of the enrolments' summaries (elearn/learning/summary.py)."""
    mine = QuizAttempt.enrolment_id == Enrolment.id
    statement = update(Enrolment).values(
        quiz_attempts=select(func.count()).where(mine).scalar_subquery(),
        best_score=select(func.max(QuizAttempt.score)).where(mine).scalar_subquery(),
    )
    if enrolment_ids is not None:
        statement = statement.where(Enrolment.id.in_(enrolment_ids))
    db.session.execute(statement.execution_options(synchronize_session=False))


def init_app(app) -> None:
    """Answer learning's questions about quiz passes and keep the quiz figures of its
    summaries (process-wide; see elearn/signals.py)."""
    quiz_passes_requested.connect(passes_of)
    quiz_passes_column_requested.connect(passes_column)
    summaries_recounted.connect(recount)
