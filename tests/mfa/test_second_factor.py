"""Second factors: setting one up, signing in with it, recovery codes, resets, replays."""

from __future__ import annotations

import re

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from elearn.mfa.models import SecondFactor
from tests.conftest import page_text, sign_in


def events(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def set_up(client, app, person) -> tuple[str, list[str]]:
    """Set up a second factor through the pages; return the secret and the recovery codes."""
    assert client.post("/account/second-factor/start").status_code == 302
    html = client.get("/account/second-factor/").get_data(as_text=True)
    assert "<svg" in html  # the QR code, inline
    secret = re.search(r'<code class="secret">(\w+)</code>', html).group(1)
    response = client.post(
        "/account/second-factor/confirm", data={"code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200
    codes = re.findall(
        r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", response.get_data(as_text=True)
    )
    assert len(codes) == 10
    return secret, codes


def password_step(client, person):
    response = client.post("/sign-in", data={"email": person.email, "password": person.password})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in/code"


def test_a_new_manager_cannot_open_a_manager_page_until_a_second_factor_is_set_up(
    app, client, make
):
    school = make.organisation()
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER),
        organisation_id=school,
        second_factor=False,
        language="en",
    )
    sign_in(client, manager)
    response = client.get(f"/organisations/{school}/people")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/second-factor/"
    set_up(client, app, manager)
    assert client.get(f"/organisations/{school}/people").status_code == 200
    assert len(events(app, "second_factor.enabled")) == 1


def test_signing_in_asks_for_the_code_after_the_password(app, make):
    person = make.user(second_factor=True, language="en")
    client = app.test_client()
    password_step(client, person)
    assert client.get("/account").status_code == 302  # not signed in yet
    wrong = client.post("/sign-in/code", data={"code": "000000"}, headers={"Accept-Language": "en"})
    assert "That code is not right." in page_text(wrong)
    assert len(events(app, "signin.second_factor_failed")) == 1
    right = client.post("/sign-in/code", data={"code": person.totp(app)})
    assert right.status_code == 302
    assert client.get("/account").status_code == 200


def test_a_code_is_never_accepted_twice(app, make):
    person = make.user(second_factor=True)
    first, second = app.test_client(), app.test_client()
    with freeze_time("2026-11-29 10:00:05"):
        code = pyotp.TOTP(person.totp_secret).now()
        password_step(first, person)
        assert first.post("/sign-in/code", data={"code": code}).status_code == 302
        password_step(second, person)
        replay = second.post("/sign-in/code", data={"code": code})
    assert replay.status_code == 200
    assert second.get("/account").status_code == 302


def test_a_recovery_code_works_once(app, client, make):
    person = make.user(language="en")
    sign_in(client, person)
    _, codes = set_up(client, app, person)
    client.post("/sign-out")
    password_step(client, person)
    assert (
        client.post("/sign-in/code", data={"code": codes[0].lower().replace("-", " ")}).status_code
        == 302
    )
    assert len(events(app, "signin.recovery_code_used")) == 1
    client.post("/sign-out")
    password_step(client, person)
    assert client.post("/sign-in/code", data={"code": codes[0]}).status_code == 200


def test_the_code_step_expires(app, make):
    person = make.user(second_factor=True, language="en")
    client = app.test_client()
    with freeze_time("2026-11-29 10:00:00"):
        password_step(client, person)
    with freeze_time("2026-11-29 10:06:00"):
        response = client.post(
            "/sign-in/code", data={"code": person.totp(app)}, headers={"Accept-Language": "en"}
        )
    assert "Sign in again" in page_text(response)
    assert client.get("/account").status_code == 302


def test_the_code_step_without_a_password_step_goes_nowhere(client):
    response = client.post("/sign-in/code", data={"code": "123456"})
    assert response.status_code == 200
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SECOND_FACTOR_LIMIT": "3 per minute"}],
    indirect=True,
)
def test_guessing_codes_is_rate_limited(app, make):
    person = make.user(second_factor=True)
    client = app.test_client()
    password_step(client, person)
    statuses = [client.post("/sign-in/code", data={"code": "111111"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_an_administrator_resets_a_lost_second_factor(app, client, make, as_role):
    person = make.user(roles=(Role.LEARNER, Role.MANAGER))
    theirs = app.test_client()
    sign_in(theirs, person)
    admin = as_role(Role.ADMIN)
    assert client.post(f"/admin/people/{person.id}/reset-second-factor").status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == person.id)) is None
        )
    [event] = events(app, "second_factor.reset")
    assert (event.actor_id, event.target_id) == (admin.id, person.id)
    assert theirs.get("/account").status_code == 302  # their sessions ended


def test_renewing_recovery_codes_needs_a_current_code(app, client, make):
    person = make.user(second_factor=True, language="en")
    sign_in(client, person)
    refused = client.post("/account/second-factor/recovery-codes", data={"code": "000000"})
    assert "That code is not right." in page_text(refused)
    renewed = client.post("/account/second-factor/recovery-codes", data={"code": person.totp(app)})
    assert len(re.findall(r"<code>[0-9A-Z-]{14}</code>", renewed.get_data(as_text=True))) == 10


def test_a_wrong_setup_code_is_refused(app, client, make):
    person = make.user(language="en")
    sign_in(client, person)
    client.post("/account/second-factor/start")
    response = client.post("/account/second-factor/confirm", data={"code": "12"})
    assert "That code is not right." in page_text(response)
    with app.app_context():
        factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == person.id))
        assert factor.confirmed_at is None


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SECOND_FACTOR_LIMIT": "3 per minute"}],
    indirect=True,
)
def test_guessing_codes_on_the_recovery_codes_page_is_rate_limited(app, client, make):
    person = make.user(second_factor=True)
    sign_in(client, person)
    url = "/account/second-factor/recovery-codes"
    statuses = [client.post(url, data={"code": "111111"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    # The limit is used up: even a right code waits now.
    assert client.post(url, data={"code": person.totp(app)}).status_code == 429
    assert len(events(app, "signin.second_factor_failed")) == 3


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "SECOND_FACTOR_LIMIT": "3 per minute"}],
    indirect=True,
)
def test_renewing_recovery_codes_with_a_right_code_does_not_use_up_the_limit(app, client, make):
    person = make.user(second_factor=True)
    sign_in(client, person)
    url = "/account/second-factor/recovery-codes"
    for _ in range(2):
        assert client.post(url, data={"code": "111111"}).status_code == 200
    response = client.post(url, data={"code": person.totp(app)})
    assert 'class="recovery-codes"' in response.get_data(as_text=True)
    # Two wrong codes so far, and the right one did not count: a third is still answered.
    assert client.post(url, data={"code": "111111"}).status_code == 200
    assert client.post(url, data={"code": "111111"}).status_code == 429


def test_a_recovery_code_signs_in_once(app, make):
    from elearn.accounts.models import User
    from elearn.mfa import services

    person = make.user(second_factor=True)
    with app.app_context():
        codes = services._new_recovery_codes(db.session.get(User, person.id))
        db.session.commit()
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        password_step(browser, person)
    assert first.post("/sign-in/code", data={"code": codes[3]}).status_code == 302
    assert second.post("/sign-in/code", data={"code": codes[3]}).status_code == 200
