"""Saving answers: one row per answer, written only while the attempt is open, so that
answers saved at the same moment never overwrite each other and none lands after grading
(the grading itself is elearn/quizzes/services.py)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import JSON, String, literal, select

from elearn.courses.models import Quiz
from elearn.database import UTCDateTime, insert_statement, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.quizzes.draw import BadAnswer, RepeatedPlaces, parse_answer
from elearn.quizzes.models import QuizAnswer, QuizAttempt

# A grace period for the request in flight when time runs out.
_GRACE = timedelta(seconds=5)


def questions_of(attempt: QuizAttempt, quiz: Quiz) -> list[tuple[dict, dict]]:
    """(question data, draw entry) for each drawn question, in the attempt's order."""
    by_key = {question.key: question.data for question in quiz.questions}
    return [(by_key[entry["key"]], entry) for entry in attempt.draw if entry["key"] in by_key]


def time_is_up(attempt: QuizAttempt) -> bool:
    return attempt.deadline_at is not None and utcnow() > attempt.deadline_at + _GRACE


def save_answer(attempt: QuizAttempt, quiz: Quiz, index: int, form: dict) -> None:
    """Save the answer to the ``index``-th question of the attempt.

    Each answer is its own row, written by one statement that also checks that the attempt
    is still open and holds a share lock on it until the request commits: a save and the
    grading can then never overlap (see ``submit_attempt``), and answers to different
    questions saved at the same moment never overwrite each other.

    Raises DomainError for a submitted attempt, a question not in the attempt, or values the
    attempt never offered (a tampered form); nothing is saved then.
    """
    if attempt.submitted_at is not None:
        raise DomainError(_SUBMITTED)
    if time_is_up(attempt):
        raise DomainError(_l("The time for this attempt is up; your saved answers were graded."))
    pairs = questions_of(attempt, quiz)
    if not 0 <= index < len(pairs):
        raise DomainError(_l("That question is not part of this attempt."))
    question, entry = pairs[index]
    previous = answers_of(attempt.id).get(question["id"])
    try:
        answer = parse_answer(question, entry, form, previous)
    except RepeatedPlaces as repeated:
        raise PlacesRepeated(repeated.places) from None
    except BadAnswer:
        raise DomainError(
            _l("The form did not come from this attempt. Reload the page and answer again.")
        ) from None
    if question["type"] == "scenario" and answer:
        _check_scenario_path(question, answer)
    if not _store_answer(attempt.id, question["id"], answer):
        raise DomainError(_SUBMITTED)


_SUBMITTED = _l("This attempt has been submitted; its answers cannot change.")


class PlacesRepeated(DomainError):
    """An ordering answer that gives one place to several items; nothing is saved, and the
    page shows the learner's choices again with this message."""

    def __init__(self, places: list[int]) -> None:
        super().__init__(
            lazy_ngettext(
                "Place %(places)s is given to more than one item. Give each item its own place.",
                "Places %(places)s are each given to more than one item. Give each item its "
                "own place.",
                len(places),
                places=", ".join(str(place) for place in places),
            ),
            field="ordering",
        )
        self.places = places


def _store_answer(attempt_id: int, question_key: str, value) -> bool:
    """Insert or replace one answer while the attempt is open; False if it is not.

    INSERT ... SELECT FROM the open attempt ... FOR SHARE ... ON CONFLICT DO UPDATE: on
    PostgreSQL the share lock makes a concurrent submission wait until this request commits
    (so the grading reads this answer), and a save that comes after the submission finds
    ``submitted_at`` set and inserts nothing. SQLite runs one writer at a time.
    """
    now = utcnow()
    open_attempt = (
        select(
            QuizAttempt.id,
            literal(question_key, String()),
            literal(value, JSON()),
            literal(now, UTCDateTime()),
        )
        .where(
            QuizAttempt.id == attempt_id,
            QuizAttempt.submitted_at.is_(None),
            # The deadline too: an answer posted after the time ran out is not taken.
            (QuizAttempt.deadline_at.is_(None)) | (QuizAttempt.deadline_at >= now - _GRACE),
        )
        .with_for_update(read=True)
    )
    statement = insert_statement(db.session)(QuizAnswer).from_select(
        ["attempt_id", "question_key", "value", "saved_at"], open_attempt
    )
    statement = statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_key"],
        set_={"value": statement.excluded.value, "saved_at": statement.excluded.saved_at},
    ).returning(QuizAnswer.attempt_id)
    return db.session.execute(statement).first() is not None


def answers_of(attempt_id: int) -> dict:
    """The attempt's saved answers by question id, read from the database now."""
    return {
        key: value
        for key, value in db.session.execute(
            select(QuizAnswer.question_key, QuizAnswer.value).where(
                QuizAnswer.attempt_id == attempt_id
            )
        )
        if value is not None
    }


def _check_scenario_path(question: dict, path: list[str]) -> None:
    steps = {step["id"]: step for step in question["steps"]}
    step_id = question["start"]
    for choice_id in path:
        if step_id is None:
            raise DomainError(_l("This case has already ended."))
        choice = next((c for c in steps[step_id]["choices"] if c["id"] == choice_id), None)
        if choice is None:
            raise DomainError(
                _l("The form did not come from this attempt. Reload the page and answer again.")
            )
        step_id = choice.get("next")


def scenario_position(question: dict, path: list[str] | None) -> tuple[list[dict], dict | None]:
    """The choices made so far (with their steps) and the step to answer now (None: ended)."""
    steps = {step["id"]: step for step in question["steps"]}
    taken, step_id = [], question["start"]
    for choice_id in path or []:
        step = steps[step_id]
        choice = next(c for c in step["choices"] if c["id"] == choice_id)
        taken.append({"step": step, "choice": choice})
        step_id = choice.get("next")
        if step_id is None:
            return taken, None
    return taken, steps[step_id]
