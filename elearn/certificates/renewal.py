"""Renewing a certificate before (or after) it expires: the learner passes the course's
renewal quiz again on its current version, in a new round, and the new certificate
supersedes the old one."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.audit.services import record
from elearn.certificates.models import Certificate
from elearn.certificates.services import issue_for, today
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db


def recertification_quiz(version) -> str | None:
    """The quiz whose pass renews the course's certificate: the one the manifest names, else
    the last quiz outside the modules (the final quiz), else the last quiz."""
    named = (version.manifest.get("certificate") or {}).get("recertification_quiz")
    if named:
        return named
    finals = [quiz for quiz in version.quizzes if quiz.module_key is None] or version.quizzes
    return finals[-1].key if finals else None


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
    from elearn.learning.models import Enrolment
    from elearn.learning.services import move_to_version, newest_published

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
    return enrolment.course.slug, recertification_quiz(newest)


def renew_after_pass(attempt) -> Certificate | None:
    """A passed renewal quiz: issue the round's certificate and mark the one it replaces."""
    enrolment = attempt.enrolment
    if attempt.round != enrolment.round or attempt.quiz_key != recertification_quiz(
        enrolment.version
    ):
        return None
    new = issue_for(enrolment, round_=attempt.round, completed_at=attempt.submitted_at)
    if new is None:
        return None
    replaced = db.session.scalars(
        select(Certificate).where(
            Certificate.enrolment_id == enrolment.id,
            Certificate.round < attempt.round,
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
