"""Attendance services: marking (idempotent, last write wins), the list and its counts, the
number present without registering, and checking in on the day (walk-ins while there is room)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from elearn.accounts.models import User
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.events import attendance
from elearn.events.models import EventRegistration, RegistrationStatus
from elearn.extensions import db
from tests.events.test_attendance_factories import add_event, add_person, register, register_many


@pytest.fixture
def organisation(make) -> int:
    return make.organisation(name="Asociația eLiberare Oradea", kind="ngo")


def test_marking_present_twice_changes_nothing_the_second_time(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        [registration] = register_many(event, ["Ana Pop"])
        attendance.mark(event, registration.id, True, by_id=None)
        first = registration.attended_at
        attendance.mark(event, registration.id, True, by_id=None)
        assert registration.attended_at == first is not None
        assert attendance.counts(event).present == 1


def test_the_last_mark_sent_wins(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        [registration] = register_many(event, ["Ana Pop"])
        for present in (True, False, True, False):
            attendance.mark(event, registration.id, present, by_id=None)
        assert registration.attended_at is None
        assert attendance.counts(event).present == 0


def test_a_waiting_or_other_events_registration_cannot_be_marked(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        other = add_event(organisation_id=organisation)
        waiting = register(event, add_person("Ion Waiting").id, status=RegistrationStatus.WAITING)
        elsewhere = register(other, add_person("Ilona Máshol").id)
        for registration_id in (waiting.id, elsewhere.id, 999_999):
            with pytest.raises(DomainError):
                attendance.mark(event, registration_id, True, by_id=None)
        assert waiting.attended_at is None and elsewhere.attended_at is None


def test_the_list_holds_registered_people_only_sorted_and_searchable_without_diacritics(
    app, organisation
):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        register_many(event, ["Zsófia Kovács", "Ștefan Popa", "Ana Pop"])
        register(event, add_person("Cancelled Person").id, status=RegistrationStatus.CANCELLED)
        register(event, add_person("Waiting Person").id, status=RegistrationStatus.WAITING)
        names = [person.name for person in attendance.attendees(event)]
        assert names == ["Ana Pop", "Ștefan Popa", "Zsófia Kovács"]
        assert [p.name for p in attendance.attendees(event, "stefan")] == ["Ștefan Popa"]
        assert [p.name for p in attendance.attendees(event, "KOVÁCS")] == ["Zsófia Kovács"]
        assert attendance.counts(event) == attendance.Counts(present=0, registered=3)


def test_saving_the_list_marks_shown_people_and_leaves_the_others(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        ana, ion, hidden = register_many(event, ["Ana Pop", "Ion Rus", "Not Shown"])
        hidden.attended_at = utcnow()
        ion.attended_at = utcnow()
        attendance.save_list(
            event, shown={ana.id, ion.id}, present={ana.id}, unregistered=4, by_id=None
        )
        assert ana.attended_at is not None
        assert ion.attended_at is None
        assert hidden.attended_at is not None  # not on the form: kept
        assert event.unregistered_attendees == 4


@pytest.mark.parametrize("number", [-1, 10_001])
def test_the_unregistered_count_must_be_a_sensible_whole_number(app, organisation, number):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        with pytest.raises(DomainError) as error:
            attendance.set_unregistered(event, number)
        assert error.value.field == "unregistered"
        assert event.unregistered_attendees in (0, None)


def test_a_tick_for_someone_not_shown_is_refused_and_changes_nothing(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        ana, ion = register_many(event, ["Ana Pop", "Ion Rus"])
        with pytest.raises(DomainError):
            attendance.save_list(
                event, shown={ana.id}, present={ana.id, ion.id}, unregistered=2, by_id=None
            )
        assert ana.attended_at is None and ion.attended_at is None


def test_a_registered_person_checks_in_on_the_day(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        person = add_person("Ana Pop")
        registration = register(event, person.id)
        attendance.check_in(event, person)
        assert registration.attended_at is not None
        assert registration.walk_in is False


def test_someone_not_registered_becomes_a_walk_in_while_there_is_room(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, capacity=2)
        register_many(event, ["Ana Pop"])
        person = add_person("Gheorghe Nou")
        person.profession, person.county = "police", "CJ"
        registration = attendance.check_in(event, person)
        assert registration.status == RegistrationStatus.REGISTERED
        assert registration.walk_in is True
        assert registration.attended_at is not None
        assert (registration.profession, registration.county) == ("police", "CJ")


def test_someone_waiting_is_taken_in_as_a_walk_in_when_a_place_is_free(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, capacity=5)
        person = add_person("Ion Waiting")
        waiting = register(event, person.id, status=RegistrationStatus.WAITING)
        registration = attendance.check_in(event, person)
        assert registration.id == waiting.id
        assert registration.status == RegistrationStatus.REGISTERED and registration.walk_in


def test_when_the_event_is_full_a_walk_in_is_told_kindly_and_nothing_is_written(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, capacity=1)
        register_many(event, ["Ana Pop"])
        person = add_person("Gheorghe Nou")
        with force_locale("en"), pytest.raises(DomainError, match="full"):
            attendance.check_in(event, person)
        assert attendance.registration_of(event, person) is None


@pytest.mark.parametrize(
    ("starts_in", "hours", "message"),
    [(timedelta(hours=2), 2, "opens"), (timedelta(hours=-5), 2, "ended")],
)
def test_checking_in_outside_the_day_is_refused_with_when(
    app, organisation, starts_in, hours, message
):
    with app.app_context():
        event = add_event(organisation_id=organisation, starts_in=starts_in, hours=hours)
        person = add_person("Ana Pop")
        registration = register(event, person.id)
        with force_locale("en"), pytest.raises(DomainError, match=message):
            attendance.check_in(event, person)
        assert registration.attended_at is None


def test_checking_in_opens_an_hour_before_the_start(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, starts_in=timedelta(minutes=50))
        person = add_person("Ana Pop")
        assert attendance.check_in(event, person).attended_at is not None


def test_a_cancelled_event_takes_no_check_in(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        event.cancelled_at = utcnow()
        with pytest.raises(DomainError):
            attendance.check_in(event, add_person("Ana Pop"))


def test_the_code_is_found_whatever_the_case_and_spaces(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, code="RT2026AB")
        assert attendance.event_by_checkin_code(" rt2026 ab ") is event
        assert attendance.event_by_checkin_code("nope") is None
        assert attendance.event_by_checkin_code("") is None
        assert attendance.code_matches(event, "rt2026ab")
        assert not attendance.code_matches(event, "RT2026AC")


def test_erasure_leaves_the_registration_anonymous_on_the_list(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        [registration] = register_many(event, ["Ana Pop"])
        db.session.get(User, registration.user_id).full_name = ""
        registration.user_id = None
        db.session.flush()
        assert [p.name for p in attendance.attendees(event)] == [""]
        assert db.session.get(EventRegistration, registration.id) is not None
