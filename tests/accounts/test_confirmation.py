"""Email addresses are confirmed by a signed link before their owner can enrol."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint
from freezegun import freeze_time

from elearn.access import confirmed_email_required, signed_in
from elearn.accounts.models import User
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from tests.accounts.test_registration import registration
from tests.conftest import page_text, sign_in


def link_in(message, path: str) -> str:
    match = re.search(rf"http://localhost({path}[\w.\-]+)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_confirmation_link_confirms_once(app, client, outbox):
    client.post("/register", data=registration(preferred_language="en"))
    link = link_in(outbox[0], "/confirm/")
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    with app.app_context():
        user = db.session.query(User).one()
        assert user.email_confirmed_at is not None
        [event] = db.session.query(AuditEvent).filter_by(action="user.email_confirmed").all()
        assert event.target_id == user.id
    again = client.get(link, headers={"Accept-Language": "en"})
    assert again.status_code == 400
    assert "already confirmed" in page_text(again)


def test_an_expired_confirmation_link_is_refused(client, outbox):
    with freeze_time("2026-11-01 10:00:00"):
        client.post("/register", data=registration())
    response = client.get(link_in(outbox[0], "/confirm/"), headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This confirmation link has expired." in page_text(response)


@pytest.mark.parametrize("token", ["forged", "eyJ1c2VyIjoxLCJlbWFpbCI6ImFAYi5jIn0.x.y"])
def test_a_forged_confirmation_link_is_refused(client, token):
    response = client.get(f"/confirm/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This confirmation link is not valid." in page_text(response)


def test_an_unconfirmed_person_can_sign_in_sees_why_and_can_ask_again(client, make, outbox):
    person = make.user(email_confirmed=False, language="en")
    sign_in(client, person)
    text = page_text(client.get("/account"))
    assert "Confirm your email address" in text
    assert client.post("/account/confirm/resend").status_code == 302
    [message] = outbox
    assert message.to == [person.email]
    assert "/confirm/" in message.body


def test_enrolling_needs_a_confirmed_address(app, make):
    """The guard that the enrol action uses (courses arrive in a later feature)."""
    probe = Blueprint("probe", __name__)

    @probe.post("/probe/enrol")
    @signed_in
    @confirmed_email_required
    def enrol():
        return "enrolled"

    app.register_blueprint(probe)
    from tests.conftest import Client

    app.test_client_class = Client
    unconfirmed, confirmed = make.user(email_confirmed=False), make.user()
    first, second = app.test_client(), app.test_client()
    sign_in(first, unconfirmed)
    sign_in(second, confirmed)
    refused = first.post("/probe/enrol")
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/account"
    assert second.post("/probe/enrol").get_data(as_text=True) == "enrolled"


def test_a_reset_link_also_confirms_the_address(app, client, make, outbox):
    person = make.user(email_confirmed=False)
    client.post("/password/forgot", data={"email": person.email})
    link = link_in(outbox[0], "/password/reset/")
    client.post(
        link, data={"password": "amber lantern river 55", "confirm": "amber lantern river 55"}
    )
    with app.app_context():
        assert db.session.get(User, person.id).email_confirmed


def test_registering_twice_quickly_keeps_one_account(app, client, outbox):
    client.post("/register", data=registration())
    client.post("/register", data=registration(full_name="Someone Else"))
    with app.app_context():
        assert db.session.query(User).count() == 1
        assert db.session.query(User).one().full_name == "Ștefan Gyöngyi"
