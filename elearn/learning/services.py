"""A learner's path through a course: the catalogue, enrolling, lessons and time spent.

Progress and completion are elearn/learning/progress.py (the rule: completion.py); moving to
another version is elearn/learning/versions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.database import insert_once, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning import lesson_time, page_views, summary
from elearn.learning.completion import QuizPass
from elearn.learning.contents import MANIFEST_DEFERRED, LessonItem, contents_of, with_manifests
from elearn.learning.lesson_time import check_may_complete
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.learning.progress import (
    Progress,
    check_completion,
    completions_from,
    completions_read_with,
    progress,
    progress_of,
    quiz_passes_read_with,
)


def latest_published() -> dict[int, CourseVersion]:
    """The newest published version of every course, by course id, in one query."""
    newest = (
        select(func.max(CourseVersion.id))
        .where(CourseVersion.status == VersionStatus.PUBLISHED)
        .group_by(CourseVersion.course_id)
    )
    versions = db.session.scalars(
        select(CourseVersion)
        .where(CourseVersion.id.in_(newest))
        .options(selectinload(CourseVersion.course), MANIFEST_DEFERRED)
    ).all()
    with_manifests(versions)
    return {version.course_id: version for version in versions}


@dataclass
class CatalogueEntry:
    course: Course
    version: CourseVersion
    recommended: bool
    in_my_language: bool
    enrolment: Enrolment | None


def newest_published(course: Course) -> CourseVersion | None:
    """The course's newest published version, in one query (none for its manifest once this
    worker has it)."""
    version = db.session.scalar(
        select(CourseVersion)
        .where(
            CourseVersion.course_id == course.id,
            CourseVersion.status == VersionStatus.PUBLISHED,
        )
        .order_by(CourseVersion.id.desc())
        .limit(1)
        .options(MANIFEST_DEFERRED)
    )
    if version is not None:
        with_manifests([version])
    return version


def catalogue(
    user,
    language: str,
    *,
    audience: str = "",
    in_language: str = "",
    duration: str = "",
    versions: dict[int, CourseVersion] | None = None,
    enrolments: dict[int, Enrolment] | None = None,
) -> list[CatalogueEntry]:
    """Published courses, those in the reader's language and for their profession first.
    ``versions``: latest_published(), and ``enrolments``: the reader's by course id, when
    the caller has them already."""
    if versions is None:
        versions = latest_published()
    if enrolments is None and user is not None and user.is_authenticated:
        enrolments = {
            e.course_id: e
            for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id))
        }
    enrolments = enrolments or {}
    profession = getattr(user, "profession", None)
    entries = []
    for version in versions.values():
        audiences = set(version.audiences)
        if audience and audience not in audiences and "all" not in audiences:
            continue
        if in_language and in_language not in version.languages:
            continue
        if duration == "short" and version.duration_minutes > 60:
            continue
        if duration == "medium" and not 60 < version.duration_minutes <= 180:
            continue
        if duration == "long" and version.duration_minutes <= 180:
            continue
        entries.append(
            CatalogueEntry(
                course=version.course,
                version=version,
                recommended=bool(profession) and (profession in audiences),
                in_my_language=language in version.languages,
                enrolment=enrolments.get(version.course_id),
            )
        )
    entries.sort(
        key=lambda e: (
            not e.in_my_language,
            not e.recommended,
            e.version.text("title", language).casefold(),
        )
    )
    return entries


def course_and_enrolment(user, slug: str) -> tuple[Course | None, Enrolment | None]:
    """The course called ``slug`` and ``user``'s enrolment on it, with its version, in one
    query. The version's lessons and quizzes come from elearn/learning/contents.py."""
    found = _course_and_enrolment(user, slug)
    return (None, None) if found is None else (found[0], found[1])


@dataclass
class LearnerCourse:
    """A course, the reader's enrolment on it (None: not enrolled) and what the learner's
    pages need of the enrolment, all read in one statement by ``learner_course``."""

    course: Course | None
    enrolment: Enrolment | None = None
    # Lesson key -> the content hash it was completed with (progress.progress reads it).
    completed: dict[str, str] = field(default_factory=dict)
    # The passed quizzes (progress.progress reads them); None: not read, ask for them.
    passes: list[QuizPass] | None = None
    # What the time rule needs of the lesson asked for (lesson_time.seconds_left reads it).
    stored: lesson_time.Stored | None = None

    def progress(self) -> Progress:
        """The enrolment's progress, from what was read with it."""
        return progress(self.enrolment, self.completed, self.passes)


def learner_course(user, slug: str, lesson_key: str | None = None) -> LearnerCourse:
    """The course called ``slug``, ``user``'s enrolment on it with its version, its lesson
    completions and its passed quizzes, and, for a lesson page (``lesson_key``), what the
    enrolment's views have recorded of that lesson: one statement, whatever the number of
    completions and attempts, where they used to take four (the enrolment, its completions,
    its quiz passes, the lesson's time)."""
    extra = [completions_read_with(Enrolment.id)]
    quiz_passes = quiz_passes_read_with(Enrolment.id)
    if quiz_passes is not None:
        extra.append(quiz_passes[0])
    if lesson_key is not None:
        extra += [
            # Read as columns, not from the enrolment object, which this request may have
            # loaded and changed before ("where I stopped", elearn/learning/page_views.py).
            Enrolment.last_lesson_key,
            Enrolment.last_opened_at,
            lesson_time.stored_seconds_of(Enrolment.id, lesson_key),
        ]
    found = _course_and_enrolment(user, slug, *extra)
    if found is None:
        return LearnerCourse(None)
    course, enrolment, completed, *rest = found
    if enrolment is None:
        return LearnerCourse(course)
    passes = quiz_passes[1](rest.pop(0)) if quiz_passes is not None else None
    stored = lesson_time.Stored(lesson_key, *rest) if lesson_key is not None else None
    return LearnerCourse(course, enrolment, completions_from(completed), passes, stored)


