"""Small factories for the attendance and certificate-of-attendance tests: plain functions
that add and flush (events and registrations are made here, not through the events
feature's own services), and the rule of who organises an event."""

from __future__ import annotations

import itertools
from datetime import timedelta

from elearn.accounts.models import Role, User
from elearn.database import utcnow
from elearn.events.attendance import may_take_attendance
from elearn.events.models import Event, EventRegistration, RegistrationStatus
from elearn.extensions import db
from elearn.organisations.models import Organisation

_numbers = itertools.count(1)


def add_event(
    *,
    organisation_id: int | None,
    starts_in: timedelta = timedelta(minutes=-30),
    hours: float = 3,
    capacity: int | None = None,
    code: str | None = None,
    title: str = "Masă rotundă: prevenirea traficului de persoane",
    kind: str = "round_table",
    locality: str | None = "Oradea",
    published: bool = True,
    certificate_hours: float | None = None,
) -> Event:
    """An event of ``organisation_id`` (by default started half an hour ago), in the app
    context the caller holds."""
    number = next(_numbers)
    starts = utcnow() + starts_in
    event = Event(
        kind=kind,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        county="BH",
        locality=locality,
        venue="Str. Republicii 1",
        audience="specialists",
        professions=[],
        languages=["ro", "hu"],
        capacity=capacity,
        organisation_id=organisation_id,
        published_at=utcnow() if published else None,
        checkin_code=code or f"MR{number:04d}X",
        certificate_hours=certificate_hours,
    )
    db.session.add(event)
    db.session.flush()
    return event


def add_person(full_name: str, *, organisation_id: int | None = None) -> User:
    """A learner added straight to the table (no password to hash: the many-people tests)."""
    number = next(_numbers)
    user = User(
        email=f"attendee{number}@example.org",
        full_name=full_name,
        password_hash="not-a-hash",
        profession="teacher",
        county="BH",
        preferred_language="ro",
        organisation_id=organisation_id,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(
    event: Event,
    user_id: int,
    *,
    status: RegistrationStatus = RegistrationStatus.REGISTERED,
    present: bool = False,
) -> EventRegistration:
    registration = EventRegistration(
        event_id=event.id,
        user_id=user_id,
        status=status,
        profession="teacher",
        county="BH",
        waiting_since=utcnow() if status == RegistrationStatus.WAITING else None,
        attended_at=utcnow() if present else None,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def register_many(event: Event, names: list[str]) -> list[EventRegistration]:
    return [register(event, add_person(name).id) for name in names]


def child_organisation(parent_id: int, name: str = "Școala Gimnazială nr. 3 Oradea") -> int:
    organisation = Organisation(name=name, kind="school", county="BH", parent_id=parent_id)
    db.session.add(organisation)
    db.session.flush()
    return organisation.id


# The rule of who organises an event ------------------------------------------------------


def _person(app, make, *roles: Role, organisation_id: int | None):
    person = make.user(roles=(Role.LEARNER, *roles), organisation_id=organisation_id)
    return db.session.get(User, person.id)


def test_trainers_and_managers_of_the_events_organisation_or_above_organise_it(app, make):
    county = make.organisation(name="DGASPC Bihor", kind="social_assistance")
    with app.app_context():
        school = child_organisation(county)
        db.session.commit()
        event = add_event(organisation_id=school)
        db.session.commit()
        assert may_take_attendance(_person(app, make, Role.TRAINER, organisation_id=school), event)
        assert may_take_attendance(_person(app, make, Role.MANAGER, organisation_id=county), event)
        assert may_take_attendance(_person(app, make, Role.ADMIN, organisation_id=None), event)


def test_learners_people_below_and_other_organisations_do_not_organise_it(app, make):
    county = make.organisation(name="DGASPC Bihor", kind="social_assistance")
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", county="CJ")
    with app.app_context():
        school = child_organisation(county)
        db.session.commit()
        event = add_event(organisation_id=county)
        orphan = add_event(organisation_id=None)
        db.session.commit()
        assert not may_take_attendance(_person(app, make, organisation_id=county), event)
        assert not may_take_attendance(
            _person(app, make, Role.MANAGER, organisation_id=school), event
        )
        assert not may_take_attendance(
            _person(app, make, Role.TRAINER, organisation_id=other), event
        )
        pending = make.user(
            roles=(Role.LEARNER, Role.MANAGER), organisation_id=county, membership_confirmed=False
        )
        assert not may_take_attendance(db.session.get(User, pending.id), event)
        manager = _person(app, make, Role.MANAGER, organisation_id=county)
        assert not may_take_attendance(manager, orphan)
