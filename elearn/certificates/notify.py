"""`elearn notify`: reminders before certificates expire, safe to run as often as one likes.

Run it from cron (say, hourly). Each reminder is claimed by inserting its row before the
email is sent, so two runs at the same moment cannot both send it; it counts as sent only when
the mail server accepted the message; a failed send releases the claim for the next run, and
a claim left behind by a run that died is taken over after ``LEASE``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from elearn.accounts.models import User
from elearn.certificates.models import Certificate, CertificateReminder
from elearn.certificates.services import local_day
from elearn.database import claim_to_send, insert_once, utcnow
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email

LEASE = timedelta(minutes=15)


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder that is due; returns how many were sent, failed and skipped."""
    now = now or utcnow()
    today = local_day(now)
    thresholds = sorted(current_app.config["CERTIFICATE_REMINDER_DAYS"], reverse=True)
    window = current_app.config["RECERTIFICATION_WINDOW_DAYS"]
    certificates = db.session.scalars(
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .where(
            User.erased_at.is_(None),
            User.deactivated_at.is_(None),
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            Certificate.expires_on.is_not(None),
            Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(days=thresholds[0]),
        )
    ).all()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for certificate in certificates:
        days_left = (certificate.expires_on - today).days
        due = [days for days in thresholds if days_left <= days]
        if not due:
            continue
        current = min(due)
        for days in due:
            if days != current and insert_once(
                db.session,
                CertificateReminder,
                ("certificate_id", "days_before"),
                certificate_id=certificate.id,
                days_before=days,
                claimed_at=now,
                skipped=True,
            ):
                counts["skipped"] += 1
        db.session.commit()
        reminder = _claim(certificate.id, current, now)
        if reminder is None:
            continue
        if _send(certificate, window):
            db.session.execute(
                update(CertificateReminder)
                .where(CertificateReminder.id == reminder)
                .values(sent_at=utcnow())
            )
            counts["sent"] += 1
        else:
            db.session.execute(
                delete(CertificateReminder).where(CertificateReminder.id == reminder)
            )
            counts["failed"] += 1
        db.session.commit()
    return counts


def _claim(certificate_id: int, days: int, now: datetime) -> int | None:
    """The reminder's id if this run may send it now, else None (committed either way)."""
    key = {"certificate_id": certificate_id, "days_before": days}
    return claim_to_send(db.session, CertificateReminder, key, now, LEASE)


def _send(certificate: Certificate, window: int) -> bool:
    person = db.session.get(User, certificate.user_id)
    if person is None or not person.is_active or person.erased_at is not None:
        return False
    language = person.preferred_language
    title = certificate.course_title.get(language) or next(iter(certificate.course_title.values()))
    return send_email(
        to=person.email,
        language=language,
        subject=_l("Your certificate expires soon"),
        template="certificate_expiring",
        user=person,
        course=title,
        expires_on=certificate.expires_on,
        renew_from=certificate.expires_on - timedelta(days=window),
        link=external_url("certificates.mine"),
    )
