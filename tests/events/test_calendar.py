"""The .ics file, parsed back with icalendar: a stable UID, times in the platform's zone, the
place, the event's page, SEQUENCE raised by changes, STATUS:CANCELLED when cancelled."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from elearn.accounts.models import Role
from elearn.events import services
from elearn.events.models import Event
from elearn.extensions import db
from tests.conftest import sign_in
from tests.events.event_factories import details, make_event, register


@pytest.fixture
def event_id(app, make):
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    return make_event(app, organisation, trainer.id, online_url="https://meet.example.org/r")


def entry_of(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    [entry] = calendar.events
    return calendar, entry


def test_the_calendar_file_describes_the_event(app, client, event_id):
    calendar, entry = entry_of(client.get(f"/events/{event_id}/calendar.ics"))
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert entry["UID"] == f"event-{event_id}@localhost"
        assert entry.decoded("DTSTART") == event.starts_at
        assert entry.decoded("DTEND") == event.ends_at
        assert str(entry.decoded("DTSTART").tzinfo) == "Europe/Bucharest"
    assert str(entry["SUMMARY"]) == "Masă rotundă: semnele exploatării"
    assert str(entry["LOCATION"]) == "Str. Republicii 1, Oradea, Bihor"
    assert str(entry["URL"]) == f"http://localhost/events/{event_id}"
    assert entry["SEQUENCE"] == 0 and str(entry["STATUS"]) == "CONFIRMED"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Bucharest"]
    # The online link is for the people with a place only.
    assert "meet.example.org" not in response_text(client.get(f"/events/{event_id}/calendar.ics"))


def response_text(response) -> str:
    return Calendar.from_ical(response.data).events[0].get("DESCRIPTION", "")


def test_a_person_with_a_place_gets_the_online_link_in_it(app, client, make, event_id):
    person = make.user()
    register(app, event_id, person.id)
    sign_in(client, person)
    _calendar, entry = entry_of(client.get(f"/events/{event_id}/calendar.ics"))
    assert "https://meet.example.org/r" in str(entry["DESCRIPTION"])


def test_a_change_raises_the_sequence_and_keeps_the_uid(app, client, event_id):
    _calendar, before = entry_of(client.get(f"/events/{event_id}/calendar.ics"))
    with app.app_context():
        services.update_event(
            db.session.get(Event, event_id), details(online_url="https://meet.example.org/r")
        )
        db.session.commit()
    _calendar, after = entry_of(client.get(f"/events/{event_id}/calendar.ics"))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 1


def test_a_cancelled_event_is_marked_cancelled(app, client, event_id):
    with app.app_context():
        services.cancel_event(db.session.get(Event, event_id))
        db.session.commit()
    _calendar, entry = entry_of(client.get(f"/events/{event_id}/calendar.ics"))
    assert str(entry["STATUS"]) == "CANCELLED"
    assert entry["SEQUENCE"] == 1


def test_an_online_only_event_has_no_location_for_those_without_a_place(app, make, client):
    organisation = make.organisation(name="Rețeaua online", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    event_id = make_event(
        app,
        organisation,
        trainer.id,
        county=None,
        locality=None,
        venue=None,
        online_url="https://meet.example.org/o",
    )
    _calendar, entry = entry_of(client.get(f"/events/{event_id}/calendar.ics"))
    assert "LOCATION" not in entry
