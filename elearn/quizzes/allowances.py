"""Extra attempts or extra time on a quiz for one learner (WCAG 2.2.1: enough time), granted
by a trainer or a manager and audited."""

from __future__ import annotations

from sqlalchemy import select

from elearn.audit.services import record
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.quizzes.models import QuizAllowance


def allowance_of(enrolment: Enrolment, quiz_key: str) -> QuizAllowance | None:
    return db.session.scalar(
        select(QuizAllowance).where(
            QuizAllowance.enrolment_id == enrolment.id, QuizAllowance.quiz_key == quiz_key
        )
    )


def grant_allowance(
    enrolment: Enrolment, quiz_key: str, *, extra_attempts: int, extra_minutes: int, by_id: int
) -> QuizAllowance:
    """Give a learner extra attempts or extra time (WCAG 2.2.1) on a quiz; audited."""
    allowance = allowance_of(enrolment, quiz_key)
    if allowance is None:
        allowance = QuizAllowance(enrolment_id=enrolment.id, quiz_key=quiz_key)
        db.session.add(allowance)
    before = {"attempts": allowance.extra_attempts or 0, "minutes": allowance.extra_minutes or 0}
    allowance.extra_attempts = extra_attempts
    allowance.extra_minutes = extra_minutes
    allowance.granted_by_id = by_id
    allowance.granted_at = utcnow()
    record(
        "quiz.allowance_granted",
        actor_id=by_id,
        target_type="user",
        target_id=enrolment.user_id,
        quiz=quiz_key,
        before=before,
        after={"attempts": extra_attempts, "minutes": extra_minutes},
    )
    db.session.flush()
    return allowance


def allowances_of(enrolments: list[Enrolment]) -> dict[int, list[QuizAllowance]]:
    """Extra attempts and time granted on several enrolments, by enrolment, in one query."""
    found: dict[int, list[QuizAllowance]] = {enrolment.id: [] for enrolment in enrolments}
    for allowance in db.session.scalars(
        select(QuizAllowance).where(QuizAllowance.enrolment_id.in_(list(found)))
    ):
        found[allowance.enrolment_id].append(allowance)
    return found
