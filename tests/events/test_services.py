"""Publishing, the waiting list and its order, promotion, capacity changes and double
registration, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from elearn.accounts.models import Role, User
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.events import services
from elearn.events.models import Event, RegistrationStatus
from elearn.extensions import db
from tests.events.event_factories import details, make_event, register, statuses


@pytest.fixture
def organiser(make):
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    return organisation, trainer


def test_the_waiting_list_fills_in_order_once_the_places_are_taken(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=2)
    people = [make.user() for _ in range(4)]
    results = [register(app, event_id, person.id) for person in people]
    assert [r.status for r in results] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITING,
        RegistrationStatus.WAITING,
    ]
    assert results[2].waiting_since <= results[3].waiting_since
    assert results[0].profession == "teacher" and results[0].county == "BH"


def test_a_freed_place_goes_to_the_person_waiting_longest(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=1)
    first, second, third = make.user(), make.user(), make.user()
    for person in (first, second, third):
        register(app, event_id, person.id)
    with app.app_context():
        event = db.session.get(Event, event_id)
        promoted = services.cancel_registration(event, db.session.get(User, first.id))
        db.session.commit()
        assert [r.user_id for r in promoted] == [second.id]
    assert statuses(app, event_id) == {
        first.id: "cancelled",
        second.id: "registered",
        third.id: "waiting",
    }


def test_leaving_the_waiting_list_promotes_nobody(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=1)
    first, second, third = make.user(), make.user(), make.user()
    for person in (first, second, third):
        register(app, event_id, person.id)
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert services.cancel_registration(event, db.session.get(User, second.id)) == []
        db.session.commit()
    assert statuses(app, event_id)[third.id] == "waiting"


def test_raising_the_capacity_gives_the_new_places_to_those_waiting(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=1)
    people = [make.user() for _ in range(4)]
    for person in people:
        register(app, event_id, person.id)
    with app.app_context():
        event = db.session.get(Event, event_id)
        promoted = services.update_event(event, details(capacity=3))
        db.session.commit()
        assert [r.user_id for r in promoted] == [people[1].id, people[2].id]
        assert db.session.get(Event, event_id).calendar_sequence == 1
    assert statuses(app, event_id)[people[3].id] == "waiting"


def test_the_capacity_cannot_go_below_the_places_taken(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=3)
    for _ in range(2):
        register(app, event_id, make.user().id)
    with app.app_context(), pytest.raises(DomainError) as refusal:
        services.update_event(db.session.get(Event, event_id), details(capacity=1))
    assert refusal.value.field == "capacity"


def test_the_same_person_cannot_register_twice(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id)
    person = make.user()
    register(app, event_id, person.id)
    with pytest.raises(DomainError, match="deja înscris"):
        register(app, event_id, person.id)


def test_a_person_who_cancelled_can_register_again_at_the_end_of_the_queue(app, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=1)
    first, second = make.user(), make.user()
    register(app, event_id, first.id)
    register(app, event_id, second.id)
    with app.app_context():
        event = db.session.get(Event, event_id)
        services.cancel_registration(event, db.session.get(User, first.id))
        db.session.commit()
    again = register(app, event_id, first.id)
    assert again.status == RegistrationStatus.WAITING
    assert statuses(app, event_id)[second.id] == "registered"


@pytest.mark.parametrize("state", ["draft", "cancelled", "finished"])
def test_nobody_registers_for_a_draft_a_cancelled_or_a_finished_event(app, make, organiser, state):
    organisation, trainer = organiser
    starts = utcnow() - timedelta(days=2)
    overrides = {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}
    event_id = make_event(
        app,
        organisation,
        trainer.id,
        published=state != "draft",
        **(overrides if state == "finished" else {}),
    )
    if state == "cancelled":
        with app.app_context():
            services.cancel_event(db.session.get(Event, event_id))
            db.session.commit()
    with pytest.raises(DomainError, match="nu sunt deschise"):
        register(app, event_id, make.user().id)


def test_an_event_gets_a_short_unambiguous_checkin_code_of_its_own(app, make, organiser):
    organisation, trainer = organiser
    ids = [make_event(app, organisation, trainer.id) for _ in range(3)]
    with app.app_context():
        codes = [db.session.get(Event, event_id).checkin_code for event_id in ids]
    assert len(set(codes)) == 3
    for code in codes:
        assert len(code) == services.CHECKIN_LENGTH
        assert not set(code) & set("01OILU")


def test_the_description_is_rendered_and_sanitised_once_at_save(app, make, organiser):
    organisation, trainer = organiser
    text = "# Agenda\n\n**Bold** <script>alert(1)</script> [link](javascript:alert(1))"
    event_id = make_event(app, organisation, trainer.id, description=text)
    with app.app_context():
        html = db.session.get(Event, event_id).description_html
    assert "<h2>Agenda</h2>" in html and "<strong>Bold</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text, never run
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": utcnow()}, "ends_at"),
        ({"online_url": "http://meet.example.org/x"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"languages": []}, "languages"),
        ({"county": None, "locality": None, "online_url": None}, "locality"),
    ],
)
def test_details_that_cannot_be_are_refused_with_the_field_named(
    app, make, organiser, overrides, field
):
    organisation, trainer = organiser
    with app.app_context(), pytest.raises(DomainError) as refusal:
        services.create_event(
            details(**overrides),
            organisation_id=organisation,
            by=db.session.get(User, trainer.id),
        )
    assert refusal.value.field == field


def test_organisers_reach_their_organisation_and_those_below_only(app, make):
    from elearn.organisations import tree
    from elearn.organisations.models import Organisation

    county = make.organisation(name="Rețeaua Bihor", kind="ngo")
    school = make.organisation(name="Școala nr. 11 Oradea", kind="school")
    elsewhere = make.organisation(name="Școala nr. 1 Cluj", kind="school", county="CJ")
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, school), county, by_id=None)
        db.session.commit()
    above = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county)
    below = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=school)
    stranger = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=elsewhere)
    learner = make.user(organisation_id=school)
    event_id = make_event(app, school, below.id)
    with app.app_context():
        event = db.session.get(Event, event_id)
        may = {
            who: services.may_organise(db.session.get(User, person.id), event)
            for who, person in [
                ("above", above),
                ("below", below),
                ("stranger", stranger),
                ("learner", learner),
            ]
        }
    assert may == {"above": True, "below": True, "stranger": False, "learner": False}
