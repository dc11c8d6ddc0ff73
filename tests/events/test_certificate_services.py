"""Certificates of attendance: issued once to each person present (a snapshot), codes that
never meet a course certificate's, revocation, the PDF read back, and the person's data
(download and erasure)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEvent
from elearn.certificates import codes
from elearn.certificates.models import Issuer
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.events import certificate_pdf
from elearn.events import certificates as service
from elearn.events.certificate_subscriptions import attendance_in_download
from elearn.events.models import AttendanceCertificate
from elearn.extensions import db
from elearn.privacy.services import erase_account
from tests.conftest import PASSWORD
from tests.events.test_attendance_factories import add_event, add_person, register


@pytest.fixture
def organisation(make) -> int:
    return make.organisation(name="Asociația eLiberare Oradea", kind="ngo")


def _present(event, *names):
    return [register(event, add_person(name).id, present=True) for name in names]


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AttendanceCertificate))


def test_each_person_present_gets_one_certificate_and_pressing_again_issues_nothing(
    app, organisation
):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        _present(event, "Ana Pop", "Ștefan Gyöngyi Popescu")
        register(event, add_person("Absent Person").id)
        assert service.issue_certificates(event, by_id=None) == 2
        assert service.issue_certificates(event, by_id=None) == 0
        assert _count() == 2
        assert event.certificates_issued_at is not None
        assert (
            db.session.scalar(
                select(func.count()).where(AuditEvent.action == "event.certificates_issued")
            )
            == 2
        )


def test_someone_marked_present_later_is_issued_theirs_later(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        _present(event, "Ana Pop")
        service.issue_certificates(event, by_id=None)
        late = register(event, add_person("Ion Târziu").id)
        late.attended_at = utcnow()
        assert service.issue_certificates(event, by_id=None) == 1
        names = [c.holder_name for c in service.certificates_of_event(event)]
        assert names == ["Ana Pop", "Ion Târziu"]


def test_the_certificate_is_a_snapshot_of_the_event_and_the_issuer(app, organisation):
    with app.app_context():
        db.session.add(
            Issuer(name="Asociația eLiberare", url="https://eliberare.ro", colour="#aa3300")
        )
        event = add_event(organisation_id=organisation, hours=2.4)
        [registration] = _present(event, "Ana Pop")
        service.issue_certificates(event, by_id=None)
        event.title = "Changed afterwards"
        [certificate] = service.certificates_of_event(event)
        assert certificate.registration_id == registration.id
        assert certificate.event_title == "Masă rotundă: prevenirea traficului de persoane"
        assert (certificate.event_kind, certificate.locality) == ("round_table", "Oradea")
        assert certificate.hours == 2.5  # 2 h 24 min, to the nearest half hour
        assert (certificate.issuer_name, certificate.colour) == ("Asociația eLiberare", "#aa3300")
        assert codes.normalise(certificate.code) == certificate.code


def test_the_organisers_hours_win_over_the_events_length(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, hours=8, certificate_hours=6)
        assert service.hours_of(event) == 6
        short = add_event(organisation_id=organisation, hours=0.1)
        assert service.hours_of(short) == 0.5


def test_no_certificates_before_the_start_or_for_a_cancelled_event(app, organisation):
    with app.app_context():
        future = add_event(organisation_id=organisation, starts_in=timedelta(days=1))
        _present(future, "Ana Pop")
        with force_locale("en"), pytest.raises(DomainError, match="started"):
            service.issue_certificates(future, by_id=None)
        cancelled = add_event(organisation_id=organisation)
        cancelled.cancelled_at = utcnow()
        _present(cancelled, "Ion Rus")
        with force_locale("en"), pytest.raises(DomainError, match="cancelled"):
            service.issue_certificates(cancelled, by_id=None)
        assert _count() == 0


def test_a_new_code_is_never_one_a_course_certificate_holds(app, organisation, monkeypatch):
    from elearn.certificates.models import Certificate

    taken = codes.new_code()
    fresh = codes.new_code()
    drawn = iter([taken, fresh])
    monkeypatch.setattr(codes, "new_code", lambda: next(drawn))
    with app.app_context():
        real_scalar = db.session.scalar

        def scalar(statement, *args, **kwargs):
            text = str(statement.compile(compile_kwargs={"literal_binds": True}))
            if Certificate.__tablename__ in text and taken in text:
                return True  # as if a course certificate held it
            return real_scalar(statement, *args, **kwargs)

        monkeypatch.setattr(db.session, "scalar", scalar)
        assert service.new_code() == fresh


def test_revoking_needs_a_reason_from_the_list_and_happens_once(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        _present(event, "Ana Pop")
        service.issue_certificates(event, by_id=None)
        [certificate] = service.certificates_of_event(event)
        with pytest.raises(DomainError):
            service.revoke(certificate, "because", by_id=None)
        assert certificate.revoked_at is None
        service.revoke(certificate, "not_present", by_id=None)
        assert service.status(certificate) == "revoked"
        with pytest.raises(DomainError):
            service.revoke(certificate, "issued_in_error", by_id=None)
        assert certificate.revoked_reason == "not_present"


def test_by_code_reads_a_typed_code_forgivingly(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        _present(event, "Ana Pop")
        service.issue_certificates(event, by_id=None)
        [certificate] = service.certificates_of_event(event)
        assert service.by_code(codes.display(certificate.code).lower()) is certificate
        assert service.by_code("0000000000000000Z") is None
        assert service.by_code("not a code") is None


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ro", "Certificat de participare"),
        ("hu", "Részvételi igazolás"),
        ("en", "Certificate of attendance"),
    ],
)
def test_the_pdf_carries_the_holder_the_event_and_the_code_in_the_language(
    app, organisation, language, words
):
    with app.app_context(), app.test_request_context():
        event = add_event(organisation_id=organisation)
        _present(event, "Ștefan Gyöngyi Popescu")
        service.issue_certificates(event, by_id=None)
        [certificate] = service.certificates_of_event(event)
        reader = PdfReader(io.BytesIO(certificate_pdf.pdf_bytes(certificate, language)))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert "Ștefan Gyöngyi Popescu" in text
        assert "Masă rotundă: prevenirea traficului de persoane" in text
        assert codes.display(certificate.code) in text
        assert words.upper() in text
        assert reader.metadata.title.startswith(words)
        assert reader.trailer["/Root"]["/Lang"] == language


def test_the_pdfs_language_is_the_one_asked_for_else_the_holders():
    assert certificate_pdf.language_for("hu", "ro") == "hu"
    assert certificate_pdf.language_for("xx", "en") == "en"
    assert certificate_pdf.language_for(None, None) == "ro"


def test_the_download_lists_attendance_and_certificates(app, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation)
        [registration] = _present(event, "Ana Pop")
        service.issue_certificates(event, by_id=None)
        person = db.session.get(User, registration.user_id)
        files = attendance_in_download(person)
        [attended] = files["event-attendance.json"]
        assert attended["event"] == event.title and attended["walk_in"] is False
        [certificate] = files["attendance-certificates.json"]
        assert certificate["name"] == "Ana Pop"
        assert certificate["event"] == event.title
        assert certificate["hours"] == 3


def test_the_download_through_privacy_holds_the_attendance_files(app, organisation):
    from elearn.privacy.services import personal_data

    with app.app_context():
        event = add_event(organisation_id=organisation)
        [registration] = _present(event, "Ana Pop")
        service.issue_certificates(event, by_id=None)
        data = personal_data(db.session.get(User, registration.user_id))
        assert data["attendance-certificates.json"][0]["name"] == "Ana Pop"


def test_erasure_keeps_the_certificate_for_verification_without_the_name(app, make, organisation):
    person = make.user(full_name="Ana Pop")
    with app.app_context():
        event = add_event(organisation_id=organisation)
        register(event, person.id, present=True)
        service.issue_certificates(event, by_id=None)
        db.session.commit()
        erase_account(db.session.get(User, person.id), password=PASSWORD)
        db.session.commit()
        [certificate] = service.certificates_of_event(event)
        assert certificate.holder_name == "" and certificate.user_id is None
        assert service.by_code(certificate.code) is certificate
        assert service.status(certificate) == "valid"
