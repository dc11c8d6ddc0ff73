"""Links in emails come from BASE_URL, never from a request's Host or forwarded headers."""

from __future__ import annotations

import re

import pytest

from tests.accounts.test_registration import registration


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
        {
            "Host": "evil.example",
            "X-Forwarded-Host": "evil.example",
            "Forwarded": "host=evil.example",
        },
    ],
)
def test_forged_host_headers_never_reach_an_emailed_link(client, make, outbox, headers):
    person = make.user()

    def forged_post(path, data):
        # The attacker's own browser: its session and token come with the forged headers too.
        page = client.get(path, headers=headers).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(
            path, data={**data, "csrf_token": token}, headers=headers, csrf=False
        )
        assert response.status_code == 200

    forged_post("/password/forgot", {"email": person.email})
    forged_post("/register", registration(email="new.person@example.org"))
    forged_post("/register", registration(email=person.email))
    assert len(outbox) == 3
    for message in outbox:
        bodies = [message.body] + [content for content, _ in message.alternatives]
        assert all("evil.example" not in body for body in bodies)
        assert "http://localhost/" in message.body


@pytest.mark.parametrize(
    "config_overrides", [{"BASE_URL": "https://learn.example.org"}], indirect=True
)
def test_links_use_the_configured_base_url(client, make, outbox):
    person = make.user()
    client.post("/password/forgot", data={"email": person.email})
    assert "https://learn.example.org/password/reset/" in outbox[0].body


def test_a_forged_forwarded_for_header_does_not_change_the_recorded_address(app, client, make):
    from sqlalchemy import select

    from elearn.audit.models import AuditEvent
    from elearn.extensions import db

    person = make.user()
    client.post(
        "/sign-in",
        data={"email": person.email, "password": "wrong password here"},
        headers={"X-Forwarded-For": "203.0.113.99"},
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )
    with app.app_context():
        event = db.session.scalar(select(AuditEvent))
    assert event.ip_address == "192.0.2.10"
