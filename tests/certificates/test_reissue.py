"""After a change of name, the holder asks for their certificate under the new name; an
administrator approves; the code stays, the PDF is new, the page says "reissued on"."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.certificates.models import ReissueRequest
from elearn.extensions import db
from tests.certificates.conftest import certificate_of
from tests.conftest import page_text, sign_in


def rename(app, user_id: int, name: str) -> None:
    with app.app_context():
        db.session.get(User, user_id).full_name = name
        db.session.commit()


def test_a_changed_name_is_reissued_under_the_same_code_once_approved(app, client, make, holder):
    before = certificate_of(app, holder.id)
    rename(app, holder.id, "Ștefania-Gyöngyi Pop")
    mine = page_text(client.get("/my-certificates"))
    assert "your account now says Ștefania-Gyöngyi Pop" in mine
    client.post(f"/my-certificates/{before.code}/reissue")
    client.post(f"/my-certificates/{before.code}/reissue")  # twice: still one request
    with app.app_context():
        assert len(db.session.scalars(select(ReissueRequest)).all()) == 1
    assert certificate_of(app, holder.id).holder_name == "Ștefania-Gyöngyi Mureșan"

    admin = app.test_client()
    sign_in(admin, make.user(roles=(Role.LEARNER, Role.ADMIN), language="en", second_factor=True))
    listing = page_text(admin.get("/admin/certificates/reissues"))
    assert "From Ștefania-Gyöngyi Mureșan to Ștefania-Gyöngyi Pop" in listing
    with app.app_context():
        request_id = db.session.scalar(select(ReissueRequest.id))
    admin.post(f"/admin/certificates/reissues/{request_id}/approve")

    after = certificate_of(app, holder.id)
    assert after.code == before.code and after.holder_name == "Ștefania-Gyöngyi Pop"
    assert after.reissued_at is not None
    page = page_text(
        app.test_client().get(f"/verify/{after.code}", headers={"Accept-Language": "en"})
    )
    assert "Ștefania-Gyöngyi Pop" in page and "reissued on" in page
    assert "Mureșan" not in page
    pdf = client.get(f"/my-certificates/{after.code}.pdf?lang=en").data
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ștefania-Gyöngyi Pop" in text and "Reissued on" in text
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"certificate.reissue_requested", "certificate.reissued"} <= actions
    assert "Ask for it under my current name" not in page_text(client.get("/my-certificates"))


def test_a_refused_request_changes_nothing_and_a_learner_cannot_decide(app, client, make, holder):
    certificate = certificate_of(app, holder.id)
    rename(app, holder.id, "Alt Nume")
    client.post(f"/my-certificates/{certificate.code}/reissue")
    with app.app_context():
        request_id = db.session.scalar(select(ReissueRequest.id))
    assert client.post(f"/admin/certificates/reissues/{request_id}/approve").status_code == 403
    admin = app.test_client()
    sign_in(admin, make.user(roles=(Role.LEARNER, Role.ADMIN), second_factor=True))
    admin.post(f"/admin/certificates/reissues/{request_id}/refuse")
    assert certificate_of(app, holder.id).holder_name == "Ștefania-Gyöngyi Mureșan"
    admin.post(f"/admin/certificates/reissues/{request_id}/approve")  # decided already
    assert certificate_of(app, holder.id).holder_name == "Ștefania-Gyöngyi Mureșan"


def test_nobody_can_ask_to_reissue_another_persons_certificate(app, make, holder):
    certificate = certificate_of(app, holder.id)
    other = app.test_client()
    sign_in(other, make.user(full_name="Altcineva"))
    assert other.post(f"/my-certificates/{certificate.code}/reissue").status_code == 404
