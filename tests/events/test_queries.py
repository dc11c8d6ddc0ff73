"""The event lists make the same number of queries however many events and registrations
there are."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from tests.conftest import count_queries, sign_in
from tests.events.event_factories import make_event, register


@pytest.fixture
def organiser(make):
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    return organisation, trainer


def add_events(app, make, organisation, trainer, number: int, person=None) -> None:
    for index in range(number):
        event_id = make_event(app, organisation, trainer.id, capacity=2, title=f"Atelier {index}")
        for _ in range(3):
            register(app, event_id, make.user().id)
        if person is not None:
            register(app, event_id, person.id)


@pytest.mark.parametrize("path", ["/events/", "/events/manage", "/events/mine"])
def test_the_lists_do_not_query_per_event(app, client, make, organiser, path):
    organisation, trainer = organiser
    sign_in(client, trainer)
    client.get("/")  # the first page after signing in also checks the privacy notice, once
    add_events(app, make, organisation, trainer, 1, person=trainer)
    one = count_queries(app, lambda: client.get(path))
    add_events(app, make, organisation, trainer, 6, person=trainer)
    assert count_queries(app, lambda: client.get(path)) == one


def test_an_events_page_does_not_query_per_registration(app, client, make, organiser):
    organisation, trainer = organiser
    event_id = make_event(app, organisation, trainer.id, capacity=3)
    register(app, event_id, make.user().id)
    sign_in(client, trainer)
    client.get("/")
    one = count_queries(app, lambda: client.get(f"/events/{event_id}"))
    for _ in range(8):
        register(app, event_id, make.user().id)
    assert count_queries(app, lambda: client.get(f"/events/{event_id}")) == one
