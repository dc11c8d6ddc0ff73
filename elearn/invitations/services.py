"""Inviting people into an organisation one at a time, sending an invitation again,
withdrawing it, listing invitations, and deleting them once their time is up.

An invitation creates nothing until it is accepted (elearn/invitations/acceptance.py). The
link's secret is never stored: only its SHA-256 hash, so a copy of the database opens no
invitation. Services flush and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from elearn.accounts.models import User
from elearn.accounts.services import user_by_email
from elearn.audit.services import record
from elearn.cohorts import services as cohorts
from elearn.cohorts.models import Cohort
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import LANGUAGES, locale_for
from elearn.invitations import emails
from elearn.invitations.models import Invitation, InvitationUpload
from elearn.organisations import tree
from elearn.reference import COUNTIES, PROFESSIONS

STATES = ("waiting", "accepted", "expired", "revoked")
# Sending again: not within minutes of the last send, and not without end.
RESEND_AFTER = timedelta(minutes=10)
MAX_SENDS = 5
UPLOAD_HOURS = 24


def new_secret() -> tuple[str, str]:
    """A link's secret (256 random bits) and the hash that is stored."""
    secret = secrets.token_urlsafe(32)
    return secret, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def expiry(now: datetime) -> datetime:
    return now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])


def is_open():
    return and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))


def state_condition(state: str, now: datetime):
    return {
        "waiting": and_(is_open(), Invitation.expires_at > now),
        "expired": and_(is_open(), Invitation.expires_at <= now),
        "accepted": Invitation.accepted_at.is_not(None),
        "revoked": and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None)),
    }[state]


