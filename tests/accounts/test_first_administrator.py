"""The one-time link that creates the first administrator."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts import services
from elearn.accounts.models import Role, User
from elearn.extensions import db
from tests.conftest import PASSWORD, page_text


def setup_token(app) -> str:
    with app.app_context():
        return services.first_administrator_token()


def administrator_form(**overrides) -> dict:
    data = {
        "full_name": "Admin Ștefan",
        "email": "admin@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "profession": "ngo_staff",
        "organisation_id": "0",
        "county": "BH",
        "preferred_language": "ro",
        "accept_privacy": "y",
    }
    data.update(overrides)
    return data


def test_the_setup_link_creates_the_first_administrator_once(app, client):
    token = setup_token(app)
    assert client.get(f"/setup/{token}").status_code == 200
    response = client.post(f"/setup/{token}", data=administrator_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/second-factor/"
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.roles == {Role.LEARNER, Role.ADMIN}
        assert user.email_confirmed
    # Signed in as the new administrator, whose pages wait for a second factor.
    assert client.get("/admin/people/").headers["Location"] == "/account/second-factor/"
    # The same link, or a fresh one, no longer works.
    other = app.test_client()
    again = other.get(f"/setup/{token}", headers={"Accept-Language": "en"})
    assert again.status_code == 400
    assert "An administrator already exists." in page_text(again)
    assert other.get(f"/setup/{setup_token(app)}").status_code == 400


def test_a_forged_setup_link_is_refused(client):
    response = client.get("/setup/not-a-real-token", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This setup link is not valid." in page_text(response)


def test_an_expired_setup_link_is_refused(app, client):
    with freeze_time("2026-11-01 10:00:00"):
        token = setup_token(app)
    response = client.get(f"/setup/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "expired" in page_text(response)


def test_a_setup_link_signed_with_another_secret_is_refused(app, client):
    from elearn import create_app

    other = create_app({"SECRET_KEY": "another-secret-" + "y" * 40})
    with other.app_context():
        token = services.first_administrator_token()
    assert client.get(f"/setup/{token}").status_code == 400
