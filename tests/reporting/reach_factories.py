"""Plain functions that add and flush the rows the reach figures read: delivered sessions,
events with registrations, library resources, downloads, certificates. Call them inside an
app context and commit."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from elearn.certificates.services import issue_for
from elearn.courses.models import Blob, CourseVersion
from elearn.events.models import Event, EventMaterial, EventRegistration, RegistrationStatus
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.reach import tally
from elearn.reach.models import DeliveredSession, SessionMaterial
from elearn.resources.models import Resource, ResourceDownloadDay, ResourceFile

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def delivered(
    organisation_id: int | None,
    *,
    on: date = date(2026, 5, 20),
    declared: int = 28,
    confirmed: int = 0,
    profession: str = "teacher",
    county: str = "BH",
    audience: str = "pupils",
    age_band: str | None = "13-15",
    setting: str = "school",
    user_id: int | None = None,
    course_id: int | None = None,
    materials: dict[int, int] | None = None,
) -> DeliveredSession:
    row = DeliveredSession(
        user_id=user_id,
        organisation_id=organisation_id,
        profession=profession,
        delivered_on=on,
        county=county,
        locality="Oradea",
        setting=setting,
        audience=audience,
        age_band=age_band if audience == "pupils" else None,
        declared_count=declared,
        confirmed_count=confirmed,
        course_id=course_id,
        materials_count=sum((materials or {}).values()),
    )
    db.session.add(row)
    db.session.flush()
    for resource_id, quantity in (materials or {}).items():
        db.session.add(
            SessionMaterial(session_id=row.id, resource_id=resource_id, quantity=quantity)
        )
    db.session.flush()
    tally.count(row, 1)  # as the ledger's writers do
    return row


def replace(old: DeliveredSession, **changes) -> DeliveredSession:
    """A correction after the editing window: a new record; the old one points to it."""
    values = {
        "on": old.delivered_on,
        "declared": old.declared_count,
        "confirmed": old.confirmed_count,
        "profession": old.profession,
        "county": old.county,
        "audience": old.audience,
        "age_band": old.age_band,
        "setting": old.setting,
        "user_id": old.user_id,
        "course_id": old.course_id,
        **changes,
    }
    new = delivered(old.organisation_id, **values)
    tally.count(old, -1)
    old.replaced_by_id = new.id
    db.session.flush()
    return new


def event(
    organisation_id: int | None,
    *,
    starts_at: datetime = datetime(2026, 5, 10, 9, 0, tzinfo=UTC),
    published: bool = True,
    cancelled: bool = False,
    kind: str = "round_table",
    audience: str = "community",
    county: str | None = "BH",
    present: int = 0,
    absent: int = 0,
    waiting: int = 0,
    unregistered: int = 0,
    materials: dict[int, int] | None = None,
) -> Event:
    """An event with ``present`` registrations marked present, ``absent`` registered but not
    marked, ``waiting`` on the waiting list; anonymous (erased) registrations."""
    row = Event(
        kind=kind,
        title="Masă rotundă",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        county=county,
        audience=audience,
        professions=[],
        languages=["ro"],
        organisation_id=organisation_id,
        published_at=starts_at - timedelta(days=20) if published else None,
        cancelled_at=starts_at - timedelta(days=1) if cancelled else None,
        checkin_code=secrets.token_hex(6),
        unregistered_attendees=unregistered,
        materials_count=sum((materials or {}).values()),
    )
    db.session.add(row)
    db.session.flush()
    for count, status, attended in (
        (present, RegistrationStatus.REGISTERED, True),
        (absent, RegistrationStatus.REGISTERED, False),
        (waiting, RegistrationStatus.WAITING, False),
    ):
        for _ in range(count):
            db.session.add(
                EventRegistration(
                    event_id=row.id,
                    status=status,
                    profession="social_worker",
                    county="BH",
                    attended_at=starts_at if attended else None,
                )
            )
    for resource_id, quantity in (materials or {}).items():
        db.session.add(EventMaterial(event_id=row.id, resource_id=resource_id, quantity=quantity))
    db.session.flush()
    return row


def resource(key: str = "poster-know-the-signs") -> Resource:
    row = Resource(
        key=key,
        kind="poster",
        audience="pupils",
        title={"ro": "Afiș", "en": "Poster"},
        description={"ro": "", "en": ""},
        licence="CC-BY-4.0",
    )
    db.session.add(row)
    db.session.flush()
    return row


def downloaded(resource_row: Resource, day: date, downloads: int) -> None:
    """``downloads`` of the resource's Romanian file on ``day`` (the file made once)."""
    file = next((f for f in resource_row.files if f.language == "ro"), None)
    if file is None:
        sha = secrets.token_hex(32)
        db.session.add(Blob(sha256=sha, size=3, data=b"pdf"))
        file = ResourceFile(
            resource=resource_row,
            language="ro",
            blob_sha256=sha,
            file_name="afis.pdf",
            media_type="application/pdf",
            size=3,
        )
        db.session.add(file)
        db.session.flush()
    db.session.add(ResourceDownloadDay(file_id=file.id, day=day, downloads=downloads))
    db.session.flush()


def certify(user_id: int, version_id: int, issued_at: datetime):
    """The person completed the course and was certified at ``issued_at``."""
    version = db.session.get(CourseVersion, version_id)
    enrolment = Enrolment(
        user_id=user_id,
        course_id=version.course_id,
        version_id=version.id,
        enrolled_at=issued_at - timedelta(days=5),
        completed_at=issued_at,
        completed_version_id=version.id,
    )
    db.session.add(enrolment)
    db.session.flush()
    certificate = issue_for(enrolment)
    certificate.issued_at = issued_at
    db.session.flush()
    return certificate
