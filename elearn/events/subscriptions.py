"""What events do when something happens elsewhere (elearn/signals.py): a person's
registrations go into their data download; at erasure they lose the person and stay, with
the profession and county only, so that the event's figures still count them."""

from __future__ import annotations

from sqlalchemy import select, update

from elearn.events.models import Event, EventRegistration
from elearn.extensions import db
from elearn.signals import person_erased, personal_data_requested


def forget_registrations(_user, *, user_id: int, **_details) -> None:
    """The registrations stay, anonymous; the events the person created lose their name."""
    db.session.execute(
        update(EventRegistration).where(EventRegistration.user_id == user_id).values(user_id=None)
    )
    db.session.execute(
        update(Event).where(Event.created_by_id == user_id).values(created_by_id=None)
    )


def registrations_in_download(user, **_details) -> dict:
    """Every registration of the person, cancelled ones too, with the event it is for."""

    def iso(value):
        return value.isoformat() if value else None

    rows = db.session.execute(
        select(EventRegistration, Event)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(EventRegistration.user_id == user.id)
        .order_by(EventRegistration.registered_at, EventRegistration.id)
    ).all()
    return {
        "event_registrations.json": [
            {
                "event": event.title,
                "event_kind": event.kind,
                "event_starts_at": iso(event.starts_at),
                "status": registration.status.value,
                "registered_at": iso(registration.registered_at),
                "waiting_since": iso(registration.waiting_since),
                "cancelled_at": iso(registration.cancelled_at),
                "profession_at_registration": registration.profession,
                "county_at_registration": registration.county,
                "walk_in": registration.walk_in,
                "attended_at": iso(registration.attended_at),
                "reminder_sent_at": iso(registration.reminder_sent_at),
            }
            for registration, event in rows
        ]
    }


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    person_erased.connect(forget_registrations)
    personal_data_requested.connect(registrations_in_download)
