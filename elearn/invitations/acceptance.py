"""Accepting an invitation: the one moment an invitation creates something.

Someone without an account registers from the invitation (the link proves the address, so it
counts as confirmed); someone with an account joins with it. Either way they become a
confirmed member of the organisation (organisations' own service, which tells the features
above) and, when the invitation names one, a member of its cohort (cohorts' own service).

Taking the invitation is one conditional UPDATE, so a double click, two tabs or two people
holding the same link can use it once only; everything else happens in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from elearn.accounts import services as accounts
from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.cohorts import services as cohorts
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.invitations.models import Invitation
from elearn.invitations.services import hash_secret, is_open
from elearn.organisations.services import join_by_invitation
from elearn.privacy.notice import accept_notice

PROBLEMS = {
    "accepted": _l("This invitation has already been used. If it was you, sign in."),
    "revoked": _l("This invitation was withdrawn by the organisation. Nothing has changed."),
    "expired": _l(
        "This invitation has expired. Ask the person who invited you to send it again. "
        "Nothing has changed."
    ),
}


class InvitationProblem(DomainError):
    """The invitation cannot be accepted (any more); ``state`` says why."""

    def __init__(self, state: str) -> None:
        super().__init__(PROBLEMS[state])
        self.state = state


class WrongPerson(DomainError):
    """The signed-in person's address is not the invitation's."""


def invitation_for(secret: str) -> Invitation | None:
    """The invitation whose link holds ``secret``, if any (looked up by its hash)."""
    if not secret or len(secret) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_secret(secret)))


def check_open(invitation: Invitation, now: datetime | None = None) -> None:
    """Raises InvitationProblem unless the invitation is waiting."""
    state = invitation.state(now or utcnow())
    if state != "waiting":
        raise InvitationProblem(state)


def accept_as_new_person(
    invitation: Invitation,
    *,
    full_name: str,
    password: str,
    profession: str,
    county: str,
    preferred_language: str,
) -> User:
    """Create the account from the invitation and make it a member. Raises
    InvitationProblem, or DomainError (field "email") when the address has an account now."""
    _take(invitation)
    user = accounts.register_user(
        email=invitation.email,
        full_name=full_name,
        password=password,
        profession=profession,
        county=county,
        preferred_language=preferred_language,
        email_confirmed=True,  # the link reached this address
    )
    accept_notice(user)
    _join(invitation, user)
    return user


def accept_as_member(invitation: Invitation, user: User) -> None:
    """The signed-in owner of the invited address joins with their account. Raises
    WrongPerson for anyone else, InvitationProblem when it can no longer be accepted."""
    if user.email != invitation.email:
        raise WrongPerson(
            _l("This invitation was sent to another email address. Nothing has changed.")
        )
    _take(invitation)
    if user.email_confirmed_at is None:
        accounts.mark_email_confirmed(user)
        record("user.email_confirmed", actor_id=user.id, target_type="user", target_id=user.id)
    _join(invitation, user)


def _take(invitation: Invitation) -> None:
    """Mark the invitation accepted, if it is still waiting (one conditional statement)."""
    now = utcnow()
    taken = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, is_open(), Invitation.expires_at > now)
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(invitation)
    if taken != 1:
        state = invitation.state(now)
        raise InvitationProblem(state if state in PROBLEMS else "accepted")


def _join(invitation: Invitation, user: User) -> None:
    invitation.user_id = user.id
    join_by_invitation(user, invitation.organisation_id, invitation_id=invitation.id)
    cohort = (
        cohorts.cohort_of(invitation.organisation_id, invitation.cohort_id)
        if invitation.cohort_id
        else None
    )
    if cohort is not None:
        cohorts.add_members(cohort, [user.id], by_id=invitation.invited_by_id)
    record(
        "invitation.accepted",
        actor_id=user.id,
        target_type="invitation",
        target_id=invitation.id,
        organisation_id=invitation.organisation_id,
        cohort_id=cohort.id if cohort else None,
    )
    db.session.flush()
