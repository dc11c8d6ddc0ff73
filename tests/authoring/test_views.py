"""The draft's page, starting a draft, and zips in and out, through the real forms."""

from __future__ import annotations

import io
import zipfile

from elearn.accounts.models import Role
from elearn.authoring import services
from elearn.authoring.models import CourseAuthor, Draft, DraftStatus
from elearn.extensions import db
from tests.conftest import sign_in
from tests.content.helpers import zip_of


def test_a_trainer_opens_the_editor_and_sees_each_languages_state(app, client, course_setup):
    sign_in(client, course_setup.trainer)
    response = client.post(f"/manage/courses/{course_setup.course_id}/draft")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/manage/drafts/")
    html = client.get(location, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "draft of version 1.0.1" in html or "1.0.1" in html
    assert "welcome" in html
    # Opening it again leads to the same draft.
    assert (
        client.post(f"/manage/courses/{course_setup.course_id}/draft").headers["Location"]
        == location
    )


def test_a_trainer_of_another_organisation_cannot_open_the_editor(app, client, make, course_setup):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(
            name="DGASPC Cluj", kind="social_assistance", county="CJ"
        ),
    )
    sign_in(client, outsider)
    assert client.post(f"/manage/courses/{course_setup.course_id}/draft").status_code == 403
    with app.app_context():
        assert db.session.query(Draft).count() == 0


def test_once_a_course_has_co_authors_only_they_edit_it(app, client, make, course_setup, draft_id):
    colleague = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=course_setup.organisation_id
    )
    with app.app_context():
        db.session.add(
            CourseAuthor(course_id=course_setup.course_id, user_id=course_setup.trainer.id)
        )
        db.session.commit()
    sign_in(client, colleague)
    assert client.get(f"/manage/drafts/{draft_id}").status_code == 403
    other = app.test_client()
    sign_in(other, course_setup.trainer)
    assert other.get(f"/manage/drafts/{draft_id}").status_code == 200


def test_the_exported_draft_is_its_files(app, client, course_setup, draft_id):
    sign_in(client, course_setup.trainer)
    response = client.get(f"/manage/drafts/{draft_id}/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        exported = {name: archive.read(name) for name in archive.namelist()}
    with app.app_context():
        assert exported == services.draft_files(db.session.get(Draft, draft_id))


def test_a_broken_zip_is_explained_in_romanian_and_changes_nothing(
    app, client, course_setup, draft_id
):
    with app.app_context():
        files = services.draft_files(db.session.get(Draft, draft_id))
    broken = {
        **files,
        "lessons/welcome.ro.md": files["lessons/welcome.ro.md"].replace(b"title:", b"titlu:"),
    }
    sign_in(client, course_setup.trainer)
    response = client.post(
        f"/manage/drafts/{draft_id}/import",
        data={"package": (io.BytesIO(zip_of(broken)), "curs.zip")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "ro"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "lessons/welcome.ro.md" in html and "Nu s-a importat nimic" in html
    with app.app_context():
        assert services.draft_files(db.session.get(Draft, draft_id)) == files


def test_a_zip_edited_elsewhere_becomes_the_draft(app, client, course_setup, draft_id):
    with app.app_context():
        files = services.draft_files(db.session.get(Draft, draft_id))
    files["lessons/closing.ro.md"] += b"\nUn paragraf nou.\n"
    sign_in(client, course_setup.trainer)
    response = client.post(
        f"/manage/drafts/{draft_id}/import",
        data={"package": (io.BytesIO(zip_of(files)), "curs.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert services.draft_files(db.session.get(Draft, draft_id)) == files


def test_discarding_closes_the_draft(app, client, course_setup, draft_id):
    sign_in(client, course_setup.trainer)
    assert client.post(f"/manage/drafts/{draft_id}/discard").status_code == 302
    with app.app_context():
        assert db.session.get(Draft, draft_id).status == DraftStatus.DISCARDED


def test_a_deactivated_co_author_does_not_keep_the_course_closed(app, client, make, course_setup):
    from elearn.accounts.models import User
    from elearn.database import utcnow

    colleague = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=course_setup.organisation_id
    )
    with app.app_context():
        db.session.add(
            CourseAuthor(course_id=course_setup.course_id, user_id=course_setup.trainer.id)
        )
        db.session.commit()
    sign_in(client, colleague)
    assert client.post(f"/manage/courses/{course_setup.course_id}/draft").status_code == 403
    with app.app_context():
        db.session.get(User, course_setup.trainer.id).deactivated_at = utcnow()
        db.session.commit()
    assert client.post(f"/manage/courses/{course_setup.course_id}/draft").status_code == 302
