"""Changing one's email address: password first, confirmed by the new address, told to the old."""

from __future__ import annotations

from freezegun import freeze_time

from elearn.accounts.models import User
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from tests.accounts.test_confirmation import link_in
from tests.conftest import page_text, sign_in


def ask(client, email="new.address@example.org", password=None, person=None):
    return client.post(
        "/account/email",
        data={"email": email, "password": password or person.password},
        headers={"Accept-Language": "en"},
    )


def test_the_new_address_confirms_and_the_old_one_is_told(app, client, make, outbox):
    person = make.user(email="old.address@example.org", language="en")
    sign_in(client, person)
    response = ask(client, person=person)
    assert "Check your email" in page_text(response)
    to_new = next(m for m in outbox if m.to == ["new.address@example.org"])
    to_old = next(m for m in outbox if m.to == ["old.address@example.org"])
    assert "n***@example.org" in to_old.body
    assert "/account/email/confirm/" not in to_old.body
    with app.app_context():
        assert db.session.get(User, person.id).email == "old.address@example.org"
    assert client.get(link_in(to_new, "/account/email/confirm/")).status_code == 302
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.email == "new.address@example.org"
        events = db.session.query(AuditEvent).filter_by(action="user.email_changed").all()
        assert [e.target_id for e in events] == [person.id]
        assert "address" not in str(events[0].details)
    # Used once, the link is dead.
    assert client.get(link_in(to_new, "/account/email/confirm/")).status_code == 400


def test_a_wrong_password_changes_nothing(client, make, outbox):
    person = make.user(language="en")
    sign_in(client, person)
    response = ask(client, password="not my password at all", person=person)
    assert "The password is not right." in page_text(response)
    assert len(outbox) == 0


def test_an_address_taken_meanwhile_is_refused_at_confirmation(app, client, make, outbox):
    person = make.user(language="en")
    sign_in(client, person)
    ask(client, person=person)
    make.user(email="new.address@example.org")
    link = link_in(
        next(m for m in outbox if m.to == ["new.address@example.org"]), "/account/email/confirm/"
    )
    response = client.get(link, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "another account" in page_text(response)


def test_an_expired_change_link_is_refused(client, make, outbox):
    person = make.user(language="en")
    with freeze_time("2026-01-01 10:00:00"):
        sign_in(client, person)
        ask(client, person=person)
    link = link_in(
        next(m for m in outbox if m.to == ["new.address@example.org"]), "/account/email/confirm/"
    )
    with freeze_time("2026-01-02 10:00:30"):
        response = client.get(link, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This link has expired." in page_text(response)