def invitations_query(organisation_id: int, *, state: str = "", search: str = "") -> Select:
    """The organisation's invitations, newest first."""
    now = utcnow()
    query = (
        select(Invitation)
        .where(Invitation.organisation_id == organisation_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    if state in STATES:
        query = query.where(state_condition(state, now))
    if search.strip():
        words = search.strip()
        query = query.where(
            or_(
                Invitation.email.contains(words.lower(), autoescape=True),
                Invitation.full_name.icontains(words, autoescape=True),
            )
        )
    return query


def state_counts(organisation_id: int) -> dict[str, int]:
    """How many invitations of the organisation are in each state; one query."""
    now = utcnow()
    row = db.session.execute(
        select(*(func.count(Invitation.id).filter(state_condition(s, now)) for s in STATES)).where(
            Invitation.organisation_id == organisation_id
        )
    ).one()
    return dict(zip(STATES, row, strict=True))


def invitation_of(organisation_id: int, invitation_id: int) -> Invitation | None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation_id:
        return None
    return invitation


def vocabularies() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Professions and counties by code, each with its name in every language, for reading
    a spreadsheet written in any of them."""

    def names(vocabulary):
        labels: dict[str, list[str]] = {code: [] for code in vocabulary}
        for language in LANGUAGES:
            with force_locale(locale_for(language)):
                for code, label in vocabulary.items():
                    labels[code].append(str(label))
        return labels

    return names(PROFESSIONS), names(COUNTIES)


@dataclass
class Invited:
    """What inviting one person did: ``outcome`` is invited, renewed, member or cohort."""

    outcome: str
    invitation: Invitation | None = None


def is_member_within(user: User | None, organisation_id: int) -> bool:
    """An active, confirmed member of the organisation or of one below it: such a person is
    added to a cohort, not invited."""
    return (
        user is not None
        and user.is_active
        and user.confirmed_organisation_id is not None
        and tree.is_within(user.confirmed_organisation_id, organisation_id)
    )


def invite_person(
    organisation_id: int,
    *,
    full_name: str,
    email: str,
    profession: str | None,
    county: str | None,
    cohort: Cohort | None,
    language: str,
    by,
) -> Invited:
    """Invite one person and send the email (after the response), or, for someone who is
    already a member here, only add them to the cohort.

    Raises DomainError when an invitation to that address is already waiting.
    """
    email = email.strip().lower()
    person = user_by_email(email)
    if is_member_within(person, organisation_id):
        added = cohorts.add_members(cohort, [person.id], by_id=by.id) if cohort else []
        return Invited("cohort" if added else "member")
    now = utcnow()
    details = {
        "full_name": full_name,
        "profession": profession or None,
        "county": county or None,
        "cohort_id": cohort.id if cohort else None,
        "language": language,
    }
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.organisation_id == organisation_id, Invitation.email == email, is_open()
        )
    )
    if invitation is not None and invitation.expires_at > now:
        raise DomainError(
            _l(
                "An invitation to this address is already waiting. You can send it again from "
                "the list of invitations."
            ),
            field="email",
        )
    secret, token_hash = new_secret()
    outcome = "renewed" if invitation is not None else "invited"
    if invitation is None:
        invitation = Invitation(organisation_id=organisation_id, email=email, created_at=now)
    invitation.invited_by_id = by.id
    for name, value in details.items():
        setattr(invitation, name, value)
    invitation.token_hash = token_hash
    invitation.expires_at = expiry(now)
    invitation.sent_at = now
    invitation.send_count = (invitation.send_count or 0) + 1
    try:
        with db.session.begin_nested():  # another manager may have invited them a moment ago
            db.session.add(invitation)
    except IntegrityError:
        raise DomainError(
            _l("An invitation to this address is already waiting."), field="email"
        ) from None
    record(
        "invitation.created",
        actor_id=by.id,
        target_type="invitation",
        target_id=invitation.id,
        organisation_id=organisation_id,
        cohort_id=invitation.cohort_id,
        existing_account=person is not None,
    )
    emails.send_invitation(invitation, secret)
    return Invited(outcome, invitation)


def resend(invitation: Invitation, *, by) -> None:
    """Send a waiting or expired invitation again, with a new link that works for the full
    period (the old link stops working). Raises DomainError when it was accepted or
    withdrawn, sent minutes ago, or sent MAX_SENDS times already."""
    now = utcnow()
    if invitation.state(now) in ("accepted", "revoked"):
        raise DomainError(_l("This invitation was accepted or withdrawn: it cannot be sent."))
    if invitation.send_count >= MAX_SENDS:
        raise DomainError(
            ngettext(
                "This invitation has been sent %(num)d time. Check the address with the person "
                "before inviting them again.",
                "This invitation has been sent %(num)d times. Check the address with the "
                "person before inviting them again.",
                invitation.send_count,
            )
        )
    recently = now - RESEND_AFTER
    if invitation.sent_at is not None and invitation.sent_at > recently:
        raise DomainError(
            _l(
                "This invitation was sent less than %(minutes)d minutes ago. Wait a little "
                "before sending it again.",
                minutes=int(RESEND_AFTER.total_seconds() // 60),
            )
        )
    secret, token_hash = new_secret()
    # One conditional statement: a run of `elearn notify`, a second click or another manager
    # cannot send it twice.
    sent = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            is_open(),
            or_(Invitation.sent_at.is_(None), Invitation.sent_at <= recently),
        )
        .values(
            token_hash=token_hash,
            expires_at=expiry(now),
            sent_at=now,
            send_count=Invitation.send_count + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if sent != 1:
        raise DomainError(_l("This invitation changed meanwhile. Look at the list again."))
    db.session.refresh(invitation)
    record(
        "invitation.resent",
        actor_id=by.id,
        target_type="invitation",
        target_id=invitation.id,
        organisation_id=invitation.organisation_id,
    )
    emails.send_invitation(invitation, secret)


def revoke(invitation: Invitation, *, by) -> None:
    """Withdraw an invitation that was not accepted: its link stops working at once."""
    if invitation.accepted_at is not None:
        raise DomainError(_l("This invitation was accepted already; it cannot be withdrawn."))
    if invitation.revoked_at is not None:
        return
    withdrawn = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, is_open())
        .values(revoked_at=utcnow(), revoked_by_id=by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if withdrawn != 1:
        raise DomainError(_l("This invitation changed meanwhile. Look at the list again."))
    db.session.refresh(invitation)
    record(
        "invitation.revoked",
        actor_id=by.id,
        target_type="invitation",
        target_id=invitation.id,
        organisation_id=invitation.organisation_id,
    )


def purge_old(now: datetime) -> dict[str, int]:
    """Retention (GDPR): invitations accepted, withdrawn or expired more than
    INVITATION_RETENTION_DAYS ago, and spreadsheets left undecided for UPLOAD_HOURS."""
    before = now - timedelta(days=current_app.config["INVITATION_RETENTION_DAYS"])
    done = db.session.execute(
        delete(Invitation)
        .where(
            or_(
                Invitation.accepted_at < before,
                Invitation.revoked_at < before,
                and_(is_open(), Invitation.expires_at < before),
            )
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"invitations": done, "invitation_uploads": purge_uploads(now)}


def purge_uploads(now: datetime) -> int:
    """Spreadsheets nobody decided on within UPLOAD_HOURS (they hold people's details)."""
    return db.session.execute(
        delete(InvitationUpload)
        .where(InvitationUpload.created_at < now - timedelta(hours=UPLOAD_HOURS))
        .execution_options(synchronize_session=False)
    ).rowcount
