"""What the reach ledger does when something happens elsewhere (elearn/signals.py): a data
download lists the person's sessions; an erasure keeps them only as anonymous counts; an
organisation's deletion moves its sessions to "no organisation" in the monthly summary."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from elearn.extensions import db
from elearn.reach import tally
from elearn.reach.models import DeliveredSession, ReachInvitation, SessionMaterial
from elearn.resources.models import Resource
from elearn.signals import organisation_deleting, person_erased, personal_data_requested


def anonymise_sessions(_user, *, user_id: int, **_details) -> None:
    """The sessions stay in the figures without the person: no link to them, no reflection
    (the free text they wrote). The invitations sent to them go."""
    db.session.execute(
        update(DeliveredSession)
        .where(DeliveredSession.user_id == user_id)
        .values(user_id=None, reflection=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ReachInvitation).where(ReachInvitation.user_id == user_id))


def sessions_in_download(user, **_details) -> dict:
    """Every session the person recorded, with the materials handed out (two statements)."""

    def iso(value):
        return value.isoformat() if value else None

    sessions = db.session.scalars(
        select(DeliveredSession)
        .where(DeliveredSession.user_id == user.id)
        .order_by(DeliveredSession.delivered_on, DeliveredSession.id)
    ).all()
    materials: dict[int, list] = {}
    rows = db.session.execute(
        select(SessionMaterial.session_id, Resource.key, SessionMaterial.quantity)
        .join(Resource, Resource.id == SessionMaterial.resource_id)
        .join(DeliveredSession, DeliveredSession.id == SessionMaterial.session_id)
        .where(DeliveredSession.user_id == user.id)
    ).all()
    for session_id, key, quantity in rows:
        materials.setdefault(session_id, []).append({"resource": key, "copies": quantity})
    return {
        "reach_sessions.json": [
            {
                "id": session.id,
                "date": iso(session.delivered_on),
                "county": session.county,
                "locality": session.locality,
                "setting": session.setting,
                "audience": session.audience,
                "age_band": session.age_band,
                "declared_count": session.declared_count,
                "confirmed_count": session.confirmed_count,
                "profession_recorded": session.profession,
                "course_version": session.version_label,
                "session_plan": session.session_plan_key,
                "materials": materials.get(session.id, []),
                "reflection": session.reflection,
                "recorded_at": iso(session.created_at),
                "updated_at": iso(session.updated_at),
                "replaced_by": session.replaced_by_id,
            }
            for session in sessions
        ]
    }


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    person_erased.connect(anonymise_sessions)
    personal_data_requested.connect(sessions_in_download)
    organisation_deleting.connect(tally.organisation_deleting)
