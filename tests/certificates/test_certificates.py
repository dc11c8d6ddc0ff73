"""Issuing on completion, the PDF, the public verification page, and revocation."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pypdfium2 as pdfium
from freezegun import freeze_time
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.certificates import services
from elearn.certificates.codes import display
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.certificates.conftest import certificate_of, complete_course
from tests.conftest import page_text, sign_in

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x8d\xf6"
    b"\xd1\x1c\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_completing_the_course_issues_one_certificate_at_once(app, client, holder):
    certificate = certificate_of(app, holder.id)
    assert certificate is not None
    assert certificate.holder_name == "Ștefania-Gyöngyi Mureșan"
    assert certificate.course_title == {"ro": "Curs de test", "en": "Test course"}
    assert certificate.version_label == "1.0.0" and certificate.hours == 1.5
    assert certificate.expires_on == services.add_months(certificate.completed_on, 24)
    text = page_text(client.get("/my-certificates"))
    assert "Test course" in text and display(certificate.code) in text and "Valid" in text


def test_a_certificate_is_issued_once_even_when_asked_for_at_the_same_moment(app, holder):
    with app.app_context():
        enrolment_id = db.session.scalar(select(Enrolment.id))
    barrier = threading.Barrier(4)
    codes = []

    def issue():
        with app.app_context():
            enrolment = db.session.get(Enrolment, enrolment_id)
            barrier.wait()
            codes.append(services.issue_for(enrolment).code)
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(codes) == 4 and len(set(codes)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_months_are_added_as_calendars_do():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 29), 24) == date(2028, 11, 29)
    assert services.add_months(date(2027, 2, 28), 12) == date(2028, 2, 28)


def test_the_pdf_says_everything_in_the_chosen_language(app, client, holder):
    certificate = certificate_of(app, holder.id)
    for language, title, phrase in (
        ("ro", "Curs de test", "online, în ritm propriu"),
        ("en", "Test course", "online, self-paced"),
    ):
        response = client.get(f"/my-certificates/{certificate.code}.pdf?lang={language}")
        assert response.mimetype == "application/pdf"
        text = pdf_text(response.data)
        assert "Ștefania-Gyöngyi Mureșan" in text
        assert title in text and phrase in text
        assert display(certificate.code) in text
        assert f"/verify/{certificate.code}" in text.replace("\n", "")
    # A language the course does not have falls back to Romanian.
    assert "Curs de test" in pdf_text(
        client.get(f"/my-certificates/{certificate.code}.pdf?lang=hu").data
    )


def test_the_pdf_is_a4_landscape_with_a_qr_code_of_at_least_25_mm(app, holder):
    with app.app_context(), app.test_request_context():
        certificate = db.session.scalar(select(Certificate))
        data = services.pdf_bytes(certificate, "ro")
    document = pdfium.PdfDocument(data)
    page = document[0]
    width, height = page.get_size()
    assert round(width / 72 * 25.4) == 297 and round(height / 72 * 25.4) == 210
    images = [obj for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    sizes = [
        ((right - left) / 72 * 25.4, (top - bottom) / 72 * 25.4)
        for left, bottom, right, top in (image.get_bounds() for image in images)
    ]
    assert any(w >= 25 and h >= 25 for w, h in sizes), sizes
    # Rendered in greyscale, as a printer would: the page is mostly white with dark text.
    bitmap = page.render(scale=1, grayscale=True).to_pil().convert("L")
    histogram = bitmap.histogram()
    assert sum(histogram[:80]) > 2000 and sum(histogram[200:]) > 0.7 * sum(histogram)
    document.close()


def test_a_long_name_shrinks_and_wraps_but_is_never_cut(app, holder):
    long_name = "Maria-Magdalena Alexandrescu-Constantinescu-Vasilescu-Dumitrescu-Georgescu"
    with app.app_context(), app.test_request_context():
        certificate = db.session.scalar(select(Certificate))
        certificate.holder_name = long_name + " Popescu-Ionescu"
        text = pdf_text(services.pdf_bytes(certificate, "ro"))
    assert "".join((long_name + " Popescu-Ionescu").split()) in "".join(text.split())


def test_anyone_can_verify_a_certificate_without_signing_in(app, holder):
    certificate = certificate_of(app, holder.id)
    visitor = app.test_client()
    response = visitor.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    text = page_text(response)
    assert "This certificate is valid." in text
    assert "Ștefania-Gyöngyi Mureșan" in text and "Test course" in text and "1.5 hours" in text
    # Nothing more about the person: not their profession, not where they work.
    assert "Teacher" not in text and "Școala Gimnazială" not in text
    # The code as printed, in lower case, with spaces: the same answer.
    messy = display(certificate.code).lower().replace("-", " ")
    found = visitor.get("/verify", query_string={"code": messy})
    assert found.status_code == 302
    assert "This certificate is valid." in page_text(
        visitor.get(found.headers["Location"], headers={"Accept-Language": "en"})
    )


def test_unknown_and_strange_codes_get_a_plain_not_found(app, client):
    visitor = app.test_client()
    for code in ("0000000000000000Z", "<script>alert(1)<script>", "x" * 500, "ȘȚĂ", "-"):
        response = visitor.get(f"/verify/{code}", headers={"Accept-Language": "en"})
        assert response.status_code == 404, code
        assert "No certificate with this code was found." in page_text(response)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert visitor.get("/verify/a/b").status_code == 404
    # A NUL character is refused before any page looks at it (tests/core/test_nul_characters.py).
    response = visitor.get("/verify/%00", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "cannot be saved" in page_text(response)
    assert visitor.get("/verify", query_string={"code": "x" * 100}).status_code == 200


@freeze_time("2026-11-29 10:00:00")
def test_an_expired_certificate_says_so(app, client, make, course):
    person = make.user(language="en")
    sign_in(client, person)
    complete_course(client, app)
    code = certificate_of(app, person.id).code
    with freeze_time("2029-01-01 10:00:00"):
        text = page_text(client.get(f"/verify/{code}", headers={"Accept-Language": "en"}))
    assert "This certificate has expired." in text and "valid until 29 November 2028" in text


def test_a_manager_revokes_and_the_page_says_so_at_once(app, client, make, holder):
    certificate = certificate_of(app, holder.id)
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=holder.organisation_id, language="en"
    )
    client = app.test_client()
    sign_in(client, manager)
    page = page_text(client.get(f"/verify/{certificate.code}"))
    assert "Revoking takes effect at once on this page." in page
    response = client.post(
        f"/certificates/{certificate.code}/revoke", data={"reason": "misconduct"}
    )
    assert response.status_code == 302
    text = page_text(
        app.test_client().get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"})
    )
    assert "This certificate was revoked." in text and "Obtained by cheating or misconduct" in text
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
        )
        assert event.actor_id == manager.id and event.target_id == certificate.id
    # The holder can no longer download it as if it were valid.
    client = app.test_client()
    sign_in(client, holder)
    assert client.get(f"/my-certificates/{certificate.code}.pdf").status_code == 302
    assert "Revoked" in page_text(client.get("/my-certificates"))


def test_a_manager_of_another_organisation_cannot_revoke(app, client, make, holder):
    certificate = certificate_of(app, holder.id)
    other = make.organisation(name="Poliția Bihor")
    client = app.test_client()
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=other))
    assert "Revoking takes effect" not in page_text(client.get(f"/verify/{certificate.code}"))
    response = client.post(
        f"/certificates/{certificate.code}/revoke", data={"reason": "misconduct"}
    )
    assert response.status_code == 403
    assert certificate_of(app, holder.id).revoked_at is None


def test_a_learner_cannot_download_another_learners_certificate(app, client, make, holder):
    certificate = certificate_of(app, holder.id)
    client = app.test_client()
    sign_in(client, make.user())
    assert client.get(f"/my-certificates/{certificate.code}.pdf").status_code == 404
    assert display(certificate.code) not in page_text(client.get("/my-certificates"))


def save_issuer(client, **fields):
    """Post the issuer's details with a logo, as an administrator does."""
    return client.post(
        "/admin/certificates",
        data={
            "name": "Asociația Exemplu Oradea",
            "url": "https://example.org",
            "email": "contact@example.org",
            "colour": "#224466",
            "logo": (io.BytesIO(PNG_1PX), "logo.png"),
            **fields,
        },
        content_type="multipart/form-data",
    )


