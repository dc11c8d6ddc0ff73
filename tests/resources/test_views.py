"""Every page of the library: who is refused, a missing resource, the happy path, bad input
with its message next to the field in the reader's language."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.extensions import db
from elearn.resources import files
from elearn.resources.models import Resource, ResourceDownloadDay, ResourceFile, ResourceStatus
from tests.conftest import page_text, sign_in
from tests.content.mediafiles import MARKERS, exif_with_gps, jpeg
from tests.resources.conftest import make_resource, png, upload_data

KEY = "poster-know-the-signs"
MULTIPART = {"content_type": "multipart/form-data"}


def _resource(app) -> Resource | None:
    with app.app_context():
        resource = db.session.scalar(select(Resource).where(Resource.key == KEY))
        if resource is not None:
            resource.files  # noqa: B018 - loaded before the session closes
        return resource


def _approved(app, people, **kwargs) -> int:
    return make_resource(
        app,
        people.trainer.id,
        status=ResourceStatus.APPROVED,
        reviewer_id=people.admin.id,
        **kwargs,
    )


# The library and a resource's page ------------------------------------------------------------


def test_anonymous_visitors_see_approved_resources_only(app, client, people):
    _approved(app, people)
    make_resource(app, people.trainer.id, key="draft-flyer")
    response = client.get("/resources/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    text = page_text(response)
    assert f"Title {KEY} ro" in text
    assert "draft-flyer" not in text
    assert "1 resource" in text
    assert "download" not in text.split("1 resource")[1]  # totals are for trainers only


def test_the_library_filters_by_audience_language_and_kind(app, client, people):
    _approved(app, people, languages=("ro", "hu"))
    _approved(app, people, key="parents-guide", audience="parents", kind="guide", languages=("en",))
    english = {"Accept-Language": "en"}

    def titles(query):
        return page_text(client.get(f"/resources/?{query}", headers=english))

    assert "parents-guide" not in titles("audience=pupils") and KEY in titles("audience=pupils")
    assert KEY not in titles("language=en") and "parents-guide" in titles("language=en")
    assert KEY in titles("language=hu")
    assert "parents-guide" in titles("kind=guide") and KEY not in titles("kind=guide")


def test_an_unknown_filter_is_a_clear_400(client):
    response = client.get("/resources/?kind=virus", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Choose from the list." in page_text(response)


def test_the_library_is_paginated(app, client, people, monkeypatch):
    from elearn.resources import library

    monkeypatch.setattr(library, "PER_PAGE", 2)
    for number in range(3):
        _approved(app, people, key=f"poster-{number}")
    first = page_text(client.get("/resources/", headers={"Accept-Language": "en"}))
    assert "Page 1 of 2" in first
    second = page_text(client.get("/resources/?page=2", headers={"Accept-Language": "en"}))
    assert "poster-0" in second and "poster-2" not in second


def test_a_resource_page_falls_back_to_another_language(app, client, people):
    _approved(app, people, languages=("ro",))
    response = client.get(f"/resources/{KEY}", headers={"Accept-Language": "hu"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<h1 lang="ro">Title {KEY} ro</h1>' in body
    assert 'rel="license"' in body and "creativecommons.org/licenses/by/4.0/" in body
    assert "PNG" in page_text(response)


def test_a_missing_resource_is_404(client):
    assert client.get("/resources/nothing-here").status_code == 404
    assert client.get("/resources/nothing-here/files/ro").status_code == 404


def test_a_draft_is_404_for_others_and_seen_by_its_uploader_and_administrators(
    app, client, make, people
):
    make_resource(app, people.trainer.id)
    assert client.get(f"/resources/{KEY}").status_code == 404
    sign_in(client, people.other_trainer)
    assert client.get(f"/resources/{KEY}").status_code == 404
    for person in (people.trainer, people.admin):
        own = app.test_client()
        sign_in(own, person)
        assert own.get(f"/resources/{KEY}").status_code == 200


# Downloads -----------------------------------------------------------------------------------


def test_a_download_is_an_attachment_counted_without_the_person(app, client, people):
    _approved(app, people)
    response = client.get(f"/resources/{KEY}/files/ro")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{KEY}-ro.png"'
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"\x89PNG")
    client.get(f"/resources/{KEY}/files/ro").close()
    with app.app_context():
        rows = db.session.scalars(select(ResourceDownloadDay)).all()
        assert [row.downloads for row in rows] == [2]
    trainer = app.test_client()
    sign_in(trainer, people.trainer)
    assert "2 downloads" in page_text(trainer.get(f"/resources/{KEY}"))
    assert "2 downloads" in page_text(trainer.get("/resources/"))


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "RESOURCE_COUNT_LIMIT_PER_ADDRESS": "3 per hour"}],
    indirect=True,
)
def test_one_address_downloading_in_a_loop_is_served_but_counted_only_so_often(app, client, people):
    _approved(app, people, languages=("ro", "en"))
    for _ in range(5):
        response = client.get(f"/resources/{KEY}/files/ro")
        assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
    # Another address still counts, and so does the same address for the other file.
    other = app.test_client()
    other.get(f"/resources/{KEY}/files/ro", environ_base={"REMOTE_ADDR": "192.0.2.7"}).close()
    client.get(f"/resources/{KEY}/files/en").close()
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(ResourceFile.language, ResourceDownloadDay.downloads).join(
                    ResourceFile, ResourceFile.id == ResourceDownloadDay.file_id
                )
            ).all()
        )
    assert counts == {"ro": 4, "en": 1}


def test_a_language_without_a_file_is_404(app, client, people):
    _approved(app, people, languages=("ro",))
    assert client.get(f"/resources/{KEY}/files/hu").status_code == 404


def test_a_reviewer_looking_at_a_draft_file_is_not_counted(app, client, people):
    make_resource(app, people.trainer.id, status=ResourceStatus.IN_REVIEW)
    sign_in(client, people.admin)
    assert client.get(f"/resources/{KEY}/files/ro").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(ResourceDownloadDay)).all() == []


# Uploading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, Role.LEARNER, Role.MANAGER])
def test_only_trainers_and_administrators_upload(client, as_role, role):
    as_role(role)
    for url in ("/resources/manage/", "/resources/manage/new"):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        else:
            assert response.status_code == 403
    response = client.post("/resources/manage/new", data=upload_data(), **MULTIPART)
    assert response.status_code in (302, 403) and _resource(client.application) is None


def test_a_trainer_uploads_a_poster_as_a_draft_without_its_metadata(app, client, people):
    sign_in(client, people.trainer)
    photo = jpeg(exif=exif_with_gps())
    data = upload_data(file_hu=(io.BytesIO(photo), "plakat.jpg"), title_hu="Plakát")
    response = client.post("/resources/manage/new", data=data, **MULTIPART)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/resources/{KEY}"
    resource = _resource(app)
    assert resource.status == ResourceStatus.DRAFT
    assert resource.title == {"ro": "Afiș: recunoaște semnele", "hu": "Plakát"}
    assert resource.attribution == "Ilustrație: Ana Pop"
    assert {file.language: file.media_type for file in resource.files} == {
        "hu": "image/jpeg",
        "ro": "image/png",
    }
    stored = client.get(f"/resources/{KEY}/files/hu").data
    assert not any(marker in stored for marker in MARKERS)


def test_bad_input_is_named_next_to_each_field(app, client, people):
    sign_in(client, people.trainer)
    data = upload_data(
        key="Not A Key",
        kind="virus",
        title_ro="",
        file_ro=(io.BytesIO(b"<html><script>x</script></html>"), "afis.pdf"),
    )
    response = client.post("/resources/manage/new", data=data, **MULTIPART)
    assert response.status_code == 400
    text = page_text(response)
    assert "Use only lowercase letters, digits and single hyphens in the key." in text
    assert "Choose the kind of material from the list." in text
    assert _resource(app) is None


def test_a_refused_file_is_named_in_the_readers_language(app, client, make):
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), language="ro")
    sign_in(client, trainer)
    data = upload_data(file_ro=(io.BytesIO(b"<!doctype html><p>hi"), "afis.pdf"))
    response = client.post("/resources/manage/new", data=data, **MULTIPART)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="file_ro-error"' in body
    assert "afis.pdf nu este de fapt un fișier .pdf." in page_text(response)


def test_a_missing_title_and_file_are_refused(app, client, people):
    sign_in(client, people.trainer)
    data = upload_data(title_ro="")
    data.pop("file_ro")
    response = client.post("/resources/manage/new", data=data, **MULTIPART)
    assert response.status_code == 400
    assert "Give the resource a title in at least one language." in page_text(response)
    data = upload_data()
    data.pop("file_ro")
    response = client.post("/resources/manage/new", data=data, **MULTIPART)
    assert "Upload the file in at least one language." in page_text(response)


def test_a_key_in_use_is_refused_next_to_the_key(app, client, people):
    make_resource(app, people.other_trainer.id)
    sign_in(client, people.trainer)
    response = client.post("/resources/manage/new", data=upload_data(), **MULTIPART)
    assert response.status_code == 400
    assert 'id="key-error"' in response.get_data(as_text=True)


def test_an_oversized_file_is_refused(app, client, people, monkeypatch):
    from elearn.content.source import Limits

    monkeypatch.setattr(files, "LIMITS", Limits(max_file_bytes=100))
    sign_in(client, people.trainer)
    response = client.post("/resources/manage/new", data=upload_data(), **MULTIPART)
    assert response.status_code == 400
    assert "afis.png is too large" in page_text(response)


def test_without_the_form_token_nothing_is_saved(app, client, people):
    sign_in(client, people.trainer)
    response = client.post("/resources/manage/new", data=upload_data(), csrf=False, **MULTIPART)
    assert response.status_code == 400
    assert _resource(app) is None


# Editing -------------------------------------------------------------------------------------


def test_a_trainer_edits_only_their_own(app, client, people):
    make_resource(app, people.trainer.id)
    sign_in(client, people.other_trainer)
    assert client.get(f"/resources/manage/{KEY}/edit").status_code == 403
    assert client.post(f"/resources/manage/{KEY}/submit").status_code == 403
    assert client.get("/resources/manage/nothing/edit").status_code == 404


def test_a_new_file_of_an_approved_resource_sends_it_back_to_review(app, client, people):
    _approved(app, people)
    sign_in(client, people.trainer)
    form = client.get(f"/resources/manage/{KEY}/edit")
    assert form.status_code == 200 and f"Title {KEY} ro" in form.get_data(as_text=True)
    data = upload_data(file_ro=(io.BytesIO(png((1, 2, 3))), "nou.png"))
    data.pop("key")
    response = client.post(f"/resources/manage/{KEY}/edit", data=data, **MULTIPART)
    assert response.status_code == 302
    resource = _resource(app)
    assert resource.status == ResourceStatus.IN_REVIEW
    assert resource.files[0].file_name == "nou.png"
    assert client.application.test_client().get(f"/resources/{KEY}").status_code == 404


def test_an_edit_without_a_title_is_refused(app, client, people):
    make_resource(app, people.trainer.id)
    sign_in(client, people.trainer)
    data = upload_data(title_ro="")
    data.pop("file_ro")
    response = client.post(f"/resources/manage/{KEY}/edit", data=data, **MULTIPART)
    assert response.status_code == 400
    assert "Give the resource a title in at least one language." in page_text(response)


# Review --------------------------------------------------------------------------------------


def test_submitting_then_an_administrator_approves(app, client, people):
    make_resource(app, people.trainer.id)
    sign_in(client, people.trainer)
    assert client.post(f"/resources/manage/{KEY}/submit").status_code == 302
    assert _resource(app).status == ResourceStatus.IN_REVIEW
    trainer_page = page_text(client.get("/resources/manage/"))
    assert "In review" in trainer_page
    admin = app.test_client()
    sign_in(admin, people.admin)
    assert "1 resource is waiting for your review." in page_text(admin.get("/resources/manage/"))
    assert 'name="decision"' in admin.get(f"/resources/{KEY}").get_data(as_text=True)
    response = admin.post(f"/resources/manage/{KEY}/review", data={"decision": "approve"})
    assert response.status_code == 302
    assert _resource(app).status == ResourceStatus.APPROVED


def test_submitting_twice_is_refused_with_a_message(app, client, people):
    make_resource(app, people.trainer.id, status=ResourceStatus.IN_REVIEW)
    sign_in(client, people.trainer)
    response = client.post(f"/resources/manage/{KEY}/submit")
    assert response.status_code == 400
    assert "Only a draft can be submitted for review." in page_text(response)


def test_trainers_do_not_review(app, client, people):
    make_resource(app, people.trainer.id, status=ResourceStatus.IN_REVIEW)
    sign_in(client, people.other_trainer)
    response = client.post(f"/resources/manage/{KEY}/review", data={"decision": "approve"})
    assert response.status_code == 403
    assert client.post(f"/resources/manage/{KEY}/withdraw").status_code == 403
    assert _resource(app).status == ResourceStatus.IN_REVIEW


def test_sending_back_needs_a_note_which_the_uploader_reads(app, client, people):
    make_resource(app, people.trainer.id, status=ResourceStatus.IN_REVIEW)
    sign_in(client, people.admin)
    url = f"/resources/manage/{KEY}/review"
    response = client.post(url, data={"decision": "send_back", "note": ""})
    assert response.status_code == 400
    assert 'id="note-error"' in response.get_data(as_text=True)
    assert client.post(url, data={"decision": "maybe"}).status_code == 400
    note = "Add the helpline number 0800 800 678."
    assert client.post(url, data={"decision": "send_back", "note": note}).status_code == 302
    uploader = app.test_client()
    sign_in(uploader, people.trainer)
    assert note in page_text(uploader.get(f"/resources/{KEY}"))
    assert (
        client.post("/resources/manage/nothing/review", data={"decision": "approve"}).status_code
        == 404
    )


def test_an_administrator_does_not_approve_their_own_upload(app, client, make):
    both = make.user(roles=(Role.LEARNER, Role.TRAINER, Role.ADMIN), language="en")
    make_resource(app, both.id, status=ResourceStatus.IN_REVIEW)
    sign_in(client, both)
    response = client.post(f"/resources/manage/{KEY}/review", data={"decision": "approve"})
    assert response.status_code == 400
    assert "another administrator reviews it" in page_text(response)
    assert _resource(app).status == ResourceStatus.IN_REVIEW


def test_an_administrator_withdraws_a_resource(app, client, people):
    _approved(app, people)
    sign_in(client, people.admin)
    assert client.post(f"/resources/manage/{KEY}/withdraw").status_code == 302
    assert _resource(app).status == ResourceStatus.WITHDRAWN
    assert app.test_client().get(f"/resources/{KEY}").status_code == 404
    again = client.post(f"/resources/manage/{KEY}/withdraw")
    assert again.status_code == 400 and "already withdrawn" in page_text(again)
    assert client.post("/resources/manage/nothing/withdraw").status_code == 404


def test_a_head_request_is_not_counted(app, client, people):
    _approved(app, people)
    assert client.head(f"/resources/{KEY}/files/ro").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(ResourceDownloadDay)).all() == []


def test_the_header_links_to_the_library_for_everyone(client, as_role):
    assert 'href="/resources/"' in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    as_role(Role.LEARNER)
    response = client.get("/resources/")
    assert '<a href="/resources/" aria-current="page">' in response.get_data(as_text=True)
