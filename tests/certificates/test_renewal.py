"""Renewal: from the window before expiry, passing the final quiz again on the course's current
version issues a new certificate, and the old one says "replaced by" it."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from elearn.certificates.codes import display
from elearn.certificates.models import Certificate
from elearn.extensions import db
from tests.certificates.conftest import complete_course
from tests.conftest import page_text, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files
from tests.quizzes.test_attempts import QUIZ, answer_everything, start


def certificates(app) -> list[Certificate]:
    with app.app_context():
        return list(db.session.scalars(select(Certificate).order_by(Certificate.round)))


def test_renewing_on_the_current_version_supersedes_the_old_certificate(app, client, make, course):
    with freeze_time("2026-11-29 10:00:00"):
        person = make.user(language="en")
        sign_in(client, person)
        complete_course(client, app)
        [first] = certificates(app)
        early = client.post(f"/my-certificates/{first.code}/renew")
        assert "cannot be renewed now" in page_text(client.get(early.headers["Location"]))
        assert "You can renew it from 31 August 2028." in page_text(client.get("/my-certificates"))
    # A newer version of the course is out by the time the certificate is due for renewal.
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    import_files(app, edit(files, "course.yaml", 'version: "1.0.0"', 'version: "1.1.0"'))
    with freeze_time("2028-10-01 10:00:00"):
        client = app.test_client()
        sign_in(client, person)
        assert "Renew this certificate" in page_text(client.get("/my-certificates"))
        response = client.post(f"/my-certificates/{first.code}/renew")
        assert response.headers["Location"].endswith(f"{QUIZ}/final/")
        assert "Pass this quiz again to renew your certificate." in page_text(
            client.get(response.headers["Location"])
        )
        attempt_id = start(client)
        answer_everything(client, app, attempt_id)
        client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    old, new = certificates(app)
    assert new.round == 2 and new.version_label == "1.1.0" and new.code != old.code
    assert str(new.completed_on) == "2028-10-01" and str(new.expires_on) == "2030-10-01"
    assert old.superseded_by_id == new.id
    visitor = app.test_client()
    text = page_text(visitor.get(f"/verify/{old.code}", headers={"Accept-Language": "en"}))
    assert "This certificate was replaced by a newer one." in text
    assert display(new.code) in text
    text = page_text(visitor.get(f"/verify/{new.code}", headers={"Accept-Language": "en"}))
    assert "This certificate is valid." in text


def test_a_failed_renewal_attempt_leaves_the_old_certificate_as_it_was(app, client, make, course):
    with freeze_time("2026-11-29 10:00:00"):
        person = make.user(language="en")
        sign_in(client, person)
        complete_course(client, app)
    [first] = certificates(app)
    with freeze_time(first.expires_on - timedelta(days=10)):
        client = app.test_client()
        sign_in(client, person)
        client.post(f"/my-certificates/{first.code}/renew")
        attempt_id = start(client)
        answer_everything(client, app, attempt_id, right=False)
        client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
        overview = page_text(client.get(f"{QUIZ}/final/"))
    assert "Pass this quiz again to renew your certificate." in overview
    [still] = certificates(app)
    assert still.superseded_by_id is None
