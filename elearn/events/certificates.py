"""Certificates of attendance: issued to the people marked present at an event, a snapshot
like a course certificate, verified on the same public page (docs/events-attendance.md)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.certificates import codes
from elearn.certificates.models import Certificate
from elearn.certificates.services import issuer, local_day
from elearn.database import insert_once, utcnow
from elearn.errors import DomainError
from elearn.events.models import AttendanceCertificate, Event, EventRegistration
from elearn.events.models import RegistrationStatus as Status
from elearn.extensions import db

# Why an organiser revokes one; the public page shows the reason.
REVOCATION_REASONS = {
    "issued_in_error": _l("Issued in error"),
    "not_present": _l("The person was not present"),
    "identity": _l("Issued to the wrong person"),
    "holder_request": _l("At the holder's request"),
}

# The kinds of event, as a certificate names them (elearn/events/choices.py lists the same).
KIND_NAMES = {
    "workshop": _l("workshop"),
    "seminar": _l("seminar"),
    "round_table": _l("round table"),
    "network_meeting": _l("network meeting"),
    "information_session": _l("information session"),
    "training": _l("training"),
    "campaign": _l("campaign"),
}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def hours_of(event: Event) -> float:
    """The hours a certificate states: the organiser's figure, or the event's length rounded
    to the nearest half hour (at least half an hour)."""
    if event.certificate_hours:
        return float(event.certificate_hours)
    seconds = (event.ends_at - event.starts_at).total_seconds()
    return max(0.5, round(seconds / 1800) / 2)


def new_code() -> str:
    """A code in the course certificates' format, free in both tables: the public page takes
    one kind of code and looks in both, so a code must name one certificate only."""
    for _ in range(10):
        code = codes.new_code()
        taken = db.session.scalar(
            select(
                exists().where(Certificate.code == code)
                | exists().where(AttendanceCertificate.code == code)
            )
        )
        if not taken:
            return code
    raise DomainError(_l("No free certificate code was found; try again."))  # pragma: no cover


def issue_certificates(event: Event, *, by_id: int | None, now: datetime | None = None) -> int:
    """Issue a certificate of attendance to every person marked present who has none yet, and
    return how many were issued. Pressing twice issues nothing new; someone marked present
    later gets theirs the next time. Raises DomainError before the event starts or when it
    was cancelled."""
    now = now or utcnow()
    if event.cancelled_at is not None:
        raise DomainError(_l("The event was cancelled: it gives no certificates."))
    if now < event.starts_at:
        raise DomainError(
            _l("Certificates of attendance can be issued once the event has started.")
        )
    rows = db.session.execute(
        select(EventRegistration.id, User)
        .join(User, User.id == EventRegistration.user_id)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == Status.REGISTERED,
            EventRegistration.attended_at.is_not(None),
            ~exists().where(AttendanceCertificate.registration_id == EventRegistration.id),
        )
    ).all()
    by, hours = issuer(), hours_of(event)
    issued = 0
    for registration_id, person in rows:
        # Once per registration, even when two organisers press at the same moment.
        issued += insert_once(
            db.session,
            AttendanceCertificate,
            ("registration_id",),
            code=new_code(),
            registration_id=registration_id,
            user_id=person.id,
            event_id=event.id,
            holder_name=person.full_name,
            event_title=event.title,
            event_kind=event.kind,
            held_on=local_day(event.starts_at),
            locality=event.locality,
            hours=hours,
            issuer_name=by.name,
            issuer_url=by.url,
            colour=by.colour or "#1d4e89",
            logo_sha256=by.logo_sha256,
            issued_at=now,
        )
    event.certificates_issued_at = now
    record(
        "event.certificates_issued",
        actor_id=by_id,
        target_type="event",
        target_id=event.id,
        issued=issued,
    )
    db.session.flush()
    return issued


def certificates_of_event(event: Event) -> list[AttendanceCertificate]:
    return list(
        db.session.scalars(
            select(AttendanceCertificate)
            .where(AttendanceCertificate.event_id == event.id)
            .order_by(AttendanceCertificate.holder_name, AttendanceCertificate.id)
        )
    )


def certificates_of(user) -> list[AttendanceCertificate]:
    return list(
        db.session.scalars(
            select(AttendanceCertificate)
            .where(AttendanceCertificate.user_id == user.id)
            .order_by(AttendanceCertificate.held_on.desc(), AttendanceCertificate.id.desc())
        )
    )


def by_code(text: str) -> AttendanceCertificate | None:
    """The certificate of attendance a typed, scanned or linked code names; None otherwise."""
    code = codes.normalise(text)
    if code is None:
        return None
    return db.session.scalar(
        select(AttendanceCertificate).where(AttendanceCertificate.code == code)
    )


def status(certificate: AttendanceCertificate) -> str:
    """valid or revoked: a certificate of attendance does not expire."""
    return "revoked" if certificate.revoked_at is not None else "valid"


def revoke(certificate: AttendanceCertificate, reason: str, *, by_id: int) -> None:
    """Revoke with a reason from the fixed list; the public page says so at once."""
    if reason not in REVOCATION_REASONS:
        raise DomainError(_l("Choose a reason from the list."), field="reason")
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    record(
        "event.certificate_revoked",
        actor_id=by_id,
        target_type="attendance_certificate",
        target_id=certificate.id,
        reason=reason,
    )
    db.session.flush()
