"""A course naming a signatory that does not exist: the import warns, the certificate says
"Signed on behalf of" its issuer, and the PDF is tagged as far as fpdf2 can."""

from __future__ import annotations

import io

from pypdf import PdfReader

from elearn.accounts.models import Role
from elearn.certificates import services
from elearn.certificates.models import Signatory
from elearn.courses.services import import_package
from elearn.extensions import db
from tests.certificates.conftest import certificate_of
from tests.conftest import page_text
from tests.content.helpers import load_once, valid_files


def test_importing_a_course_whose_signatory_does_not_exist_warns(app):
    with app.app_context():
        result = import_package(
            load_once(valid_files()), organisation_id=None, by_id=None, operator=True
        )
        assert len(result.warnings) == 1
        assert "director" in str(result.warnings[0])


def test_importing_a_course_whose_signatory_exists_does_not_warn(app):
    with app.app_context():
        db.session.add(Signatory(key="director", name="Ana Pop", role={"en": "Director"}))
        db.session.flush()
        result = import_package(
            load_once(valid_files()), organisation_id=None, by_id=None, operator=True
        )
        assert result.warnings == []


def test_a_certificate_without_its_signatory_is_signed_on_behalf_of_the_issuer(app, holder):
    certificate = certificate_of(app, holder.id)
    assert certificate.signatory_name is None
    with app.test_request_context():
        document = services.document(certificate, "en")
        assert document.signatory_name == f"Signed on behalf of {certificate.issuer_name}"
        assert document.signatory_role is None
        data = services.pdf_bytes(certificate, "en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Signed on behalf of" in text


def test_the_pdf_names_its_language_and_title_and_tags_its_pictures(app, holder):
    certificate = certificate_of(app, holder.id)
    with app.test_request_context():
        data = services.pdf_bytes(certificate, "hu")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "hu"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert certificate.holder_name in reader.metadata.title
    assert b"/Alt" in data


def test_the_upload_page_warns_that_the_certificates_signatory_is_missing(app, client, as_role):
    from tests.conftest import make_organisation
    from tests.courses.test_views import upload

    school = make_organisation(app)
    as_role(Role.TRAINER, organisation_id=school, language="en")
    response = upload(client, valid_files())
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"], headers={"Accept-Language": "en"}))
    assert "signatory “director”, who does not exist" in page


def test_the_import_command_prints_the_missing_signatory(runner):
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "data" / "packages" / "valid"
    result = runner.invoke(args=["courses", "import", str(package)])
    assert result.exit_code == 0, result.output
    assert "warning: The certificate names the signatory “director”" in result.output
