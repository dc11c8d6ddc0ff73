"""A lesson's text in one language, read alone.

Lessons are loaded without their text (``Lesson.html`` and ``Lesson.objectives`` are
deferred): the pages that list them show titles only. A page that shows one lesson reads its
HTML and objectives here, in the one language shown, through a JSON path in the database
(``->>`` on PostgreSQL, ``json_extract`` on SQLite), so that the other languages never leave
it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from elearn.courses.models import Lesson
from elearn.extensions import db


@dataclass(frozen=True)
class LessonText:
    html: str
    objectives: list[str]


def lesson_text(lesson, language: str) -> LessonText:
    """``lesson``'s rendered HTML and objectives in ``language``, in one small query; empty
    when the lesson has no text in that language. ``lesson``: a ``Lesson`` or anything with
    its ``id`` (the learner pages' cached ``LessonItem``)."""
    html, objectives = db.session.execute(
        select(Lesson.html[language].as_string(), Lesson.objectives[language]).where(
            Lesson.id == lesson.id
        )
    ).one()
    return LessonText(html=html or "", objectives=list(objectives or []))
