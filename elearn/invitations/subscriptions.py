"""What invitations do when something happens elsewhere (elearn/signals.py): an erasure
deletes the invitations the person accepted; a data download lists them."""

from __future__ import annotations

from sqlalchemy import delete, select

from elearn.extensions import db
from elearn.invitations.models import Invitation
from elearn.organisations.models import Organisation
from elearn.signals import person_erased, personal_data_requested


def forget_invitations(_user, *, user_id: int, **_details) -> None:
    """The accepted invitations hold the person's name and address: they go at erasure."""
    db.session.execute(delete(Invitation).where(Invitation.user_id == user_id))


def invitations_in_download(user, **_details) -> dict:
    """Invitations to the person's address, or accepted by them, in any organisation."""

    def iso(value):
        return value.isoformat() if value else None

    rows = db.session.execute(
        select(Invitation, Organisation.name)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .where((Invitation.email == user.email) | (Invitation.user_id == user.id))
        .order_by(Invitation.created_at)
    ).all()
    return {
        "invitations.json": [
            {
                "organisation": organisation,
                "name_given": invitation.full_name,
                "email": invitation.email,
                "profession_given": invitation.profession,
                "county_given": invitation.county,
                "invited_at": iso(invitation.created_at),
                "sent_at": iso(invitation.sent_at),
                "expires_at": iso(invitation.expires_at),
                "accepted_at": iso(invitation.accepted_at),
                "withdrawn_at": iso(invitation.revoked_at),
            }
            for invitation, organisation in rows
        ]
    }


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    person_erased.connect(forget_invitations)
    personal_data_requested.connect(invitations_in_download)
