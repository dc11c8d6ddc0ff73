"""Guessing passwords is slowed down without locking the owner out (docs/security-accounts.md)."""

from __future__ import annotations

import pytest

from elearn.accounts import services
from elearn.accounts.models import User
from elearn.accounts.throttle import DEVICE_COOKIE
from elearn.extensions import db
from tests.conftest import page_text

WRONG = "wrong password here"
NEW_PASSWORD = "new harbour lantern 77"


def attempt(client, email, password=WRONG, ip="203.0.113.1"):
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers={"Accept-Language": "en"},
    )


def known_browser(app, person, ip="198.51.100.7"):
    """The owner's own browser: it signed in once, and signed out."""
    browser = app.test_client()
    assert attempt(browser, person.email, person.password, ip=ip).status_code == 302
    assert browser.get_cookie(DEVICE_COOKIE) is not None
    browser.post("/sign-out")
    return browser


def alerts(outbox, person) -> list:
    return [m for m in outbox if m.to == [person.email] and "trying to sign in" in m.subject]


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_thirty_wrong_passwords_from_one_address_do_not_lock_the_owner_out(app, make):
    """The attack of issue 10: 30 wrong passwords for an account from one address."""
    person = make.user()
    own = known_browser(app, person)
    attacker = app.test_client()
    statuses = [attempt(attacker, person.email).status_code for _ in range(30)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}  # guessing is slowed down
    # Even the right password waits, from the attacker's address and browser.
    assert attempt(attacker, person.email, person.password).status_code == 429
    # The owner's own browser, from elsewhere or from the same network, signs in.
    assert attempt(own, person.email, person.password, ip="198.51.100.7").status_code == 302
    own.post("/sign-out")
    assert attempt(own, person.email, person.password, ip="203.0.113.1").status_code == 302
    # So does a new browser of theirs on another network.
    new = app.test_client()
    assert attempt(new, person.email, person.password, ip="192.0.2.50").status_code == 302


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_ACCOUNT": "10 per hour"}],
    indirect=True,
)
def test_guessing_from_many_addresses_closes_the_account_to_unknown_browsers_only(
    app, make, outbox
):
    person = make.user(language="en")
    own = known_browser(app, person)
    attackers = [app.test_client() for _ in range(12)]
    for n, attacker in enumerate(attackers[:10]):
        assert attempt(attacker, person.email, ip=f"203.0.113.{n}").status_code == 200
    blocked = attempt(attackers[10], person.email, person.password, ip="203.0.113.77")
    assert blocked.status_code == 429
    assert "Too many attempts to sign in to this account" in page_text(blocked)
    attempt(attackers[11], person.email, ip="203.0.113.78")
    # The owner is told once, not once per attempt.
    [alert] = alerts(outbox, person)
    assert "/password/forgot" in alert.body
    # A new browser of the owner's waits too; their own browser does not.
    assert (
        attempt(app.test_client(), person.email, person.password, ip="192.0.2.9").status_code == 429
    )
    assert attempt(own, person.email, person.password, ip="192.0.2.9").status_code == 302


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_ACCOUNT": "3 per hour"}],
    indirect=True,
)
def test_a_completed_password_reset_lifts_the_block(app, make):
    person = make.user()
    for n in range(3):
        attempt(app.test_client(), person.email, ip=f"203.0.113.{n}")
    browser = app.test_client()
    assert attempt(browser, person.email, person.password, ip="192.0.2.9").status_code == 429
    with app.app_context():
        token = services.password_reset_token(db.session.get(User, person.id))
    response = browser.post(
        f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert attempt(browser, person.email, NEW_PASSWORD, ip="192.0.2.9").status_code == 302


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_DEVICE": "3 per minute"}],
    indirect=True,
)
def test_a_known_browser_has_its_own_small_limit(app, make):
    person = make.user()
    own = known_browser(app, person)
    for _ in range(3):
        assert attempt(own, person.email).status_code == 200
    assert attempt(own, person.email, person.password).status_code == 429
    # Its failures did not count against the account: others are not blocked.
    assert attempt(app.test_client(), person.email, person.password).status_code == 302


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_ACCOUNT": "2 per hour"}],
    indirect=True,
)
def test_a_device_cookie_counts_only_for_its_own_account(app, make):
    person, other = make.user(), make.user()
    browser = known_browser(app, other)  # a device cookie, but for someone else's account
    for n in range(2):
        attempt(app.test_client(), person.email, ip=f"203.0.113.{n}")
    assert attempt(browser, person.email, person.password).status_code == 429
    browser.set_cookie(DEVICE_COOKIE, "forged")
    assert attempt(browser, person.email, person.password).status_code == 429


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_ACCOUNT": "2 per hour"}],
    indirect=True,
)
def test_an_address_without_an_account_is_answered_the_same(app, make):
    """Blocking an unknown address as a known one is blocked reveals nothing."""
    person = make.user()
    for email in (person.email, "nobody@example.org"):
        statuses = [
            attempt(app.test_client(), email, ip=f"203.0.113.{n}").status_code for n in range(3)
        ]
        assert statuses == [200, 200, 429]


def test_signing_in_gives_a_signed_http_only_device_cookie(client, make):
    person = make.user()
    response = attempt(client, person.email, person.password)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert person.email not in header


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_ADDRESS": "3 per minute"}],
    indirect=True,
)
def test_guessing_on_a_shared_network_does_not_block_the_owners_own_browser(app, make):
    """A school shares one address: others' failures there slow unknown browsers only."""
    person = make.user()
    own = known_browser(app, person, ip="203.0.113.1")
    for n in range(3):
        attempt(app.test_client(), f"guess{n}@example.org", ip="203.0.113.1")
    assert attempt(app.test_client(), person.email, person.password).status_code == 429
    assert attempt(own, person.email, person.password, ip="203.0.113.1").status_code == 302
