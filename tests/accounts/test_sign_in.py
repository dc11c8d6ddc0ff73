"""Signing in and out, remembered sessions, and where people are sent afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import pytest

from elearn.accounts.models import Role, User
from elearn.extensions import db
from tests.conftest import page_text, sign_in

WRONG = "The email address or the password is not right."


def set_cookies(response) -> dict[str, SimpleCookie]:
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        cookies.update({name: morsel for name, morsel in cookie.items()})
    return cookies


def test_signing_in_opens_the_account_and_records_when(app, client, make):
    person = make.user()
    before = datetime.now(UTC)
    response = client.post(
        "/sign-in", data={"email": person.email.upper(), "password": person.password}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-learning"
    assert client.get("/account").status_code == 200
    with app.app_context():
        assert db.session.get(User, person.id).last_sign_in_at >= before - timedelta(seconds=1)


@pytest.mark.parametrize("email", ["known", "unknown@example.org"])
def test_a_wrong_password_or_unknown_address_gets_the_same_answer(client, make, email):
    person = make.user()
    address = person.email if email == "known" else email
    response = client.post(
        "/sign-in",
        data={"email": address, "password": "not the password at all"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert WRONG in page_text(response)
    assert 'value="not the password at all"' not in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_deactivated_person_is_told_why_only_after_the_right_password(app, client, make):
    person = make.user()
    with app.app_context():
        db.session.get(User, person.id).deactivated_at = datetime.now(UTC)
        db.session.commit()
    wrong = client.post(
        "/sign-in",
        data={"email": person.email, "password": "wrong password here"},
        headers={"Accept-Language": "en"},
    )
    assert WRONG in page_text(wrong)
    right = client.post(
        "/sign-in",
        data={"email": person.email, "password": person.password},
        headers={"Accept-Language": "en"},
    )
    assert "This account has been deactivated." in page_text(right)
    assert client.get("/account").status_code == 302


def test_deactivation_ends_an_open_session(app, client, make):
    person = make.user()
    sign_in(client, person)
    with app.app_context():
        db.session.get(User, person.id).deactivated_at = datetime.now(UTC)
        db.session.commit()
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("target", ["/account", "/account?tab=1"])
def test_sign_in_returns_to_the_page_that_asked_for_it(client, make, target):
    person = make.user()
    redirect = client.get(target)
    assert redirect.status_code == 302
    assert redirect.headers["Location"].startswith("/sign-in?next=")
    response = client.post(
        redirect.headers["Location"], data={"email": person.email, "password": person.password}
    )
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "\\\\evil.example",
        "/\tevil.example",
        " //evil.example",
    ],
)
def test_sign_in_never_redirects_off_the_site(client, make, target):
    person = make.user()
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"email": person.email, "password": person.password},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-learning"


def test_a_learner_lands_on_my_learning_and_sees_it(client, make):
    person = make.user(language="en")
    response = client.post("/sign-in", data={"email": person.email, "password": person.password})
    assert response.headers["Location"] == "/my-learning"
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "<h1>My learning</h1>" in page.get_data(as_text=True)


def test_a_learner_with_a_second_factor_lands_on_my_learning_after_the_code(client, make):
    person = make.user(second_factor=True)
    response = client.post("/sign-in", data={"email": person.email, "password": person.password})
    assert response.headers["Location"] == "/sign-in/code"
    response = client.post("/sign-in/code", data={"code": person.totp(client.application)})
    assert response.headers["Location"] == "/my-learning"


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MANAGER, Role.ADMIN])
def test_trainers_managers_and_administrators_still_land_on_the_home_page(client, make, role):
    person = make.user(roles=(Role.LEARNER, role))
    response = sign_in(client, person)
    assert response.headers["Location"] == "/"


def test_a_signed_in_learner_sent_to_the_sign_in_page_goes_to_my_learning(client, make):
    person = make.user()
    sign_in(client, person)
    response = client.get("/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-learning"
    assert client.get("/sign-in?next=/account").headers["Location"] == "/account"


def test_remember_me_is_off_unless_chosen(client, make):
    person = make.user()
    response = sign_in(client, person)
    assert "remember_token" not in set_cookies(response)


def test_remember_me_lasts_at_most_fourteen_days(client, make):
    person = make.user()
    response = sign_in(client, person, remember=True)
    cookie = set_cookies(response)["remember_token"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    expires = datetime.strptime(cookie["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14, minutes=1)


def test_the_session_cookie_is_http_only_and_same_site(client, make):
    person = make.user()
    cookie = set_cookies(sign_in(client, person))["session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_signing_out_ends_the_session_and_keeps_the_language(client, make):
    person = make.user(language="hu")
    sign_in(client, person)
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert '<html lang="hu">' in client.get("/").get_data(as_text=True)


def test_signing_out_needs_a_post(client, make):
    sign_in(client, make.user())
    assert client.get("/sign-out").status_code == 405
    assert client.get("/account").status_code == 200


def test_a_tampered_session_cookie_is_treated_as_no_session(client, make):
    sign_in(client, make.user())
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-4] + "AAAA")
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 200


def test_a_session_from_before_a_password_change_no_longer_signs_in(app, make):
    person = make.user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person)
    sign_in(phone, person)
    response = phone.post(
        "/account/password",
        data={
            "current_password": person.password,
            "password": "new harbour lantern 77",
            "confirm": "new harbour lantern 77",
        },
    )
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200  # the device that changed it stays in
    assert laptop.get("/account").status_code == 302  # every other device is signed out


def test_sign_in_page_sends_a_signed_in_person_on(client, make):
    sign_in(client, make.user())
    assert client.get("/sign-in").status_code == 302


def test_admins_role_is_loaded_with_the_person(client, make):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    sign_in(client, admin)
    assert client.get("/admin/people/").status_code == 200
