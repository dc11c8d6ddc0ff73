"""Sessions end after a time without activity, and keep what the person was typing."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import FormDraft, User
from elearn.extensions import db
from tests.conftest import page_text, sign_in


def test_a_session_ends_after_thirty_idle_minutes(client, make):
    person = make.user(language="en")
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        clock.tick(29 * 60)
        assert client.get("/account").status_code == 200
        clock.tick(29 * 60)  # activity moved the clock on: still signed in
        assert client.get("/account").status_code == 200
        clock.tick(31 * 60)
        response = client.get("/account")
        assert response.status_code == 303
        assert response.headers["Location"] == "/sign-in?next=/account"
        assert "signed out after 30 minutes without activity" in page_text(client.get("/sign-in"))
        assert client.get("/account").status_code == 302


@pytest.mark.parametrize("config_overrides", [{"IDLE_TIMEOUT_MINUTES": 5}], indirect=True)
def test_the_idle_time_is_configurable(client, make):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        clock.tick(6 * 60)
        assert client.get("/account").status_code == 303


def test_keep_me_signed_in_is_not_ended_for_inactivity(client, make):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person, remember=True)
        clock.tick(3 * 3600)
        assert client.get("/account").status_code == 200


def test_what_was_being_typed_survives_the_new_sign_in(app, client, make):
    person = make.user(full_name="Ana Pop", language="en")
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        clock.tick(45 * 60)
        response = client.post(
            "/account",
            data={
                "full_name": "Ana Maria Pop-Ionescu",
                "profession": "psychologist",
                "organisation_id": "0",
                "county": "CJ",
                "preferred_language": "en",
            },
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/sign-in?next=/account"
        with app.app_context():
            assert db.session.get(User, person.id).full_name == "Ana Pop"  # nothing saved yet
        client.post(
            "/sign-in?next=/account", data={"email": person.email, "password": person.password}
        )
        page = client.get("/account")
        html = page.get_data(as_text=True)
        assert 'value="Ana Maria Pop-Ionescu"' in html
        assert '<option selected value="psychologist">' in html
        assert "We kept what you typed" in page_text(page)
        with app.app_context():
            assert db.session.scalars(select(FormDraft)).all() == []  # handed over once


def test_passwords_are_never_kept_in_a_draft(app, client, make):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        clock.tick(45 * 60)
        client.post(
            "/account/password",
            data={
                "current_password": person.password,
                "password": "secret words here 1",
                "confirm": "secret words here 1",
            },
        )
    with app.app_context():
        drafts = db.session.scalars(select(FormDraft)).all()
        assert all("password" not in str(d.data) and "secret" not in str(d.data) for d in drafts)


def test_someone_else_signing_in_does_not_get_the_draft(app, make):
    first, second = make.user(full_name="First Person"), make.user(language="en")
    client = app.test_client()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, first)
        clock.tick(45 * 60)
        client.post(
            "/account",
            data={
                "full_name": "Private Draft",
                "profession": "teacher",
                "organisation_id": "0",
                "county": "BH",
                "preferred_language": "ro",
            },
        )
        client.post("/sign-in", data={"email": second.email, "password": second.password})
        assert "Private Draft" not in client.get("/account").get_data(as_text=True)
