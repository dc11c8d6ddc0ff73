"""A NUL character anywhere in a request is refused with a clear 400 page, before anything
reads or stores it (PostgreSQL cannot hold one in text: it used to answer 500)."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from tests.conftest import page_text

MESSAGE = "The request held a character that cannot be saved"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/?q=ana%00maria",
        "/courses/?audience=%00",
        "/courses/test%00course",
        "/verify?code=AB%00CD",
        "/sign-in?next=/%00",
    ],
)
def test_a_nul_in_the_address_or_query_is_a_clear_400(client, as_role, url):
    as_role(Role.ADMIN, language="en")
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert MESSAGE in page_text(response)


def test_a_nul_in_a_form_is_a_clear_400_and_changes_nothing(app, client, make):
    person = make.user(language="en")
    response = client.post(
        "/sign-in",
        data={"email": person.email + "\x00", "password": "x"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and MESSAGE in page_text(response)
    response = client.post("/register", data={"full_name": "Ana\x00", "email": "a@example.org"})
    assert response.status_code == 400
    with app.app_context():  # nothing was stored
        from sqlalchemy import func, select

        from elearn.accounts.models import User
        from elearn.extensions import db

        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_message_is_in_the_readers_language(client):
    response = client.get("/courses/?audience=%00", headers={"Accept-Language": "ro"})
    assert response.status_code == 400
    assert MESSAGE not in page_text(response)
