"""Learners and course versions: how many learn on each, and moving them to another version
(one learner by choice, or every learner of a withdrawn version), keeping credit for every
lesson and quiz whose content did not change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from elearn.courses.models import CourseVersion, VersionStatus
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning import summary
from elearn.learning.models import Enrolment, LessonCompletion
from elearn.learning.progress import check_completion


def learner_counts() -> dict[int, int]:
    """Learners per version id, counted in SQL."""
    rows = db.session.execute(
        select(Enrolment.version_id, func.count(Enrolment.id)).group_by(Enrolment.version_id)
    )
    return {version_id: count for version_id, count in rows}


def _drop_changed_lessons(enrolment_ids: list[int], new: CourseVersion) -> None:
    """Remove lesson credit that ``new`` does not carry (a changed or removed lesson)."""
    kept = {(lesson.key, lesson.content_hash) for lesson in new.lessons}
    completions = db.session.execute(
        select(
            LessonCompletion.id, LessonCompletion.lesson_key, LessonCompletion.content_hash
        ).where(LessonCompletion.enrolment_id.in_(enrolment_ids))
    ).all()
    lost = [row.id for row in completions if (row.lesson_key, row.content_hash) not in kept]
    if lost:
        db.session.execute(delete(LessonCompletion).where(LessonCompletion.id.in_(lost)))
        summary.recount(enrolment_ids)
        _forget_loaded_enrolments(enrolment_ids)


def _forget_loaded_enrolments(enrolment_ids: list[int]) -> None:
    """Bulk statements bypass the objects already loaded in this session; expire those
    enrolments so that what is read next comes from the database."""
    wanted = set(enrolment_ids)
    for enrolment in list(db.session.identity_map.values()):
        if isinstance(enrolment, Enrolment) and enrolment.id in wanted:
            db.session.expire(enrolment)


def move_to_version(enrolment: Enrolment, version: CourseVersion) -> None:
    """The learner chooses a newer published version: credit stays for every lesson and quiz
    whose content did not change (lessons by their hash, quizzes by their questions')."""
    if version.course_id != enrolment.course_id or version.status != VersionStatus.PUBLISHED:
        raise DomainError(_l("This version is not available."))
    _drop_changed_lessons([enrolment.id], version)
    enrolment.version_id = version.id
    enrolment.version = version
    db.session.flush()
    check_completion(enrolment)


def move_learners(old: CourseVersion, new: CourseVersion) -> int:
    """Move every learner of ``old`` to ``new``, keeping credit for each lesson whose id and
    content are the same in both (a quiz pass carries over when the quiz's questions are
    unchanged). Returns how many learners moved."""
    enrolment_ids = list(
        db.session.scalars(select(Enrolment.id).where(Enrolment.version_id == old.id))
    )
    if not enrolment_ids:
        return 0
    _drop_changed_lessons(enrolment_ids, new)
    db.session.execute(
        update(Enrolment).where(Enrolment.id.in_(enrolment_ids)).values(version_id=new.id)
    )
    _forget_loaded_enrolments(enrolment_ids)
    return len(enrolment_ids)
