"""Resetting a forgotten password by an emailed, signed, single-use, time-limited link."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

from tests.conftest import page_text

NEW = "quiet river lantern 58"


def reset_link(message) -> str:
    match = re.search(r"http://localhost(/password/reset/[\w.\-]+)", message.body)
    assert match, message.body
    return match.group(1)


def request_reset(client, email):
    return client.post("/password/forgot", data={"email": email}, headers={"Accept-Language": "en"})


def test_a_reset_link_is_emailed_as_text_and_html_in_the_persons_language(client, make, outbox):
    person = make.user(language="hu")
    response = request_reset(client, person.email)
    assert response.status_code == 200
    [message] = outbox
    assert message.to == [person.email]
    assert reset_link(message) in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert person.full_name in message.body
    # The person chose Hungarian; the message is in Hungarian whatever the page language.
    assert message.subject == "Jelszó visszaállítása"
    assert "Jelszó visszaállítása" in message.alternatives[0][0]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, make, outbox):
    person = make.user()
    known = page_text(request_reset(client, person.email)).replace(person.email, "ADDRESS")
    unknown = page_text(request_reset(client, "nobody@example.org")).replace(
        "nobody@example.org", "ADDRESS"
    )
    assert known == unknown
    assert len(outbox) == 1


def test_a_reset_link_sets_a_new_password_once(client, make, outbox):
    person = make.user(language="en")
    request_reset(client, person.email)
    link = reset_link(outbox[0])
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    # The new password works, the old one does not.
    assert client.post("/sign-in", data={"email": person.email, "password": NEW}).status_code == 302
    client.post("/sign-out")
    assert (
        client.post(
            "/sign-in", data={"email": person.email, "password": person.password}
        ).status_code
        == 200
    )
    # Used once, the link is dead.
    reused = client.get(link, headers={"Accept-Language": "en"})
    assert reused.status_code == 400
    assert "already been used" in page_text(reused)


def test_an_expired_reset_link_is_refused_with_a_clear_message(client, make, outbox):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00"):
        request_reset(client, person.email)
    link = reset_link(outbox[0])
    with freeze_time("2026-11-29 11:00:30"):
        response = client.post(
            link, data={"password": NEW, "confirm": NEW}, headers={"Accept-Language": "en"}
        )
    assert response.status_code == 400
    assert "This reset link has expired." in page_text(response)


@pytest.mark.parametrize("token", ["garbage", "eyJ1c2VyIjoxfQ.forged.signature", "a" * 500])
def test_a_forged_reset_link_is_refused(client, token):
    response = client.get(f"/password/reset/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This reset link is not valid." in page_text(response)


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, make, outbox):
    person = make.user(full_name="Maria Ionescu")
    request_reset(client, person.email)
    link = reset_link(outbox[0])
    response = client.post(
        link,
        data={"password": "mariaionescu1", "confirm": "mariaionescu1"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "too common or too easy to guess" in page_text(response)
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_a_deactivated_account_gets_no_reset_email(app, client, make, outbox):
    from datetime import UTC, datetime

    from elearn.accounts.models import User
    from elearn.extensions import db

    person = make.user()
    with app.app_context():
        db.session.get(User, person.id).deactivated_at = datetime.now(UTC)
        db.session.commit()
    request_reset(client, person.email)
    assert len(outbox) == 0


def test_a_mail_server_failure_does_not_change_the_answer(app, client, make, monkeypatch):
    import smtplib

    from flask_mailman import EmailMultiAlternatives

    def fail(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    person = make.user()
    response = request_reset(client, person.email)
    assert response.status_code == 200
    assert "Check your email" in page_text(response)
