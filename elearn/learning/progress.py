"""Where learners stand on their course version, and the moment they complete it.

The rule is elearn/learning/completion.py (pure); this module gathers its inputs: the
version's requirements, the enrolment's lesson completions, and the quiz passes that the
quizzes feature reports when asked (``quiz_passes_requested``; quizzes build on learning, so
learning never reads their attempts). Completion is decided the moment the last requirement
is met (a lesson marked complete, a quiz passed, a move to another version), never by a
background job, and announced with ``course_completed`` inside the same transaction, for
certificates and anyone else to react.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select

from elearn.courses.models import CourseVersion
from elearn.database import json_rows, utcnow
from elearn.extensions import db
from elearn.learning.completion import (
    Complete,
    QuizPass,
    Remaining,
    lesson_states,
    lessons_done,
    module_counts,
    quizzes_passed,
    state_of,
)
from elearn.learning.contents import Contents, contents_for
from elearn.learning.models import Enrolment, LessonCompletion
from elearn.signals import (
    course_completed,
    quiz_passes_column_requested,
    quiz_passes_requested,
)


@dataclass
class Progress:
    """Where a learner stands on their version: per lesson, per module, and in all."""

    done_lessons: set[str]
    passed_quizzes: set[str]
    states: dict[str, str]  # lesson key -> "done", "open" or "locked"
    modules: dict[str, tuple[int, int]]  # module key -> (done, total) of its required items
    done: int
    total: int
    state: Complete | Remaining = field(default_factory=Complete)
    # The required items left, in course order: ("lesson", LessonItem) / ("quiz", QuizItem).
    left: list[tuple[str, object]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def quiz_passes(enrolment_ids: Sequence[int]) -> dict[int, list[QuizPass]]:
    """The passed quiz attempts of each enrolment, as the quizzes feature reports them."""
    passes: dict[int, list[QuizPass]] = {enrolment_id: [] for enrolment_id in enrolment_ids}
    for _receiver, answer in quiz_passes_requested.send(enrolment_ids=list(enrolment_ids)):
        for enrolment_id, found in (answer or {}).items():
            passes[enrolment_id].extend(found)
    return passes


def progress(
    enrolment: Enrolment,
    completed: dict[str, str] | None = None,
    passes: list[QuizPass] | None = None,
) -> Progress:
    """``completed``: the enrolment's lesson completions, and ``passes``: its quiz passes,
    when the caller read them with the enrolment (``completions_read_with``,
    ``quiz_passes_read_with``); else they are read here."""
    known = None if completed is None else {enrolment.id: completed}
    passed = None if passes is None else {enrolment.id: passes}
    return progress_of([enrolment], known, passed)[enrolment.id]


def progress_of(
    enrolments: list[Enrolment],
    completed: dict[int, dict[str, str]] | None = None,
    passes: dict[int, list[QuizPass]] | None = None,
) -> dict[int, Progress]:
    """Progress of several enrolments in two queries, whatever their number; in one (the
    quiz passes) when ``completed`` gives each one's lesson completions (lesson key -> the
    content hash it was completed with), read by the caller with the enrolments."""
    if not enrolments:
        return {}
    if completed is None:
        completed = _completions([enrolment.id for enrolment in enrolments])
    if passes is None:
        passes = quiz_passes([enrolment.id for enrolment in enrolments])
    contents = contents_for([enrolment.version for enrolment in enrolments])
    return {
        enrolment.id: _progress(
            enrolment.version,
            contents[enrolment.version.id],
            completed[enrolment.id],
            passes[enrolment.id],
        )
        for enrolment in enrolments
    }


def _completions(enrolment_ids: list[int]) -> dict[int, dict[str, str]]:
    completed: dict[int, dict[str, str]] = {enrolment_id: {} for enrolment_id in enrolment_ids}
    rows = db.session.execute(
        select(
            LessonCompletion.enrolment_id,
            LessonCompletion.lesson_key,
            LessonCompletion.content_hash,
        ).where(LessonCompletion.enrolment_id.in_(enrolment_ids))
    )
    for enrolment_id, key, content in rows:
        completed[enrolment_id][key] = content
    return completed


def completions_read_with(enrolment_id: ColumnElement) -> ColumnElement:
    """A column for a statement that reads enrolments: the lesson completions of the
    enrolment ``enrolment_id`` as JSON, [[lesson key, content hash], ...] (NULL or [] for
    none), so that a page reads them in the statement that reads the enrolment; one value
    per enrolment, whatever its number of completions. ``completions_from`` opens it."""
    pairs = json_rows(db.session, LessonCompletion.lesson_key, LessonCompletion.content_hash)
    return select(pairs).where(LessonCompletion.enrolment_id == enrolment_id).scalar_subquery()


def quiz_passes_read_with(enrolment_id: ColumnElement):
    """(a column for a statement that reads enrolments: the passed quizzes of the enrolment
    ``enrolment_id``, the function that turns its value into a list of QuizPass), as the
    quizzes feature answers; None when nothing answers (then ``quiz_passes`` asks)."""
    for _receiver, answer in quiz_passes_column_requested.send(enrolment_id=enrolment_id):
        if answer is not None:
            return answer
    return None


def completions_from(value: list | None) -> dict[str, str]:
    """Lesson key -> content hash, from a ``completions_read_with`` column's value."""
    return {key: content for key, content in value or ()}


def _progress(
    version: CourseVersion, contents: Contents, completed: dict[str, str], passes: list[QuizPass]
) -> Progress:
    requirements = contents.requirements
    done = lessons_done(requirements, completed)
    passed = quizzes_passed(requirements, passes)
    state = state_of(requirements, done, passed)
    modules = module_counts(requirements, done, passed)
    left: list[tuple[str, object]] = []
    if isinstance(state, Remaining):
        lessons = {lesson.key: lesson for lesson in contents.lessons}
        quizzes = {quiz.key: quiz for quiz in contents.quizzes}
        left = [("lesson", lessons[key]) for key in state.lessons]
        left += [("quiz", quizzes[key]) for key in state.quizzes]
    sequential = version.manifest.get("completion", {}).get("sequential", False)
    return Progress(
        done_lessons=done,
        passed_quizzes=passed,
        states=lesson_states(requirements, done, sequential=sequential),
        modules=modules,
        done=sum(count[0] for count in modules.values()),
        total=sum(count[1] for count in modules.values()),
        state=state,
        left=left,
    )


def check_completion(enrolment: Enrolment) -> bool:
    """Record completion the moment nothing is left, and announce it (``course_completed``);
    True if the course is complete."""
    if enrolment.completed_at is not None:
        return True
    if isinstance(progress(enrolment).state, Remaining):
        return False
    enrolment.completed_at = utcnow()
    enrolment.completed_version_id = enrolment.version_id
    db.session.flush()
    course_completed.send(
        enrolment,
        enrolment_id=enrolment.id,
        user_id=enrolment.user_id,
        course_id=enrolment.course_id,
        version_id=enrolment.version_id,
        completed_at=enrolment.completed_at,
    )
    return True
