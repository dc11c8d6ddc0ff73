"""What attendance and certificates of attendance do when something happens elsewhere
(elearn/signals.py): the public verification page asks about a code that is not a course
certificate's; a person's data download lists their attendance and certificates; an erasure
keeps the certificates for verification without the name (docs/events-attendance.md)."""

from __future__ import annotations

from sqlalchemy import select, update

from elearn.events import certificates as service
from elearn.events.models import AttendanceCertificate, Event, EventRegistration
from elearn.extensions import db
from elearn.signals import certificate_code_lookup_requested, person_erased, personal_data_requested


def attendance_certificate_page(_code, *, code: str, **_details) -> dict | None:
    """The verification page of a certificate of attendance, or None when the code is not one."""
    certificate = service.by_code(code)
    if certificate is None:
        return None
    return {
        "template": "events/certificate_verify.html",
        "context": {
            "checked": True,
            "certificate": certificate,
            "status": service.status(certificate),
            "kind_name": service.kind_name(certificate.event_kind),
            "reasons": service.REVOCATION_REASONS,
        },
    }


def _iso(value):
    return value.isoformat() if value else None


def attendance_in_download(user, **_details) -> dict:
    """The events the person was marked present at, and their certificates of attendance."""
    present = db.session.execute(
        select(EventRegistration, Event.title, Event.starts_at)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(EventRegistration.user_id == user.id, EventRegistration.attended_at.is_not(None))
        .order_by(Event.starts_at)
    ).all()
    certificates = service.certificates_of(user)
    return {
        "event-attendance.json": [
            {
                "event": title,
                "starts_at": _iso(starts_at),
                "present_since": _iso(registration.attended_at),
                "walk_in": registration.walk_in,
            }
            for registration, title, starts_at in present
        ],
        "attendance-certificates.json": [
            {
                "code": c.code,
                "name": c.holder_name,
                "event": c.event_title,
                "kind": c.event_kind,
                "held_on": _iso(c.held_on),
                "locality": c.locality,
                "hours": c.hours,
                "issuer": c.issuer_name,
                "issued_at": _iso(c.issued_at),
                "revoked_at": _iso(c.revoked_at),
                "revoked_reason": c.revoked_reason,
            }
            for c in certificates
        ],
    }


def forget_attendance_holder(_user, *, user_id: int, **_details) -> None:
    """Certificates of attendance stay on record, without the name and no longer tied to the
    account, so that one already handed to an employer can still be checked; the marks the
    person made on attendance lists no longer name them."""
    db.session.execute(
        update(AttendanceCertificate)
        .where(AttendanceCertificate.user_id == user_id)
        .values(holder_name="", user_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(EventRegistration)
        .where(EventRegistration.attendance_marked_by_id == user_id)
        .values(attendance_marked_by_id=None)
        .execution_options(synchronize_session=False)
    )


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    certificate_code_lookup_requested.connect(attendance_certificate_page)
    personal_data_requested.connect(attendance_in_download)
    person_erased.connect(forget_attendance_holder)
