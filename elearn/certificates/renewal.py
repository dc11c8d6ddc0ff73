"""Renewing a certificate before (or after) it expires: the learner passes the course's
renewal quiz again on its current version, in a new round, and the new certificate
supersedes the old one. Which quiz renews is the course version's
``recertification_quiz``; the pass arrives as the ``quiz_passed`` event
(elearn/certificates/subscriptions.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.audit.services import record
from elearn.certificates.models import Certificate
from elearn.certificates.services import issue_for, today
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.learning.services import newest_published
from elearn.learning.versions import move_to_version


def renewal_opens(certificate: Certificate) -> date | None:
    if certificate.expires_on is None:
        return None
    window = current_app.config["RECERTIFICATION_WINDOW_DAYS"]
    return certificate.expires_on - timedelta(days=window)


def can_renew(certificate: Certificate, on: date) -> bool:
    """Renewal is open from the window before expiry (and after it), for a certificate that
    is neither revoked nor already renewed."""
    opens = renewal_opens(certificate)
    return (
        opens is not None
        and on >= opens
        and certificate.revoked_at is None
        and certificate.superseded_by_id is None
    )


def open_renewal(certificate: Certificate) -> tuple[str, str]:
    """Start renewing: the learner moves to the course's current version (keeping credit for
    what did not change) and a new round begins in which passing the renewal quiz issues a
    new certificate. Returns (course slug, quiz key). Raises DomainError saying why not."""
    if not can_renew(certificate, today()):
        raise DomainError(_l("This certificate cannot be renewed now."))
    enrolment = db.session.get(Enrolment, certificate.enrolment_id)
    newest = newest_published(enrolment.course)
    if newest is None or not newest.manifest.get("certificate"):
        raise DomainError(
            _l("This course is no longer offered, so its certificate cannot be renewed.")
        )
    if newest.id != enrolment.version_id:
        move_to_version(enrolment, newest)
    enrolment.round = max(enrolment.round, certificate.round + 1)
    db.session.flush()
    return enrolment.course.slug, newest.recertification_quiz


def renew_after_pass(
    enrolment: Enrolment, *, quiz_key: str, round_: int, passed_at: datetime
) -> Certificate | None:
    """A passed quiz in a renewal round: when it is the version's renewal quiz, issue the
    round's certificate and mark the one it replaces."""
    if (
        round_ < 2
        or round_ != enrolment.round
        or quiz_key != enrolment.version.recertification_quiz
    ):
        return None
    new = issue_for(enrolment, round_=round_, completed_at=passed_at)
    if new is None:
        return None
    replaced = db.session.scalars(
        select(Certificate).where(
            Certificate.enrolment_id == enrolment.id,
            Certificate.round < round_,
            Certificate.superseded_by_id.is_(None),
            Certificate.revoked_at.is_(None),
        )
    ).all()
    for old in replaced:
        old.superseded_by_id = new.id
        old.superseded_at = utcnow()
        record(
            "certificate.renewed",
            actor_id=enrolment.user_id,
            target_type="certificate",
            target_id=old.id,
            replaced_by=new.id,
        )
    db.session.flush()
    return new