def _course_and_enrolment(user, slug: str, *extra):
    """The row (course, the user's enrolment or None, ``extra``...) of the course called
    ``slug``, or None; the enrolment with its version and the version's manifest."""
    user_id = user.id if user.is_authenticated else None
    row = db.session.execute(
        select(Course, Enrolment, *extra)
        .outerjoin(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == user_id))
        .where(Course.slug == slug)
        .options(joinedload(Enrolment.version).options(MANIFEST_DEFERRED))
    ).first()
    if row is None:
        return None
    course, enrolment = row[0], row[1]
    if enrolment is not None:
        enrolment.course = course
        with_manifests([enrolment.version])
    return row


def enrolment_for(user, course: Course) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )


def unmet_prerequisites(user, version: CourseVersion) -> list[Course]:
    """The prerequisite courses ``user`` has not completed (that exist on this platform)."""
    wanted = version.manifest.get("prerequisites") or []
    if not wanted:
        return []
    courses = db.session.scalars(select(Course).where(Course.slug.in_(wanted))).all()
    done = set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.user_id == user.id,
                Enrolment.completed_at.is_not(None),
                Enrolment.course_id.in_([c.id for c in courses]),
            )
        )
    )
    return [course for course in courses if course.id not in done]


def enrol(user, course: Course) -> Enrolment:
    """Enrol ``user`` on the course's newest published version (once).

    Raises DomainError when the course is not published or a prerequisite is not completed.
    """
    existing = enrolment_for(user, course)
    if existing is not None:
        return existing
    version = newest_published(course)
    if version is None:
        raise DomainError(_l("This course is not open for enrolment."))
    if unmet_prerequisites(user, version):
        raise DomainError(_l("Complete the courses this one builds on first."))
    insert_once(
        db.session,
        Enrolment,
        ("user_id", "course_id"),
        user_id=user.id,
        course_id=course.id,
        version_id=version.id,
        enrolled_at=utcnow(),
    )
    return enrolment_for(user, course)


# Lessons ----------------------------------------------------------------------------------------


def lesson_by_key(version: CourseVersion, key: str) -> LessonItem | None:
    return contents_of(version).lesson(key)


def open_lesson(enrolment: Enrolment, lesson: LessonItem, states: dict[str, str]) -> None:
    """The learner opens ``lesson``: the view is noted (elearn/learning/page_views.py), which
    counts the time on the previous page and remembers this one for "Continue". Raises
    DomainError for a lesson still locked by sequencing."""
    if states.get(lesson.key) == "locked":
        raise DomainError(
            _l("Complete the lessons before this one first: the course asks for them in order.")
        )
    page_views.record(enrolment, page_views.View.of(utcnow(), lesson))


def complete_lesson(
    enrolment: Enrolment, lesson: LessonItem, states: dict[str, str], *, reached_end: bool = False
) -> bool:
    """Mark ``lesson`` complete (once) and check the course; True if the course is now complete.

    Raises DomainError for a locked lesson, and LessonNotReady when the course's rule
    (elearn/learning/lesson_time.py) does not allow it yet; ``reached_end``: the request came
    from the control at the end of the lesson. A lesson completed before is not asked again.
    """
    if states.get(lesson.key) == "locked":
        raise DomainError(
            _l("Complete the lessons before this one first: the course asks for them in order.")
        )
    now = utcnow()
    # The views still in the buffers first, and this moment when the lesson is the one open
    # (its time counts to now, and its clock starts again).
    page_views.settle(enrolment, page_views.View.of(now, lesson), if_open=True)
    if states.get(lesson.key) != "done":
        check_may_complete(enrolment, lesson, now, reached_end=reached_end)
    if insert_once(
        db.session,
        LessonCompletion,
        ("enrolment_id", "lesson_key"),
        enrolment_id=enrolment.id,
        lesson_key=lesson.key,
        content_hash=lesson.content_hash,
        completed_at=now,
    ):
        summary.add(enrolment.id, lessons_completed=1)
    else:
        # Completed before, perhaps in words that have changed since: now it counts again.
        db.session.execute(
            update(LessonCompletion)
            .where(
                LessonCompletion.enrolment_id == enrolment.id,
                LessonCompletion.lesson_key == lesson.key,
                LessonCompletion.content_hash != lesson.content_hash,
            )
            .values(content_hash=lesson.content_hash, completed_at=now)
        )
    return check_completion(enrolment)


def time_spent(enrolment: Enrolment) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(LessonTime.lesson_key, LessonTime.seconds).where(
                LessonTime.enrolment_id == enrolment.id
            )
        ).all()
    )


def learning_overview(user) -> list[tuple[Enrolment, Progress]]:
    """Each of a person's enrolments with its progress, in a fixed number of queries."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_at)
        .options(
            selectinload(Enrolment.course),
            selectinload(Enrolment.version).options(MANIFEST_DEFERRED),
        )
    ).all()
    with_manifests([enrolment.version for enrolment in enrolments])
    progresses = progress_of(list(enrolments))
    return [(enrolment, progresses[enrolment.id]) for enrolment in enrolments]
