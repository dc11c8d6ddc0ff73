"""A person's own profile and password."""

from __future__ import annotations

from elearn.accounts.models import User
from elearn.extensions import db
from tests.conftest import page_text, sign_in

NEW = "copper meadow whistle 19"


def test_the_profile_shows_what_the_platform_holds(client, make):
    person = make.user(full_name="Gyöngyi Kovács", profession="psychologist", county="CJ")
    sign_in(client, person)
    response = client.get("/account", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert person.email in text
    html = response.get_data(as_text=True)
    assert 'value="Gyöngyi Kovács"' in html
    assert '<option selected value="psychologist">' in html
    assert '<option selected value="CJ">' in html


def test_editing_the_profile_saves_every_field(app, client, make):
    organisation_id = make.organisation()
    person = make.user()
    sign_in(client, person)
    response = client.post(
        "/account",
        data={
            "full_name": "  Ștefania   Țurcanu ",
            "profession": "social_worker",
            "organisation_id": str(organisation_id),
            "county": "abroad",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.full_name == "Ștefania Țurcanu"
        assert user.profession == "social_worker"
        assert user.organisation_id == organisation_id
        assert user.county == "abroad"
        assert user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


def test_a_bad_profile_change_writes_nothing(app, client, make):
    person = make.user(full_name="Ana Pop", language="en")
    sign_in(client, person)
    response = client.post(
        "/account",
        data={
            "full_name": "",
            "profession": "teacher",
            "organisation_id": "0",
            "county": "BH",
            "preferred_language": "ro",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "Enter your full name." in page_text(response)
    with app.app_context():
        assert db.session.get(User, person.id).full_name == "Ana Pop"


def test_only_managers_see_the_weekly_digest_box_and_others_cannot_set_it(app, client, make):
    person = make.user(language="en")
    sign_in(client, person)
    assert "weekly_digest" not in client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account",
        data={
            "full_name": "Ana Pop",
            "profession": "teacher",
            "organisation_id": "0",
            "county": "BH",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302  # saved, without the box: the setting stays as it was
    with app.app_context():
        assert db.session.get(User, person.id).weekly_digest is True  # untouched


def test_changing_the_password_needs_the_current_one(app, client, make):
    person = make.user(language="en")
    sign_in(client, person)
    response = client.post(
        "/account/password",
        data={"current_password": "not my password", "password": NEW, "confirm": NEW},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "The current password is not right." in page_text(response)
    client.post("/sign-out")
    assert (
        client.post(
            "/sign-in", data={"email": person.email, "password": person.password}
        ).status_code
        == 302
    )


def test_changing_the_password(client, make):
    person = make.user()
    sign_in(client, person)
    response = client.post(
        "/account/password",
        data={"current_password": person.password, "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 302
    client.post("/sign-out")
    assert client.post("/sign-in", data={"email": person.email, "password": NEW}).status_code == 302


def test_a_new_password_cannot_contain_only_the_persons_name(client, make):
    person = make.user(full_name="Ioana Mărginean", language="en")
    sign_in(client, person)
    response = client.post(
        "/account/password",
        data={
            "current_password": person.password,
            "password": "ioanamarginean",
            "confirm": "ioanamarginean",
        },
        headers={"Accept-Language": "en"},
    )
    assert "too common or too easy to guess" in page_text(response)
