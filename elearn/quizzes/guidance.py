"""What a quiz page tells a learner besides the questions: the lessons still to complete
before a quiz that waits for them, the lessons to read again after a miss, and where to go
after a pass. Each function makes a fixed number of queries, however many questions."""

from __future__ import annotations

from dataclasses import dataclass

from elearn.courses.models import Quiz
from elearn.learning.contents import LessonItem, contents_of
from elearn.learning.models import Enrolment
from elearn.learning.path_progress import paths_for
from elearn.learning.progress import progress


def waits_for_lessons(quiz: Quiz) -> bool:
    """Whether the quiz opens only once every required lesson is complete (its
    ``after_lessons`` setting, docs/content-packages.md)."""
    return bool((quiz.settings or {}).get("after_lessons"))


def lessons_left(enrolment: Enrolment, quiz: Quiz) -> list[LessonItem]:
    """The required lessons the learner must still complete before starting ``quiz``, in
    course order; empty when the quiz does not wait for them or they are all done."""
    if not waits_for_lessons(quiz):
        return []
    done = progress(enrolment).done_lessons
    return [
        lesson
        for lesson in contents_of(enrolment.version).lessons  # in course order
        if lesson.required and lesson.key not in done
    ]


@dataclass
class LessonToReread:
    lesson: LessonItem
    missed: int  # how many questions of the attempt it teaches were not fully right


def lessons_to_reread(
    enrolment: Enrolment, pairs: list[tuple[dict, dict]], results: dict
) -> tuple[dict[str, LessonItem], list[LessonToReread]]:
    """For a graded attempt: the lesson of each question not fully right (by question id),
    and those lessons once each in course order with how many missed questions each teaches.

    Lessons are the learner's current version's: a lesson that is no longer in the course is
    left out rather than linked to a page that does not exist.
    """
    lessons = {lesson.key: lesson for lesson in contents_of(enrolment.version).lessons}
    by_question: dict[str, LessonItem] = {}
    counts: dict[str, int] = {}
    for question, _entry in pairs:
        outcome = results.get(question["id"]) or {}
        lesson = lessons.get(question.get("lesson") or "")
        if outcome.get("correct") or lesson is None:
            continue
        by_question[question["id"]] = lesson
        counts[lesson.key] = counts.get(lesson.key, 0) + 1
    reread = [
        LessonToReread(lessons[key], count)
        for key, count in sorted(counts.items(), key=lambda item: lessons[item[0]].position)
    ]
    return by_question, reread


def next_course(user, course_id: int):
    """The next course of a learning path of ``user`` that holds this course (a
    ``path_progress.Step``: its course, title and state), or None."""
    for path in paths_for(user):
        if any(step.course.id == course_id for step in path.steps):
            following = path.next_step
            if following is not None and following.course.id != course_id:
                return following
    return None
