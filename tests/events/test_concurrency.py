"""Two people taking the last place at the same moment: one gets it, the other waits.

Real parallel requests need a database that runs transactions side by side; SQLite runs one
writer at a time, so these run on PostgreSQL (TEST_DATABASE_URL), as in CI's second pass.
"""

from __future__ import annotations

import os

import pytest

from elearn.accounts.models import Role
from elearn.events import services
from tests.conftest import sign_in
from tests.events.event_factories import make_event, statuses
from tests.test_concurrency_accounts import in_parallel, slowed

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"),
    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite runs one writer at a time",
)


def test_two_people_taking_the_last_place_at_once_do_not_both_get_it(app, make, monkeypatch):
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    event_id = make_event(app, organisation, trainer.id, capacity=1)
    browsers = []
    for _ in range(3):
        browser = app.test_client()
        sign_in(browser, make.user())
        browsers.append(browser)
    # Every request counts the places, then lingers: without the lock all would see one free.
    slowed(monkeypatch, services, "counts")
    results = in_parallel([lambda b=b: b.post(f"/events/{event_id}/register") for b in browsers])
    assert all(response.status_code == 303 for response in results)
    assert sorted(statuses(app, event_id).values()) == ["registered", "waiting", "waiting"]


def test_the_same_persons_two_requests_at_once_register_once(app, make, monkeypatch):
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    event_id = make_event(app, organisation, trainer.id)
    person = make.user()
    browsers = []
    for _ in range(2):
        browser = app.test_client()
        sign_in(browser, person)
        browsers.append(browser)
    slowed(monkeypatch, services, "counts")
    results = in_parallel([lambda b=b: b.post(f"/events/{event_id}/register") for b in browsers])
    assert all(response.status_code == 303 for response in results)
    assert statuses(app, event_id) == {person.id: "registered"}
