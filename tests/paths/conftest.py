"""Small courses written straight to the database (fast, with the prerequisites a test
needs), enrolments in each state, and paths made through the services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.paths import services


def add_course(
    slug: str,
    *,
    prerequisites=(),
    published: bool = True,
    audiences=("all",),
    title: dict | None = None,
    languages=("ro", "en"),
) -> int:
    course = Course(slug=slug)
    version = CourseVersion(
        course=course,
        label="1.0.0",
        status=VersionStatus.PUBLISHED if published else VersionStatus.DRAFT,
        content_hash=(slug * 64)[:64],
        format_version=1,
        languages=list(languages),
        title=title or {"ro": f"Cursul {slug}", "en": f"Course {slug}"},
        summary={"ro": "Rezumat.", "en": "Summary.", "hu": "Összefoglaló."},
        audiences=list(audiences),
        manifest={"prerequisites": list(prerequisites)},
        duration_minutes=30,
        review_status="reviewed",
        contacts_hash="0" * 16,
        published_at=utcnow() if published else None,
    )
    db.session.add_all([course, version])
    db.session.flush()
    return course.id


def add_enrolment(user_id: int, course_id: int, *, completed: bool = False) -> None:
    version_id = db.session.scalar(
        select(CourseVersion.id).where(CourseVersion.course_id == course_id)
    )
    now = utcnow()
    db.session.add(
        Enrolment(
            user_id=user_id,
            course_id=course_id,
            version_id=version_id,
            completed_at=now if completed else None,
            completed_version_id=version_id if completed else None,
        )
    )
    db.session.flush()


def add_path(course_ids, *, profession="teacher", title=None) -> int:
    path = services.create_path(
        title=title or {"en": "Teachers' path", "ro": "Parcursul profesorilor"},
        summary={"en": "In order."},
        profession=profession,
        course_ids=list(course_ids),
        by_id=None,
    )
    return path.id


@pytest.fixture
def courses(app):
    """core; school (builds on core); extra (builds on school); draft (never published)."""
    with app.app_context():
        ids = {
            "core": add_course("core"),
            "school": add_course("school", prerequisites=["core"]),
            "extra": add_course("extra", prerequisites=["school"]),
            "draft": add_course("draft", published=False),
        }
        db.session.commit()
        return ids
