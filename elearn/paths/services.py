"""Declaring learning paths: create, change and delete them, and find a profession's paths.

A path's steps are courses; what a learner has done of them is learning's to say
(elearn/learning/path_progress.py combines these steps with the learner's enrolments), so this
layer never reads enrolments. Services flush and never commit.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from elearn.audit.services import record
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.database import insert_statement, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import LANGUAGES
from elearn.paths.models import LearningPath, LearningPathStep, RemovedShippedPath
from elearn.reference import PROFESSIONS
from elearn.text import fold

MAX_STEPS = 50


def _with_steps():
    return selectinload(LearningPath.steps).selectinload(LearningPathStep.course)


def paths_for_profession(profession: str | None) -> list[LearningPath]:
    """The paths for ``profession`` and those for everyone (the profession's first), with their
    steps and courses, in three queries however many paths and steps there are."""
    condition = LearningPath.profession.is_(None)
    if profession:
        condition = or_(condition, LearningPath.profession == profession)
    return list(
        db.session.scalars(
            select(LearningPath)
            .where(condition)
            .order_by(LearningPath.profession.is_(None), LearningPath.id)
            .options(_with_steps())
        )
    )


def all_paths() -> list[LearningPath]:
    """Every path with its steps, for the administrators' list."""
    return list(
        db.session.scalars(
            select(LearningPath)
            .order_by(LearningPath.profession.is_(None), LearningPath.profession, LearningPath.id)
            .options(_with_steps())
        )
    )


def path_by_id(path_id: int) -> LearningPath | None:
    return db.session.scalar(
        select(LearningPath).where(LearningPath.id == path_id).options(_with_steps())
    )


def newest_versions(*, published_only: bool = False) -> dict[int, CourseVersion]:
    """The newest version of every course (or its newest published one), by course id, in one
    query: where a path's pages find each course's title."""
    newest = select(func.max(CourseVersion.id)).group_by(CourseVersion.course_id)
    if published_only:
        newest = newest.where(CourseVersion.status == VersionStatus.PUBLISHED)
    versions = db.session.scalars(select(CourseVersion).where(CourseVersion.id.in_(newest)))
    return {version.course_id: version for version in versions}


def _texts(values: dict | None, *, one_line: bool) -> dict[str, str]:
    """The non-empty texts of a {language: text} mapping, in the platform's languages only."""
    values = values or {}
    texts = {}
    for language in LANGUAGES:
        text = str(values.get(language) or "").strip()
        if text:
            texts[language] = " ".join(text.split()) if one_line else text
    return texts


def _summary(values: dict | None) -> dict[str, str]:
    return _texts(values, one_line=False)


def _checked_title(title: dict | None) -> dict[str, str]:
    texts = _texts(title, one_line=True)
    if not texts:
        raise DomainError(_l("Give the path a title in at least one language."), field="title_ro")
    return texts


def _checked_profession(profession: str | None) -> str | None:
    if profession and profession not in PROFESSIONS:
        raise DomainError(_l("Choose a profession from the list."), field="profession")
    return profession or None


def _checked_courses(course_ids: list[int]) -> list[int]:
    """The ordered course ids, refused when empty, repeated, too many or unknown."""
    if not course_ids:
        raise DomainError(_l("A path needs at least one course."), field="course_id")
    if len(set(course_ids)) != len(course_ids):
        raise DomainError(_l("A course can be in a path only once."), field="course_id")
    if len(course_ids) > MAX_STEPS:
        raise DomainError(
            _l("A path can have at most %(num)d courses.", num=MAX_STEPS), field="course_id"
        )
    found = set(db.session.scalars(select(Course.id).where(Course.id.in_(course_ids))))
    if found != set(course_ids):
        raise DomainError(_l("Choose a course from the list."), field="course_id")
    return list(course_ids)


def replace_steps(path: LearningPath, course_ids: list[int]) -> None:
    """Make the path's steps exactly ``course_ids``, in that order (already checked).

    The old steps go first: positions and courses are unique within a path, so rows cannot be
    renumbered in place without colliding half-way.
    """
    path.steps.clear()
    db.session.flush()
    path.steps.extend(
        LearningPathStep(position=position, course_id=course_id)
        for position, course_id in enumerate(course_ids, start=1)
    )
    db.session.flush()


def new_slug(title: dict[str, str]) -> str:
    """A stable id made from the title, unused by any path or removed shipped path."""
    text = title.get("en") or title.get("ro") or next(iter(title.values()), "")
    base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-") or "path"
    taken = set(
        db.session.scalars(select(LearningPath.slug).where(LearningPath.slug.like(f"{base}%")))
    ) | set(
        db.session.scalars(
            select(RemovedShippedPath.slug).where(RemovedShippedPath.slug.like(f"{base}%"))
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_path(
    *,
    title: dict,
    summary: dict | None,
    profession: str | None,
    course_ids: list[int],
    by_id: int | None,
) -> LearningPath:
    """A new path made in the browser. Raises DomainError (with its field) for a path with no
    title, an unknown profession, or no, repeated or unknown courses."""
    title = _checked_title(title)
    profession = _checked_profession(profession)
    course_ids = _checked_courses(course_ids)
    path = LearningPath(
        slug=new_slug(title),
        title=title,
        summary=_summary(summary),
        profession=profession,
        created_by_id=by_id,
    )
    db.session.add(path)
    replace_steps(path, course_ids)
    record(
        "path.created",
        actor_id=by_id,
        target_type="learning_path",
        target_id=path.id,
        slug=path.slug,
        profession=profession,
        courses=course_ids,
    )
    return path


def update_path(
    path: LearningPath,
    *,
    title: dict,
    summary: dict | None,
    profession: str | None,
    by_id: int | None,
) -> bool:
    """Change a path's title, summary and profession; True if anything changed."""
    after = {
        "title": _checked_title(title),
        "summary": _summary(summary),
        "profession": _checked_profession(profession),
    }
    changed = [name for name, value in after.items() if getattr(path, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(path, name, after[name])
    path.updated_at = utcnow()
    db.session.flush()
    record(
        "path.changed",
        actor_id=by_id,
        target_type="learning_path",
        target_id=path.id,
        fields=changed,
        profession=path.profession,
    )
    return True


def _change_courses(path: LearningPath, course_ids: list[int], by_id: int | None) -> None:
    before = [step.course_id for step in path.steps]
    course_ids = _checked_courses(course_ids)
    replace_steps(path, course_ids)
    path.updated_at = utcnow()
    db.session.flush()
    record(
        "path.changed",
        actor_id=by_id,
        target_type="learning_path",
        target_id=path.id,
        fields=["courses"],
        before=before,
        after=course_ids,
    )


def _course_ids(path: LearningPath) -> list[int]:
    return [step.course_id for step in path.steps]


def add_course(path: LearningPath, course_id: int, *, by_id: int | None) -> None:
    """Add a course at the end of the path. Raises DomainError if it is there already."""
    current = _course_ids(path)
    if course_id in current:
        raise DomainError(_l("This course is already in the path."), field="course_id")
    _change_courses(path, [*current, course_id], by_id)


def remove_course(path: LearningPath, course_id: int, *, by_id: int | None) -> None:
    """Take a course out of the path; the last course cannot be removed."""
    current = _course_ids(path)
    if course_id not in current:
        raise DomainError(_l("This course is not in the path."))
    if len(current) == 1:
        raise DomainError(
            _l("A path needs at least one course: add another before removing this one.")
        )
    _change_courses(path, [c for c in current if c != course_id], by_id)


def move_course(path: LearningPath, course_id: int, direction: str, *, by_id: int | None) -> None:
    """Move a course one place earlier ("up") or later ("down") in the path."""
    current = _course_ids(path)
    if course_id not in current:
        raise DomainError(_l("This course is not in the path."))
    index = current.index(course_id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(current):
        raise DomainError(_l("This course cannot move further in that direction."))
    current[index], current[other] = current[other], current[index]
    _change_courses(path, current, by_id)


def delete_path(path: LearningPath, *, by_id: int | None) -> None:
    """Delete a path. Refused (DomainError) while an assignment uses it: the database keeps
    assignments from losing their path (a RESTRICT key), and this layer cannot look at
    assignments, which sit above it, so it tries inside a savepoint and reports the refusal.

    A shipped path stays deleted at later imports until the file's definition of it changes.
    """
    path_id, slug, shipped_hash = path.id, path.slug, path.shipped_hash
    try:
        with db.session.begin_nested():
            db.session.delete(path)
            db.session.flush()
    except IntegrityError:
        raise DomainError(
            _l(
                "This path is assigned to people, so it cannot be deleted. Remove its "
                "assignments first, or change the path instead."
            )
        ) from None
    if shipped_hash is not None:
        remember_removed(slug, shipped_hash)
    record(
        "path.deleted", actor_id=by_id, target_type="learning_path", target_id=path_id, slug=slug
    )


def remember_removed(slug: str, shipped_hash: str) -> None:
    """Note that the shipped path ``slug``, as the file defined it then, was deleted."""
    statement = insert_statement(db.session)(RemovedShippedPath).values(
        slug=slug, shipped_hash=shipped_hash, removed_at=utcnow()
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["slug"],
            set_={"shipped_hash": shipped_hash, "removed_at": utcnow()},
        )
    )
