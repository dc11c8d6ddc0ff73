"""What a person may record a session with: the courses of their valid certificates, each
with its session plans by title, and the library's approved materials; and the titles shown
for a recorded session. A fixed number of statements, whatever the person holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from elearn.certificates.models import Certificate
from elearn.courses.models import CourseVersion, Lesson
from elearn.extensions import db
from elearn.reach.models import DeliveredSession, SessionMaterial
from elearn.resources.models import Resource, ResourceStatus


@dataclass
class CourseOption:
    """A course the person holds a valid certificate for, with its session plans."""

    course_id: int
    title: str
    version_id: int
    version_label: str
    plans: list[tuple[str, str]]  # (lesson key, title in the reader's language)


def _text(values: dict | None, language: str) -> str:
    values = values or {}
    return values.get(language) or next(iter(values.values()), "")


def course_options(user_id: int, today: date, language: str) -> list[CourseOption]:
    """The courses ``user_id`` holds a valid certificate for, each on the version of their
    latest certificate, with that version's session plans by title (two statements)."""
    certificates = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            (Certificate.expires_on.is_(None)) | (Certificate.expires_on >= today),
        )
        .order_by(Certificate.issued_at.desc())
    ).all()
    latest: dict[int, Certificate] = {}
    for certificate in certificates:
        latest.setdefault(certificate.course_id, certificate)
    if not latest:
        return []
    version_ids = [certificate.version_id for certificate in latest.values()]
    rows = db.session.execute(
        select(CourseVersion.id, CourseVersion.manifest, Lesson.key, Lesson.titles)
        .outerjoin(Lesson, Lesson.version_id == CourseVersion.id)
        .where(CourseVersion.id.in_(version_ids))
    ).all()
    manifests = {row.id: row.manifest or {} for row in rows}
    titles = {(row.id, row.key): row.titles for row in rows if row.key}
    options = []
    for certificate in latest.values():
        keys = manifests.get(certificate.version_id, {}).get("session_plans") or []
        plans = [
            (key, _text(titles.get((certificate.version_id, key)), language) or key) for key in keys
        ]
        options.append(
            CourseOption(
                course_id=certificate.course_id,
                title=_text(certificate.course_title, language),
                version_id=certificate.version_id,
                version_label=certificate.version_label,
                plans=plans,
            )
        )
    options.sort(key=lambda option: option.title)
    return options


def approved_resources() -> list[Resource]:
    """The library's approved materials, which a session may say it handed out."""
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.status == ResourceStatus.APPROVED)
            .order_by(Resource.key)
        )
    )


def plan_title(version_id: int | None, key: str, language: str) -> str:
    """A session plan's lesson title in ``language``, or its key when the version is gone."""
    titles = db.session.scalar(
        select(Lesson.titles).where(Lesson.version_id == version_id, Lesson.key == key)
    )
    return _text(titles, language) or key


def course_title(version_id: int | None, language: str) -> str | None:
    titles = db.session.scalar(select(CourseVersion.title).where(CourseVersion.id == version_id))
    return _text(titles, language) if titles else None


def material_titles(session_id: int, language: str) -> list[tuple[str, int]]:
    """(title, copies) of the materials handed out at a session, in one statement."""
    rows = db.session.execute(
        select(Resource, SessionMaterial.quantity)
        .join(SessionMaterial, SessionMaterial.resource_id == Resource.id)
        .where(SessionMaterial.session_id == session_id)
        .order_by(Resource.key)
    ).all()
    return [(resource.text("title", language), quantity) for resource, quantity in rows]


def options_for(session: DeliveredSession, options: list[CourseOption], language: str):
    """``options``, plus the course a recorded session names when the person no longer holds
    a valid certificate for it: a record can still be edited or corrected on its own course."""
    if session.course_id is None or any(o.course_id == session.course_id for o in options):
        return options
    version = db.session.get(CourseVersion, session.version_id) if session.version_id else None
    if version is None:
        return options
    keys = (version.manifest or {}).get("session_plans") or []
    titles = {lesson.key: lesson.titles for lesson in version.lessons if lesson.key in keys}
    plan = [(key, _text(titles.get(key), language) or key) for key in keys]
    own = CourseOption(
        course_id=version.course_id,
        title=_text(version.title, language),
        version_id=version.id,
        version_label=version.label,
        plans=plan,
    )
    return [*options, own]
