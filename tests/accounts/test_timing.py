"""Whether an address has an account must not show in how long the answer takes (issue 10).

The structural tests are the robust ones: the same password hashing in both paths, and no
mail sent while a view runs. One test also measures, with the production hash cost.
"""

from __future__ import annotations

import statistics
import time

import pytest
from flask import has_request_context
from flask_mailman import EmailMultiAlternatives

from elearn.accounts import services
from tests.accounts.test_registration import registration


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every password hashed while the test runs."""
    hashed = []
    original = services.hash_password

    def spy(password):
        hashed.append(password)
        return original(password)

    monkeypatch.setattr(services, "hash_password", spy)
    return hashed


@pytest.fixture
def sent_inside_a_request(monkeypatch) -> list[bool]:
    """For every message handed to the mail backend: was a request still being answered?"""
    seen = []
    original = EmailMultiAlternatives.send

    def spy(self, fail_silently=False):
        seen.append(has_request_context())
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", spy)
    return seen


def test_registering_hashes_the_password_whether_or_not_the_address_is_taken(client, make, hashes):
    person = make.user()
    hashes.clear()
    client.post("/register", data=registration(email=person.email))
    taken = len(hashes)
    client.post("/register", data=registration(email="new.person@example.org"))
    assert taken == 1
    assert len(hashes) - taken == 1


@pytest.mark.parametrize("taken", [True, False])
def test_registration_mail_is_sent_after_the_response(
    client, make, outbox, sent_inside_a_request, taken
):
    person = make.user()
    email = person.email if taken else "new.person@example.org"
    assert client.post("/register", data=registration(email=email)).status_code == 200
    assert len(outbox) == 1 and outbox[0].to == [email]
    assert sent_inside_a_request == [False]


@pytest.mark.parametrize("active", [True, False])
def test_a_reset_request_sends_its_mail_after_the_response(
    app, client, make, outbox, sent_inside_a_request, active
):
    person = make.user()
    if not active:
        from elearn.accounts.models import User
        from elearn.database import utcnow
        from elearn.extensions import db

        with app.app_context():
            db.session.get(User, person.id).deactivated_at = utcnow()
            db.session.commit()
    assert client.post("/password/forgot", data={"email": person.email}).status_code == 200
    assert len(outbox) == int(active)
    assert sent_inside_a_request == [False] * int(active)


@pytest.mark.parametrize("config_overrides", [{"MAIL_AFTER_CLOSE": True}], indirect=True)
def test_behind_a_server_mail_goes_once_the_response_is_closed(client, make, outbox):
    """A WSGI server closes the response after its last byte: the message goes then."""
    person = make.user()
    response = client.post("/password/forgot", data={"email": person.email})
    assert response.status_code == 200
    assert outbox == []
    response.close()
    assert len(outbox) == 1


@pytest.mark.serial  # compares times: alone, not beside other tests
@pytest.mark.parametrize("config_overrides", [{"PASSWORD_HASH_METHOD": "scrypt"}], indirect=True)
def test_registering_a_taken_or_a_new_address_takes_as_long(client, make):
    """Measured in-process, with the production hash cost (the tests' default is lower)."""
    person = make.user()

    def timed(email) -> float:
        start = time.perf_counter()
        response = client.post("/register", data=registration(email=email))
        elapsed = time.perf_counter() - start
        assert response.status_code == 200
        return elapsed

    client.post("/register", data=registration(email="warm.up@example.org"))
    taken, new = [], []
    for n in range(20):
        taken.append(timed(person.email))
        new.append(timed(f"new{n}@example.org"))
    taken_ms, new_ms = statistics.median(taken) * 1000, statistics.median(new) * 1000
    difference = abs(taken_ms - new_ms)
    assert difference < 15 or difference < 0.3 * max(taken_ms, new_ms), (taken_ms, new_ms)
