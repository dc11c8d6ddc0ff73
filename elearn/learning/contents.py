"""A course version's lessons and quizzes as plain data, read once per process.

Every learner page needs the outline of the learner's version: its lessons and quizzes in
order, their titles, durations and hashes, and what completion asks. A published version never
changes (an author's change becomes a new version), so each worker reads that from the
database once per version and keeps it, instead of building some twenty ORM objects on every
request. Drafts change and are read afresh each time.

The items are plain frozen records, not ORM objects: an ORM object kept across requests would
be attached to, expired by and cascaded through each request's session. The text of a lesson
is not here (elearn/courses/lesson_text.py reads the one shown); nor is anything of a version
that does change after publishing (its status, withdrawal, reviews).

The cache (elearn/caches.py) belongs to the app (one per worker), holds at most
VERSION_CONTENTS_CACHE_SIZE versions, least recently used out first, and is keyed by the
version's id and content hash, so a version id that came back with other content (SQLite can
reuse the id of a deleted row) is never served stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from elearn.caches import process_cache
from elearn.courses.models import CourseVersion, Lesson, Quiz, VersionStatus
from elearn.extensions import db
from elearn.learning.completion import LessonRequirement, QuizRequirement, Requirements
from elearn.learning.outline import outline_html


@dataclass(frozen=True, slots=True)
class LessonItem:
    id: int
    key: str
    module_key: str
    position: int
    duration: int
    required: bool
    content_hash: str
    titles: dict


@dataclass(frozen=True, slots=True)
class QuizItem:
    id: int
    key: str
    module_key: str | None
    position: int
    titles: dict
    settings: dict
    fingerprint: str
    question_hashes: dict


@dataclass(frozen=True, slots=True)
class Contents:
    lessons: tuple[LessonItem, ...]
    quizzes: tuple[QuizItem, ...]
    requirements: Requirements

    def lesson(self, key: str) -> LessonItem | None:
        return next((lesson for lesson in self.lessons if lesson.key == key), None)

    def quiz(self, key: str) -> QuizItem | None:
        return next((quiz for quiz in self.quizzes if quiz.key == key), None)

    def outline(self, version, course, progress, language: str, current: str | None = None):
        """The learner pages' outline of ``version`` (these are its contents), built once per
        worker unless a draft (elearn/learning/outline.py): for the templates, which have the
        contents at hand."""
        return outline_html(version, self, course, progress, language, current)


LESSON_COLUMNS = (
    Lesson.id,
    Lesson.key,
    Lesson.module_key,
    Lesson.position,
    Lesson.duration,
    Lesson.required,
    Lesson.content_hash,
    Lesson.titles,
)
QUIZ_COLUMNS = (
    Quiz.id,
    Quiz.key,
    Quiz.module_key,
    Quiz.position,
    Quiz.titles,
    Quiz.settings,
    Quiz.fingerprint,
    Quiz.question_hashes,
)


def contents_of(version: CourseVersion) -> Contents:
    """``version``'s lessons and quizzes in course order, from this worker's cache when the
    version is published or withdrawn (either is final), read afresh for a draft."""
    return contents_for([version])[version.id]


def contents_for(versions: list[CourseVersion]) -> dict[int, Contents]:
    """The contents of several versions, by version id: those not cached read together, in
    two queries whatever their number (none when all are cached)."""
    cache = process_cache("version_contents", "VERSION_CONTENTS_CACHE_SIZE")
    return cache.get_many({version.id: _key(version) for version in versions}, _read)


def _key(version: CourseVersion) -> tuple[int, str] | None:
    """A final (published or withdrawn) version's cache key; a draft is never kept."""
    return None if version.status == VersionStatus.DRAFT else (version.id, version.content_hash)


def _read(version_ids: list[int]) -> dict[int, Contents]:
    lessons: dict[int, list[LessonItem]] = {version_id: [] for version_id in version_ids}
    quizzes: dict[int, list[QuizItem]] = {version_id: [] for version_id in version_ids}
    for version_id, *row in db.session.execute(
        select(Lesson.version_id, *LESSON_COLUMNS)
        .where(Lesson.version_id.in_(version_ids))
        .order_by(Lesson.version_id, Lesson.position, Lesson.id)
    ):
        lessons[version_id].append(LessonItem(*row))
    for version_id, *row in db.session.execute(
        select(Quiz.version_id, *QUIZ_COLUMNS)
        .where(Quiz.version_id.in_(version_ids))
        .order_by(Quiz.version_id, Quiz.position)
    ):
        quizzes[version_id].append(QuizItem(*row))
    return {
        version_id: Contents(
            lessons=tuple(lessons[version_id]),
            quizzes=tuple(quizzes[version_id]),
            requirements=_requirements(lessons[version_id], quizzes[version_id]),
        )
        for version_id in version_ids
    }


def with_manifests(versions) -> None:
    """Give each version loaded with its manifest deferred (``MANIFEST_DEFERRED``) its
    manifest: a published or withdrawn version's from this worker's cache, the rest read
    together in one query. A manifest is 15-20 KB of JSON that every learner page needs and
    that never changes once published, and My learning shows a dozen versions. The dict is
    shared by the worker's requests: nothing changes a manifest in place (it is read, never
    written, once the version exists)."""
    waiting = [v for v in versions if "manifest" in inspect(v).unloaded]
    if not waiting:
        return
    cache = process_cache("version_manifests", "VERSION_CONTENTS_CACHE_SIZE")
    manifests = cache.get_many({version.id: _key(version) for version in waiting}, _manifests)
    for version in waiting:
        set_committed_value(version, "manifest", manifests[version.id])


def _manifests(version_ids: list[int]) -> dict[int, dict]:
    return dict(
        db.session.execute(
            select(CourseVersion.id, CourseVersion.manifest).where(
                CourseVersion.id.in_(version_ids)
            )
        ).all()
    )


# The loader option that leaves the manifest to with_manifests().
MANIFEST_DEFERRED = defer(CourseVersion.manifest)


def _requirements(lessons, quizzes) -> Requirements:
    """What the version asks of a learner, as the completion rule reads it."""
    return Requirements(
        lessons=tuple(
            LessonRequirement(
                key=lesson.key,
                content_hash=lesson.content_hash,
                module=lesson.module_key or "",
                required=lesson.required,
            )
            for lesson in lessons
        ),
        quizzes=tuple(
            QuizRequirement(
                key=quiz.key,
                fingerprint=quiz.fingerprint,
                question_hashes=quiz.question_hashes or {},
                module=quiz.module_key or "",
                required=quiz.settings.get("required", True),
            )
            for quiz in quizzes
        ),
    )
