"""Certificates of attendance through the client: issuing, the organisers' list, revoking,
the holder's page and PDF, "My certificates" linking to them, and the public verification
page finding an attendance certificate's code (and not an unknown one)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.certificates import codes
from elearn.events.models import AttendanceCertificate, Event
from elearn.extensions import db
from tests.conftest import page_text, sign_in
from tests.events.test_attendance_factories import add_event, register


@pytest.fixture
def organisation(make) -> int:
    return make.organisation(name="Asociația eLiberare Oradea", kind="ngo")


@pytest.fixture
def holder(make):
    return make.user(full_name="Ștefan Gyöngyi Popescu", language="hu")


@pytest.fixture
def event(app, organisation, holder) -> int:
    with app.app_context():
        event = add_event(organisation_id=organisation)
        register(event, holder.id, present=True)
        db.session.commit()
        return event.id


def _issue(app, event_id: int) -> str:
    from elearn.events.certificates import issue_certificates

    with app.app_context():
        issue_certificates(db.session.get(Event, event_id), by_id=None)
        db.session.commit()
        return db.session.scalar(select(AttendanceCertificate.code))


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AttendanceCertificate))


def test_the_organiser_issues_certificates_once(app, client, as_role, organisation, event):
    as_role(Role.TRAINER, organisation_id=organisation)
    response = client.post(f"/events/{event}/certificates")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event}/certificates"
    assert _count(app) == 1
    again = client.post(f"/events/{event}/certificates", follow_redirects=True)
    assert _count(app) == 1
    assert "au deja un certificat" in page_text(again)
    assert "Ștefan Gyöngyi Popescu" in page_text(again)


def test_certificates_wait_for_the_start(app, client, as_role, organisation, holder):
    with app.app_context():
        event = add_event(organisation_id=organisation, starts_in=timedelta(days=1))
        register(event, holder.id, present=True)
        db.session.commit()
        event_id = event.id
    as_role(Role.TRAINER, organisation_id=organisation)
    page = client.post(f"/events/{event_id}/certificates", follow_redirects=True)
    assert "după ce evenimentul a început" in page_text(page)
    assert _count(app) == 0


def test_issuing_is_refused_to_others_and_missing_events_are_not_found(
    app, client, as_role, make, event
):
    assert client.post(f"/events/{event}/certificates").status_code == 302  # to sign in
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", county="CJ")
    as_role(Role.MANAGER, organisation_id=other)
    assert client.post(f"/events/{event}/certificates").status_code == 403
    assert client.get(f"/events/{event}/certificates").status_code == 403
    assert _count(app) == 0
    client.post("/sign-out")
    as_role(Role.LEARNER)
    assert client.post(f"/events/{event}/certificates").status_code == 403
    client.post("/sign-out")
    as_role(Role.ADMIN)
    assert client.post("/events/999999/certificates").status_code == 404
    assert client.get("/events/999999/certificates").status_code == 404


def test_the_organiser_revokes_one_with_a_reason(app, client, as_role, organisation, event):
    code = _issue(app, event)
    as_role(Role.MANAGER, organisation_id=organisation)
    assert "Revocare" in page_text(client.get(f"/events/{event}/certificates"))
    with app.app_context():
        prefix = f"c{db.session.scalar(select(AttendanceCertificate.id))}"
    bad = client.post(f"/events/certificates/{code}/revoke", data={f"{prefix}-reason": "x"})
    assert bad.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AttendanceCertificate.revoked_at)) is None
    response = client.post(
        f"/events/certificates/{code}/revoke", data={f"{prefix}-reason": "not_present"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AttendanceCertificate.revoked_reason)) == "not_present"
    public = client.get(f"/verify/{code}")
    assert "a fost revocat" in page_text(public)


def test_revoking_is_refused_to_another_organisation_and_an_unknown_code_is_not_found(
    app, client, as_role, make, event
):
    code = _issue(app, event)
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", county="CJ")
    as_role(Role.TRAINER, organisation_id=other)
    response = client.post(f"/events/certificates/{code}/revoke", data={"reason": "identity"})
    assert response.status_code == 403
    assert client.post("/events/certificates/0000000000000000Z/revoke").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AttendanceCertificate.revoked_at)) is None


def test_the_holder_sees_theirs_and_downloads_the_pdf_in_their_language(app, client, holder, event):
    code = _issue(app, event)
    sign_in(client, holder)
    mine = client.get("/my-certificates")
    assert "/events/my-certificates" in mine.get_data(as_text=True)
    page = client.get("/events/my-certificates")
    assert page.status_code == 200
    assert codes.display(code) in page_text(page)
    response = client.get(f"/events/my-certificates/{code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Ștefan Gyöngyi Popescu" in text
    assert "Masă rotundă: prevenirea traficului de persoane" in text
    assert codes.display(code) in text
    assert "RÉSZVÉTELI IGAZOLÁS" in text  # the holder's language: Hungarian
    assert (
        f"-{code}-ro.pdf"
        in client.get(f"/events/my-certificates/{code}.pdf?lang=ro").headers["Content-Disposition"]
    )


def test_someone_elses_certificate_or_an_unknown_code_is_not_found(app, client, as_role, event):
    code = _issue(app, event)
    assert client.get(f"/events/my-certificates/{code}.pdf").status_code == 302  # sign in
    as_role(Role.LEARNER)
    assert client.get(f"/events/my-certificates/{code}.pdf").status_code == 404
    assert client.get("/events/my-certificates/NOTACODE.pdf").status_code == 404
    assert "Încă nu aveți niciun certificat" in page_text(client.get("/events/my-certificates"))


def test_a_revoked_certificate_cannot_be_downloaded(app, client, holder, event):
    code = _issue(app, event)
    with app.app_context():
        certificate = db.session.scalar(select(AttendanceCertificate))
        from elearn.events.certificates import revoke

        revoke(certificate, "issued_in_error", by_id=None)
        db.session.commit()
    sign_in(client, holder)
    response = client.get(f"/events/my-certificates/{code}.pdf")
    assert response.status_code == 302


def test_the_public_page_verifies_an_attendance_code_without_signing_in(app, client, event):
    code = _issue(app, event)
    response = client.get(f"/verify/{codes.display(code).lower()}")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    text = page_text(response)
    assert "Acest certificat de participare este valabil." in text
    assert "Ștefan Gyöngyi Popescu" in text
    assert "Masă rotundă: prevenirea traficului de persoane" in text
    assert "masă rotundă" in text
    assert "3 ore" in text


def test_an_unknown_code_is_still_not_found(client):
    response = client.get("/verify/0000000000000000Z")
    assert response.status_code == 404
    assert "participare" not in page_text(response)


def test_after_erasure_the_public_page_keeps_the_certificate_without_the_name(
    app, client, holder, event
):
    from elearn.accounts.models import User
    from elearn.privacy.services import erase_account
    from tests.conftest import PASSWORD

    code = _issue(app, event)
    with app.app_context():
        erase_account(db.session.get(User, holder.id), password=PASSWORD)
        db.session.commit()
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Ștefan Gyöngyi Popescu" not in text
    assert "Acest certificat de participare este valabil." in text
