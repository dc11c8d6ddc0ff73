"""The invitation email, in the invitation's language; every link is built from BASE_URL."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from elearn.accounts.models import User
from elearn.cohorts.models import Cohort
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email
from elearn.organisations.models import Organisation


def send_invitation(invitation, secret: str) -> bool:
    """Send (or, during a request, queue for after the response) the invitation with the
    link holding ``secret``. True when it went out or was queued."""
    organisation = db.session.get(Organisation, invitation.organisation_id)
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    cohort = db.session.get(Cohort, invitation.cohort_id) if invitation.cohort_id else None
    return send_email(
        to=invitation.email,
        language=invitation.language,
        subject=_l("Invitation to join %(organisation)s", organisation=organisation.name),
        template="invitation",
        invitation=invitation,
        organisation=organisation.name,
        inviter=inviter.full_name if inviter and inviter.erased_at is None else None,
        cohort=cohort.name if cohort else None,
        link=external_url("invitations.accept", secret=secret),
        privacy=external_url("privacy.notice"),
        retention_days=current_app.config["INVITATION_RETENTION_DAYS"],
    )
