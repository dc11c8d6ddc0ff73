"""A person's registrations are in their data download; erasing the person keeps the rows
(profession and county only), so that the event's figures still count them."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.events import services
from elearn.events.models import Event, EventRegistration
from elearn.extensions import db
from elearn.privacy import services as privacy
from tests.conftest import PASSWORD
from tests.events.event_factories import make_event, register


def setup_event(app, make) -> tuple[int, int]:
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    return make_event(app, organisation, trainer.id, capacity=5), trainer.id


def test_the_download_lists_the_persons_registrations(app, make):
    event_id, _trainer = setup_event(app, make)
    person = make.user(profession="police_officer", county="BH")
    register(app, event_id, person.id)
    with app.app_context():
        documents = privacy.personal_data(db.session.get(User, person.id))
    [entry] = documents["event_registrations.json"]
    assert entry["event"] == "Masă rotundă: semnele exploatării"
    assert entry["status"] == "registered"
    assert entry["profession_at_registration"] == "police_officer"
    assert entry["county_at_registration"] == "BH"


def test_erasure_keeps_the_registration_without_the_person(app, make):
    event_id, _trainer_id = setup_event(app, make)
    person = make.user(profession="social_worker", county="CJ")
    other = make.user()
    register(app, event_id, person.id)
    register(app, event_id, other.id)
    with app.app_context():
        privacy.erase_account(db.session.get(User, person.id), password=PASSWORD)
        db.session.commit()
        rows = db.session.scalars(
            select(EventRegistration).where(EventRegistration.event_id == event_id)
        ).all()
        assert sorted((r.user_id is None, r.profession, r.county) for r in rows) == [
            (False, "teacher", "BH"),
            (True, "social_worker", "CJ"),
        ]
        assert services.counts([event_id])[event_id] == (2, 0)


def test_erasing_an_organiser_keeps_their_events(app, make):
    event_id, trainer_id = setup_event(app, make)
    with app.app_context():
        privacy.erase_account(db.session.get(User, trainer_id), password=PASSWORD)
        db.session.commit()
        event = db.session.get(Event, event_id)
        assert event is not None and event.created_by_id is None
