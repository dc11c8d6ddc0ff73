"""When a course is complete: one pure rule, no Flask and no database.

Given what a course version requires, the lessons a learner completed (with the content each
had then) and the quiz attempts they passed (with the questions each counted), the learner
has either completed the course or has some lessons and quizzes left. Progress pages and the
moment of completion (elearn/learning/progress.py) both use these functions, so that a page
never shows "done" for something completion does not count, nor the reverse.

Credit carries across versions of a course: a lesson counts while its content is unchanged,
and a quiz pass while every question it counted is unchanged (``pass_still_counts``). The
top-up attempt that asks only the changed questions is the quizzes' business
(elearn/quizzes/credit.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LessonRequirement:
    key: str
    content_hash: str
    module: str = ""
    required: bool = True


@dataclass(frozen=True)
class QuizRequirement:
    key: str
    fingerprint: str  # of all its questions (Quiz.fingerprint)
    question_hashes: Mapping[str, str] = field(default_factory=dict)
    module: str = ""  # "" for a quiz outside the modules (the final quiz)
    required: bool = True


@dataclass(frozen=True)
class Requirements:
    """A version's lessons and quizzes in course order, each saying whether it is required."""

    lessons: tuple[LessonRequirement, ...] = ()
    quizzes: tuple[QuizRequirement, ...] = ()


@dataclass(frozen=True)
class QuizPass:
    """A passed attempt, as it was drawn: perhaps on an earlier version of the course."""

    quiz_key: str
    fingerprint: str
    question_hashes: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Complete:
    """Nothing required is left."""


@dataclass(frozen=True)
class Remaining:
    """The required lessons and quizzes not done yet, by key, in course order."""

    lessons: tuple[str, ...] = ()
    quizzes: tuple[str, ...] = ()


def pass_still_counts(
    attempt_hashes: Mapping[str, str] | None,
    same_fingerprint: bool,
    quiz_hashes: Mapping[str, str],
) -> bool:
    """Whether a passed attempt counts for the quiz as it is now: the quiz is the same, or
    every question the attempt counted is still there with the same content."""
    if same_fingerprint:
        return True
    if not attempt_hashes:
        return False
    return all(quiz_hashes.get(key) == digest for key, digest in attempt_hashes.items())


def lessons_done(requirements: Requirements, completed: Mapping[str, str]) -> set[str]:
    """The lessons that count as done: completed in their present wording.

    ``completed`` maps a lesson key to the content hash the lesson had when completed.
    """
    return {
        lesson.key
        for lesson in requirements.lessons
        if completed.get(lesson.key) == lesson.content_hash
    }


def quizzes_passed(requirements: Requirements, passes: Iterable[QuizPass]) -> set[str]:
    """The version's quizzes with a pass that still counts."""
    quizzes = {quiz.key: quiz for quiz in requirements.quizzes}
    passed = set()
    for attempt in passes:
        quiz = quizzes.get(attempt.quiz_key)
        if quiz is not None and pass_still_counts(
            attempt.question_hashes,
            attempt.fingerprint == quiz.fingerprint,
            quiz.question_hashes or {},
        ):
            passed.add(quiz.key)
    return passed


def completion_state(
    requirements: Requirements, completed: Mapping[str, str], passes: Iterable[QuizPass]
) -> Complete | Remaining:
    """Complete, or the required lessons and quizzes that are left.

    A version that requires nothing is complete as soon as anyone asks.
    """
    done = lessons_done(requirements, completed)
    return state_of(requirements, done, quizzes_passed(requirements, passes))


def state_of(requirements: Requirements, done: set[str], passed: set[str]) -> Complete | Remaining:
    """The state for lessons ``done`` and quizzes ``passed`` already judged by the rules above."""
    lessons = tuple(
        lesson.key for lesson in requirements.lessons if lesson.required and lesson.key not in done
    )
    quizzes = tuple(
        quiz.key for quiz in requirements.quizzes if quiz.required and quiz.key not in passed
    )
    return Remaining(lessons, quizzes) if lessons or quizzes else Complete()


def module_counts(
    requirements: Requirements, done: set[str], passed: set[str]
) -> dict[str, tuple[int, int]]:
    """(done, total) of the required lessons and quizzes of each module ("" outside them)."""
    counts: dict[str, list[int]] = {}
    items = [
        (lesson.module, lesson.required, lesson.key in done) for lesson in requirements.lessons
    ]
    items += [(quiz.module, quiz.required, quiz.key in passed) for quiz in requirements.quizzes]
    for module, required, met in items:
        if required:
            count = counts.setdefault(module, [0, 0])
            count[1] += 1
            count[0] += met
    return {module: (count[0], count[1]) for module, count in counts.items()}


def lesson_states(
    requirements: Requirements, done: set[str], *, sequential: bool
) -> dict[str, str]:
    """Each lesson "done", "open" or "locked": in a sequential course a lesson opens when
    every required lesson before it is done."""
    states, blocked = {}, False
    for lesson in requirements.lessons:
        if lesson.key in done:
            states[lesson.key] = "done"
        else:
            states[lesson.key] = "locked" if blocked else "open"
            if sequential and lesson.required:
                blocked = True
    return states
