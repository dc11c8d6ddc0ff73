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

from elearn.caches import process_cache
from elearn.courses.models import CourseVersion, Lesson, VersionStatus
from elearn.extensions import db


@dataclass(frozen=True)
class LessonText:
    html: str
    objectives: tuple[str, ...]  # a tuple: the text may be shared from the cache


def lesson_text(lesson, language: str, version: CourseVersion | None = None) -> LessonText:
    """``lesson``'s rendered HTML and objectives in ``language``, in one small query; empty
    when the lesson has no text in that language. ``lesson``: a ``Lesson`` or anything with
    its ``id`` (the learner pages' cached ``LessonItem``).

    Given its ``version`` and that version is published or withdrawn, the text is kept in the
    worker's cache (LESSON_TEXT_CACHE_SIZE texts): a published lesson's text changes only when
    it is rendered again with another directory of contacts, renderer or sanitiser
    (``rerender_stale_lessons``), which gives the version another ``contacts_hash``, part of
    the key."""
    key = None
    if version is not None and version.status != VersionStatus.DRAFT:
        key = (lesson.id, language, version.content_hash, version.contacts_hash)
    cache = process_cache("lesson_texts", "LESSON_TEXT_CACHE_SIZE")
    return cache.get_or_read(key, lambda: _read(lesson.id, language))


def _read(lesson_id: int, language: str) -> LessonText:
    html, objectives = db.session.execute(
        select(Lesson.html[language].as_string(), Lesson.objectives[language]).where(
            Lesson.id == lesson_id
        )
    ).one()
    return LessonText(html=html or "", objectives=tuple(objectives or ()))
