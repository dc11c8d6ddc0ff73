"""People who hold a certificate of the test course (with a session plan), and the library's
materials, made directly through the services (no quiz to pass)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from elearn.certificates.services import issue_for
from elearn.courses.models import CourseVersion
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.reach.catalogue import course_options
from elearn.reach.models import DeliveredSession
from elearn.reach.services import SessionInput, record_session
from elearn.resources.models import Resource, ResourceStatus
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files

PLAN = "closing"  # a lesson of the valid test package, named its session plan


@pytest.fixture
def course_with_plan(app) -> int:
    """The test course, published, with ``session_plans: [closing]``; its version's id."""
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    text = files["course.yaml"].decode() + f"session_plans: [{PLAN}]\n"
    return import_files(app, {**files, "course.yaml": text.encode()})


def certify(app, user_id: int, version_id: int, at: datetime | None = None) -> int:
    """Give ``user_id`` the certificate of the course of ``version_id``; its id."""
    with app.app_context():
        version = db.session.get(CourseVersion, version_id)
        at = at or utcnow()
        enrolment = Enrolment(
            user_id=user_id,
            course_id=version.course_id,
            version_id=version.id,
            enrolled_at=at,
            completed_at=at,
            completed_version_id=version.id,
        )
        db.session.add(enrolment)
        db.session.flush()
        certificate = issue_for(enrolment)
        certificate.issued_at = at
        db.session.commit()
        return certificate.id


@pytest.fixture
def teacher(app, make, course_with_plan):
    """A teacher of a confirmed organisation holding the test course's certificate."""
    organisation = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    person = make.user(
        full_name="Ioana Crișan", organisation_id=organisation, language="en", profession="teacher"
    )
    certify(app, person.id, course_with_plan)
    person.organisation_id = organisation
    return person


def add_resource(app, key="poster-signs", status=ResourceStatus.APPROVED) -> int:
    with app.app_context():
        resource = Resource(
            key=key,
            kind="poster",
            audience="pupils",
            title={"en": f"Poster {key}", "ro": f"Afiș {key}"},
            description={"en": "A poster."},
            licence="CC-BY-4.0",
            status=status,
        )
        db.session.add(resource)
        db.session.commit()
        return resource.id


def course_id_of(app, version_id: int) -> int:
    with app.app_context():
        return db.session.get(CourseVersion, version_id).course_id


def session_values(app, version_id: int, **changes) -> dict:
    """The form's fields for a session of 28 pupils aged 13-15 in Oradea."""
    values = {
        "delivered_on": date.today().isoformat(),
        "county": "BH",
        "locality": "Oradea",
        "setting": "school",
        "audience": "pupils",
        "age_band": "13-15",
        "declared_count": "28",
        "course_id": str(course_id_of(app, version_id)),
        "session_plan_key": PLAN,
        "reflection": "The pupils asked about online job offers.",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def record(app, user_id: int, version_id: int, now: datetime | None = None, **changes) -> int:
    """Record a session through the service; its id."""
    from elearn.accounts.models import User
    from elearn.certificates.services import local_day

    with app.app_context():
        now = now or utcnow()
        user = db.session.get(User, user_id)
        values = {
            "delivered_on": local_day(now),
            "county": "BH",
            "locality": "Oradea",
            "setting": "school",
            "audience": "pupils",
            "age_band": "13-15",
            "declared_count": 28,
            "course_id": course_id_of(app, version_id),
            "session_plan_key": PLAN,
            "reflection": "Went well.",
            **changes,
        }
        options = course_options(user_id, local_day(now), "en")
        session = record_session(user, SessionInput(**values), options, now=now)
        db.session.commit()
        return session.id


def session_row(app, session_id: int) -> DeliveredSession:
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        db.session.expunge(session)
        return session


def all_sessions(app) -> list[DeliveredSession]:
    with app.app_context():
        rows = db.session.scalars(select(DeliveredSession).order_by(DeliveredSession.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows
