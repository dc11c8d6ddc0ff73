"""Events for the tests: made through the services, as an organiser would, then committed."""

from __future__ import annotations

from datetime import timedelta

from elearn.accounts.models import User
from elearn.database import utcnow
from elearn.events import services
from elearn.events.models import Event, EventRegistration
from elearn.extensions import db


def details(**overrides) -> services.EventDetails:
    starts = utcnow().replace(microsecond=0) + timedelta(days=7)
    values = {
        "kind": "round_table",
        "title": "Masă rotundă: semnele exploatării",
        "description": "Discutăm **semnele** traficului.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "audience": "specialists",
        "languages": ["ro"],
        "county": "BH",
        "locality": "Oradea",
        "venue": "Str. Republicii 1",
        "capacity": None,
    }
    values.update(overrides)
    return services.EventDetails(**values)


def make_event(
    app, organisation_id: int, by_id: int, *, published: bool = True, **overrides
) -> int:
    with app.app_context():
        by = db.session.get(User, by_id)
        event = services.create_event(details(**overrides), organisation_id=organisation_id, by=by)
        if published:
            event.published_at = utcnow()
        db.session.commit()
        return event.id


def register(app, event_id: int, person_id: int) -> EventRegistration:
    """Register the person through the service (committed); the row, detached."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        registration = services.register(event, db.session.get(User, person_id))
        db.session.commit()
        db.session.refresh(registration)
        db.session.expunge(registration)
        return registration


def statuses(app, event_id: int) -> dict[int, str]:
    """{user id: status} of the event's registrations."""
    with app.app_context():
        rows = db.session.query(EventRegistration).filter_by(event_id=event_id).all()
        return {row.user_id: row.status.value for row in rows}
