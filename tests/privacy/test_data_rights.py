"""The privacy notice, its acceptance, and each person's rights: see, download, erase."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from elearn.accounts.models import FormDraft, Role, User
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from elearn.privacy import notice
from elearn.privacy.models import PrivacyAcceptance
from tests.conftest import page_text, sign_in

NAME = "Ștefan Gyöngyi Vasilescu"


@pytest.mark.parametrize("language", ["ro", "en", "hu"])
def test_the_notice_exists_in_every_language_and_is_linked_from_every_page(client, language):
    response = client.get("/privacy", headers={"Accept-Language": language})
    assert response.status_code == 200
    text_ = page_text(response)
    assert "ANSPDCP" in text_ or "dataprotection.ro" in response.get_data(as_text=True)
    assert 'href="/privacy"' in client.get("/", headers={"Accept-Language": language}).get_data(
        as_text=True
    )
    assert 'href="/privacy"' in client.get("/register").get_data(as_text=True)


def test_an_unknown_notice_version_is_404(client):
    assert client.get("/privacy?version=1999-01-01").status_code == 404


def test_a_new_notice_version_is_shown_at_the_next_sign_in(app, client, make, monkeypatch):
    person = make.user(language="en")
    accepted = notice.CURRENT_VERSION
    monkeypatch.setattr(notice, "CURRENT_VERSION", "2099-01-01")
    monkeypatch.setattr(notice, "VERSIONS", (*notice.VERSIONS, "2099-01-01"))
    monkeypatch.setattr(
        "elearn.privacy.views._notice_template",
        lambda version: f"privacy/notices/{accepted}.en.html",
    )
    sign_in(client, person)
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/privacy/accept")
    # Their own data and erasure stay open meanwhile.
    assert client.get("/account/data").status_code == 200
    assert client.post("/privacy/accept?next=/account").headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    with app.app_context():
        versions = set(db.session.scalars(select(PrivacyAcceptance.version)))
    assert versions == {accepted, "2099-01-01"}


def test_a_person_sees_and_downloads_everything_held_about_them(app, client, make):
    school = make.organisation()
    person = make.user(full_name=NAME, organisation_id=school, language="en")
    sign_in(client, person)
    page = page_text(client.get("/account/data"))
    assert NAME in page and person.email in page and "Școala Gimnazială" in page
    response = client.post("/account/data/download")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert {
        "account.json",
        "organisation.json",
        "privacy_notice_acceptances.json",
        "audit_events.json",
        "README.txt",
    } <= set(archive.namelist())
    account = json.loads(archive.read("account.json"))
    assert account["full_name"] == NAME and account["email"] == person.email
    assert (
        json.loads(archive.read("privacy_notice_acceptances.json"))[0]["version"]
        == notice.CURRENT_VERSION
    )
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "user.data_exported")
        )


def test_erasing_needs_the_password_and_the_refusal_is_audited(app, client, make):
    person = make.user(full_name=NAME, language="en")
    sign_in(client, person)
    response = client.post(
        "/account/erase", data={"understood": "y", "password": "wrong password here"}
    )
    assert "The password is not right." in page_text(response)
    with app.app_context():
        assert db.session.get(User, person.id).full_name == NAME
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "user.erasure_refused")
        )


def test_the_erasure_page_explains_what_happens_to_certificates_first(client, make):
    sign_in(client, make.user(language="en"))
    text_ = page_text(client.get("/account/erase"))
    assert "Certificates issued to you" in text_
    assert "cannot be undone" in text_


def test_after_erasure_the_name_and_email_appear_nowhere_in_the_database(app, client, make):
    school = make.organisation()
    person = make.user(
        full_name=NAME,
        email="stefan.vasilescu@example.org",
        organisation_id=school,
        second_factor=True,
    )
    sign_in(client, person)
    client.post(
        "/account",
        data={
            "full_name": NAME,
            "profession": "social_worker",
            "organisation_id": str(school),
            "county": "BH",
            "preferred_language": "ro",
        },
    )
    response = client.post("/account/erase", data={"understood": "y", "password": person.password})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    with app.app_context():
        for table in inspect(db.engine).get_table_names():
            rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608
            dump = repr(rows)
            for needle in ("Vasilescu", "Ștefan", "stefan.vasilescu", "example.org\\'"):
                assert needle not in dump, (table, needle)
        user = db.session.get(User, person.id)
        # Aggregate statistics keep counting the account, without a name.
        assert (user.profession, user.county, user.organisation_id) == (
            "social_worker",
            "BH",
            school,
        )
        assert user.erased_at is not None and not user.is_active
    assert (
        client.post(
            "/sign-in", data={"email": person.email, "password": person.password}
        ).status_code
        == 200
    )


def test_the_last_administrator_cannot_erase_their_account(app, client, make):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en")
    sign_in(client, admin)
    response = client.post("/account/erase", data={"understood": "y", "password": admin.password})
    assert "You are the only administrator." in page_text(response)


def test_purge_removes_what_is_past_its_retention_and_is_safe_to_repeat(app, runner, make):
    from freezegun import freeze_time

    with freeze_time("2026-11-01 10:00:00"):
        stale = make.user(email_confirmed=False)
        confirmed_long_ago = make.user()
    fresh = make.user(email_confirmed=False)
    with app.app_context():
        db.session.add(
            FormDraft(
                user_id=confirmed_long_ago.id,
                path="/account",
                data={"a": ["b"]},
                saved_at=datetime.now(UTC) - timedelta(hours=30),
            )
        )
        db.session.add(
            AuditEvent(
                action="user.deactivated",
                actor_id=1,
                details={},
                at=datetime.now(UTC) - timedelta(days=800),
            )
        )
        db.session.add(AuditEvent(action="user.reactivated", actor_id=1, details={}))
        db.session.commit()
    first = runner.invoke(args=["purge"])
    assert first.exit_code == 0, first.output
    assert "unconfirmed_accounts: 1 removed" in first.output
    assert "form_drafts: 1 removed" in first.output
    assert "audit_events: 1 removed" in first.output
    second = runner.invoke(args=["purge"])
    assert "unconfirmed_accounts: 0 removed" in second.output
    assert "audit_events: 0 removed" in second.output
    with app.app_context():
        remaining = set(db.session.scalars(select(User.id)))
        assert stale.id not in remaining
        assert {confirmed_long_ago.id, fresh.id} <= remaining
        assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["user.reactivated"]
        # The audit log's guard is back in place after the purge.
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(AuditEvent.__table__.delete())
        db.session.rollback()
