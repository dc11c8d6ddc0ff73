"""Quiz attempts: who may start one and when, grading exactly once, extra attempts and time.
Saving answers is elearn/quizzes/answers.py; extra attempts and time, allowances.py.

An attempt is graded by the one request that manages to set its ``submitted_at``: the update
is conditional (``WHERE submitted_at IS NULL``), so a double click, a retry over a bad
connection or two tabs submitting together grade it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from elearn.courses.models import Quiz
from elearn.database import insert_once, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning import summary
from elearn.learning.completion import pass_still_counts
from elearn.learning.models import Enrolment
from elearn.learning.progress import check_completion
from elearn.quizzes.allowances import allowance_of
from elearn.quizzes.answers import answers_of, questions_of, time_is_up
from elearn.quizzes.credit import top_up_plan
from elearn.quizzes.draw import SYSTEM_RANDOM, draw_attempt
from elearn.quizzes.grading import grade
from elearn.quizzes.guidance import lessons_left
from elearn.quizzes.models import QuizAnswer, QuizAttempt
from elearn.signals import quiz_passed


def quiz_by_key(enrolment: Enrolment, key: str) -> Quiz | None:
    return next((quiz for quiz in enrolment.version.quizzes if quiz.key == key), None)


@dataclass
class Status:
    """What a learner may do with a quiz now, and why not when they may not."""

    used: int
    allowed: int | None  # None: unlimited
    open_attempt: QuizAttempt | None
    last: QuizAttempt | None
    passed: bool
    next_allowed_at: datetime | None
    extra_minutes: int
    extra_attempts: int = 0  # granted to this learner, counted in ``allowed``
    # A pass on an earlier version whose questions partly changed: the next attempt asks only
    # the changed ones and carries the others (elearn/quizzes/credit.py).
    earlier_pass: QuizAttempt | None = None

    @property
    def to_answer_again(self) -> int:
        """How many questions a top-up attempt asks (0 when there is no earlier pass)."""
        if self.earlier_pass is None:
            return 0
        return sum(
            1
            for key, digest in (self.earlier_pass.question_hashes or {}).items()
            if self.quiz_hashes.get(key) != digest
        )

    quiz_hashes: dict = field(default_factory=dict)
    next_number: int = 1  # attempts are numbered across renewals
    renewal: bool = False  # the quiz that renews the course's certificate, in a renewal round

    @property
    def attempts_left(self) -> int | None:
        return None if self.allowed is None else max(self.allowed - self.used, 0)

    @property
    def can_start(self) -> bool:
        if self.open_attempt is not None or self.passed:
            return False
        if self.attempts_left == 0 and self.earlier_pass is None:
            return False  # a top-up after a change of version is never refused for this
        return self.next_allowed_at is None or self.next_allowed_at <= utcnow()

    @property
    def final(self) -> bool:
        """Passed, or no attempt left: the moment answers may be revealed."""
        return self.passed or self.attempts_left == 0


def counts_now(attempt: QuizAttempt, quiz: Quiz) -> bool:
    """Whether a passed attempt (perhaps on an earlier version) counts for ``quiz`` now."""
    return pass_still_counts(
        attempt.question_hashes,
        attempt.quiz_fingerprint == quiz.fingerprint,
        quiz.question_hashes or {},
    )


def status(enrolment: Enrolment, quiz: Quiz) -> Status:
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_key == quiz.key)
        .order_by(QuizAttempt.number)
    ).all()
    for attempt in attempts:
        expire_if_due(attempt)
    renewal = enrolment.round > 1 and quiz.key == enrolment.version.recertification_quiz
    numbers = [a.number for a in attempts]
    if renewal:  # a renewal counts only its own attempts
        attempts = [a for a in attempts if a.round == enrolment.round]
    allowance = allowance_of(enrolment, quiz.key)
    allowed = quiz.settings.get("attempts", 3) or None
    if allowed is not None and allowance is not None:
        allowed += allowance.extra_attempts
    submitted = [a for a in attempts if a.submitted_at is not None]
    last = submitted[-1] if submitted else None
    wait = quiz.settings.get("wait_minutes", 0)
    next_allowed = last.submitted_at + timedelta(minutes=wait) if last and wait else None
    passed = any(a.passed and counts_now(a, quiz) for a in submitted)
    earlier = [a for a in submitted if a.passed and a.question_hashes] if not passed else []
    return Status(
        earlier_pass=earlier[-1] if earlier and not renewal else None,
        quiz_hashes=quiz.question_hashes or {},
        next_number=max(numbers, default=0) + 1,
        renewal=renewal,
        used=len(attempts),
        allowed=allowed,
        open_attempt=next((a for a in attempts if a.submitted_at is None), None),
        last=last,
        passed=passed,
        next_allowed_at=next_allowed,
        extra_minutes=allowance.extra_minutes if allowance else 0,
        extra_attempts=(allowance.extra_attempts or 0) if allowance and allowed else 0,
    )


def start_attempt(enrolment: Enrolment, quiz: Quiz, language: str) -> QuizAttempt:
    """Draw a new attempt, or return the one already open (a reload shows the same one).

    Raises DomainError when no attempt may start now, saying why.
    """
    current = status(enrolment, quiz)
    if current.open_attempt is not None:
        return current.open_attempt
    if current.passed:
        raise DomainError(_l("You have passed this quiz already."))
    if current.attempts_left == 0 and current.earlier_pass is None:
        raise DomainError(_l("You have used every attempt at this quiz."))
    if not current.can_start:
        raise DomainError(_l("You can try again after the waiting time shown."))
    if lessons_left(enrolment, quiz):
        raise DomainError(_l("Complete the lessons listed on this page before starting the quiz."))
    questions = [question.data for question in quiz.questions]
    hashes = quiz.question_hashes or {}
    carried = None
    if current.earlier_pass is not None:
        earlier = current.earlier_pass
        carried, ask = top_up_plan(
            earlier.question_hashes, earlier.results or {}, hashes, SYSTEM_RANDOM
        )
        draw = draw_attempt([q for q in questions if q["id"] in ask], None)
    else:
        draw = draw_attempt(questions, quiz.settings.get("draw"))
    counted = [entry["key"] for entry in draw] + list(carried or {})
    limit = quiz.settings.get("time_limit")
    now = utcnow()
    number = current.next_number
    # A double click on "Start" sends two requests: the second finds the number taken and
    # returns the attempt the first one drew.
    inserted = insert_once(
        db.session,
        QuizAttempt,
        ("enrolment_id", "quiz_key", "number"),
        enrolment_id=enrolment.id,
        version_id=enrolment.version_id,
        quiz_key=quiz.key,
        quiz_fingerprint=quiz.fingerprint,
        number=number,
        round=enrolment.round,
        language=language,
        started_at=now,
        deadline_at=now + timedelta(minutes=limit + current.extra_minutes) if limit else None,
        draw=draw,
        question_hashes={key: hashes.get(key, "") for key in counted},
        carried=carried,
    )
    if inserted:
        summary.add(enrolment.id, quiz_attempts=1)
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.enrolment_id == enrolment.id,
            QuizAttempt.quiz_key == quiz.key,
            QuizAttempt.number == number,
        )
    )


def submit_attempt(attempt_id: int, quiz: Quiz, pass_mark: int) -> bool:
    """Grade the attempt if nobody has yet. Returns True if this call graded it."""
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    # The claim above waited for every save holding the attempt's share lock to commit, and
    # no save can start now: these are the answers, all of them, for good.
    answers = answers_of(attempt_id)
    results, total = {}, 0.0
    pairs = questions_of(attempt, quiz)
    for question, _entry in pairs:
        result = grade(question, answers.get(question["id"]), attempt.language)
        results[question["id"]] = {
            "score": result.score,
            "correct": result.correct,
            "parts": result.parts,
        }
        total += result.score
    # Each stored answer keeps what it earned, so that reports count by question in SQL.
    graded = [
        {
            "attempt_id": attempt_id,
            "question_key": key,
            "score": r["score"],
            "correct": r["correct"],
        }
        for key, r in results.items()
        if key in answers
    ]
    if graded:
        db.session.execute(update(QuizAnswer), graded)
    carried = attempt.carried or {}
    total += sum(result["score"] for result in carried.values())
    counted = len(pairs) + len(carried)
    attempt.results = {**carried, **results}
    attempt.score = round(100 * total / counted, 1) if counted else 0.0
    attempt.passed = attempt.score >= pass_mark
    db.session.flush()
    summary.record_score(attempt.enrolment_id, attempt.score)
    if attempt.passed:
        check_completion(attempt.enrolment)
        quiz_passed.send(
            attempt,
            attempt_id=attempt.id,
            enrolment_id=attempt.enrolment_id,
            quiz_key=attempt.quiz_key,
            round=attempt.round,
            passed_at=attempt.submitted_at,
        )
    return True


def expire_if_due(attempt: QuizAttempt) -> None:
    """An open attempt whose time is up is graded with the answers saved so far."""
    if attempt.submitted_at is None and time_is_up(attempt):
        quiz = next(q for q in attempt.enrolment.version.quizzes if q.key == attempt.quiz_key)
        submit_attempt(attempt.id, quiz, quiz.settings.get("pass_mark", 80))


def attempts_of(enrolments: list[Enrolment]) -> dict[int, list[QuizAttempt]]:
    """Every attempt of several enrolments, by enrolment, oldest first, in one query."""
    found: dict[int, list[QuizAttempt]] = {enrolment.id: [] for enrolment in enrolments}
    for attempt in db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.enrolment_id.in_(list(found)))
        .order_by(QuizAttempt.quiz_key, QuizAttempt.number)
    ):
        found[attempt.enrolment_id].append(attempt)
    return found