def test_the_issuer_and_signatory_an_administrator_sets_appear_on_new_certificates(
    app, client, make, course
):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en", second_factor=True)
    sign_in(client, admin)
    saved = save_issuer(client, accreditation_ro="Program acreditat (exemplu)")
    assert saved.status_code == 302, page_text(saved)
    added = client.post(
        "/admin/certificates/signatories/new",
        data={
            "key": "director",
            "name": "Ana Pop",
            "role_ro": "Director executiv",
            "role_en": "Executive director",
            "role_hu": "Ügyvezető igazgató",
            "active": "y",
            "signature": (io.BytesIO(PNG_1PX), "signature.png"),
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 302, page_text(added)
    learner = make.user(language="en")
    client = app.test_client()
    sign_in(client, learner)
    complete_course(client, app)
    certificate = certificate_of(app, learner.id)
    assert certificate.issuer_name == "Asociația Exemplu Oradea"
    assert certificate.signatory_name == "Ana Pop" and certificate.signature_sha256
    data = client.get(f"/my-certificates/{certificate.code}.pdf?lang=ro").data
    text = pdf_text(data)
    assert "Ana Pop" in text and "Director executiv" in text and "Program acreditat" in text
    page = pdfium.PdfDocument(data)[0]
    assert sum(1 for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE) == 3


def test_an_image_that_is_not_one_is_refused_with_a_message(app, client, make):
    sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN), language="en", second_factor=True))
    response = client.post(
        "/admin/certificates/signatories/new",
        data={
            "key": "director",
            "name": "Ana Pop",
            "role_ro": "Director",
            "role_en": "Director",
            "role_hu": "Igazgató",
            "signature": (io.BytesIO(b"<svg onload=alert(1)>"), "signature.png"),
        },
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "This file is not an image we can read." in page_text(response)


def test_an_erased_holders_certificate_can_still_be_checked_without_the_name(app, client, holder):
    from elearn.privacy.services import erase_account

    certificate = certificate_of(app, holder.id)
    with app.app_context():
        from elearn.accounts.models import User

        erase_account(db.session.get(User, holder.id), password=holder.password)
        db.session.commit()
    page = app.test_client().get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"})
    text = page_text(page)
    assert page.status_code == 200 and "This certificate is valid." in text
    assert "The holder has erased their personal data" in text
    assert "Ștefania" not in page.get_data(as_text=True)


def test_today_is_the_platforms_day(app):
    with app.app_context(), freeze_time("2026-11-29 23:30:00"):
        assert services.today() == date(2026, 11, 30)  # already the 30th in Bucharest
        assert services.today() - timedelta(days=1) == date(2026, 11, 29)


def test_a_logo_kept_in_the_media_storage_still_shows(app, client, make):
    """Bytes in the media storage rather than the database (a course file with the same
    content, or `elearn courses move-media`): the preview and the PDF read them from there."""
    import io as io_

    from elearn.certificates.models import Issuer
    from elearn.courses.media import blob_key
    from elearn.courses.models import Blob
    from elearn.storage import storage

    sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN), second_factor=True))
    saved = save_issuer(client)
    assert saved.status_code == 302, page_text(saved)
    with app.app_context():
        sha256 = db.session.scalar(select(Issuer.logo_sha256))
        blob = db.session.get(Blob, sha256)
        logo, key = blob.data, blob_key(sha256)
        storage().put(key, io_.BytesIO(logo))
        blob.data, blob.storage_key = None, key
        db.session.commit()
    with client.get(f"/admin/certificates/images/{sha256}.png") as preview:
        assert preview.status_code == 200 and preview.data == logo
    with app.app_context():
        from elearn.certificates.services import _blob

        assert _blob(sha256) == logo
