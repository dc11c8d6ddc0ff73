"""The media page: uploads meet a package import's refusals and leave without metadata; alt
texts change their own lines; a file still shown by a lesson cannot be deleted."""

from __future__ import annotations

import difflib
import io

import pytest

from elearn.accounts.models import Role
from elearn.authoring import media_views, services, structure_media
from elearn.authoring.models import Draft
from elearn.content.source import Limits, check_file
from elearn.extensions import db
from tests.conftest import sign_in
from tests.content import mediafiles
from tests.content.helpers import valid_files

EN = {"Accept-Language": "en"}
VALID = valid_files()


@pytest.fixture
def author(make, course_setup):
    return make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )


def draft_files(app, draft_id: int) -> dict[str, bytes]:
    with app.app_context():
        return services.draft_files(db.session.get(Draft, draft_id))


def upload(client, draft_id: int, name: str, data: bytes, **fields):
    form = {"file": (io.BytesIO(data), name), **fields}
    return client.post(
        f"/manage/drafts/{draft_id}/media",
        data=form,
        headers=EN,
        content_type="multipart/form-data",
    )


def post(client, url: str, prefix: str, **fields):
    data = {f"{prefix}-{key}": value for key, value in fields.items()}
    data[f"{prefix}-csrf_token"] = client.csrf_token()
    return client.post(url, data=data, headers=EN)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# The pure part -------------------------------------------------------------------------------


def test_the_import_check_refuses_svg_quicktime_and_oversize_files():
    assert check_file("media/diagram.png", 1000) == []
    [svg] = check_file("media/logo.svg", 10)
    assert svg.params["type"] == ".svg"
    [mov] = check_file("media/clip.mov", 10)
    assert "QuickTime" in mov.message
    [big] = check_file("media/photo.jpg", 2000, Limits(max_file_bytes=1000))
    assert big.params["limit"] == 1000


def test_changing_one_alt_text_changes_exactly_one_line():
    text = VALID["course.yaml"].decode()
    after = structure_media.describe_text(
        text, "media/photo.jpg", {"ro": "O sală de clasă goală", "en": "A classroom"}, {}
    )
    assert changed_lines(text, after) == ["-      en: An empty classroom", "+      en: A classroom"]


def test_the_snippet_is_the_markdown_the_lessons_use():
    assert structure_media.snippet("media/photo.jpg", "image") == "![](media/photo.jpg)"
    assert structure_media.snippet("media/clip.mp4", "video") == "![](media/clip.mp4)"
    assert (
        structure_media.snippet("media/handout.pdf", "handout", "Worksheet")
        == "[Worksheet](media/handout.pdf)"
    )


# Through the page ----------------------------------------------------------------------------


def test_the_page_lists_the_files_with_their_texts_and_where_they_are_used(
    client, author, draft_id
):
    sign_in(client, author)
    response = client.get(f"/manage/drafts/{draft_id}/media", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "media/photo.jpg" in html and "An empty classroom" in html
    assert "<code>![](media/photo.jpg)</code>" in html
    assert "<code>[Fișă de lucru](media/handout.pdf)</code>" in html
    assert "media/clip.ro.vtt" in html and "<code>media-lesson</code>" in html


def test_an_uploaded_photo_is_stored_without_its_gps_position(app, client, author, draft_id):
    photo = mediafiles.jpeg((32, 16), exif=mediafiles.exif_with_gps())
    assert b"ELEARN-MAKE" in photo and b"GPS" in photo
    sign_in(client, author)
    response = upload(
        client,
        draft_id,
        "Sală de clasă.JPG",
        photo,
        alt_ro="Bănci goale",
        alt_en="Empty desks",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    files = draft_files(app, draft_id)
    stored = files["media/sala-de-clasa.jpg"]
    assert stored.startswith(b"\xff\xd8") and stored != photo
    for marker in (b"ELEARN-MAKE", b"ELEARN-MODEL", b"GPS"):
        assert marker not in stored
    manifest = files["course.yaml"].decode()
    assert manifest.endswith(
        "  - file: media/sala-de-clasa.jpg\n    alt:\n"
        "      ro: Bănci goale\n      en: Empty desks\n"
    )
    html = client.get(f"/manage/drafts/{draft_id}/media", headers=EN).get_data(as_text=True)
    assert "![](media/sala-de-clasa.jpg)" in html


def test_an_image_without_alt_text_is_refused_with_the_typed_text_kept(
    app, client, author, draft_id
):
    before = draft_files(app, draft_id)
    sign_in(client, author)
    response = upload(client, draft_id, "desks.png", VALID["media/diagram.png"], alt_ro="Bănci")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Alt text (English): describe the image for people who cannot see it." in html
    assert 'value="Bănci"' in html
    assert draft_files(app, draft_id) == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.svg", b"<svg onload='alert(1)'/>", "files of type &#39;.svg&#39; are not allowed"),
        (
            "page.html",
            b"<script>alert(1)</script>",
            "files of type &#39;.html&#39; are not allowed",
        ),
        ("setup.exe", b"MZ\x90\x00", "files of type &#39;.exe&#39; are not allowed"),
        ("clip.mov", b"\x00\x00\x00\x14ftypqt  ", "QuickTime .mov file"),
        ("notes.md", b"# notes", "File: upload an image, audio, video or PDF file."),
    ],
)
def test_files_a_package_may_not_hold_are_refused_next_to_the_file_field(
    app, client, author, draft_id, name, data, message
):
    before = draft_files(app, draft_id)
    sign_in(client, author)
    response = upload(client, draft_id, name, data, alt_ro="x", alt_en="x")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'href="#file"' in html  # the error summary leads to the field
    assert draft_files(app, draft_id) == before


def test_an_oversize_file_is_refused(app, client, author, draft_id, monkeypatch):
    monkeypatch.setattr(media_views, "LIMITS", Limits(max_file_bytes=100))
    sign_in(client, author)
    response = upload(client, draft_id, "big.pdf", b"%PDF-1.4\n" + b"0" * 200, title_ro="a")
    assert response.status_code == 400
    assert "is too large" in response.get_data(as_text=True)


def test_a_png_that_is_not_one_is_refused_by_the_loader_next_to_the_field(
    app, client, author, draft_id
):
    sign_in(client, author)
    response = upload(client, draft_id, "fake.png", b"<html>hi</html>", alt_ro="a", alt_en="b")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "media/fake.png is not really a .png file." in html
    assert "media/fake.png" not in draft_files(app, draft_id)


def test_a_name_the_course_already_has_is_refused(app, client, author, draft_id):
    sign_in(client, author)
    response = upload(
        client, draft_id, "photo.jpg", VALID["media/photo.jpg"], alt_ro="a", alt_en="b"
    )
    assert response.status_code == 400
    assert "the course already has media/photo.jpg" in response.get_data(as_text=True)


def test_a_video_needs_captions_in_every_language_and_gets_them(app, client, author, draft_id):
    sign_in(client, author)
    response = upload(
        client,
        draft_id,
        "interview.mp4",
        VALID["media/clip.mp4"],
        captions_ro=(io.BytesIO(VALID["media/clip.ro.vtt"]), "subtitrari.vtt"),
    )
    assert response.status_code == 400
    assert "Captions (English): upload the WebVTT captions of the video." in response.get_data(
        as_text=True
    )
    response = upload(
        client,
        draft_id,
        "interview.mp4",
        VALID["media/clip.mp4"],
        captions_ro=(io.BytesIO(VALID["media/clip.ro.vtt"]), "subtitrari.vtt"),
        captions_en=(io.BytesIO(VALID["media/clip.en.vtt"]), "captions.vtt"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    files = draft_files(app, draft_id)
    assert files["media/interview.ro.vtt"] == VALID["media/clip.ro.vtt"]
    assert "    captions:\n      ro: media/interview.ro.vtt\n" in files["course.yaml"].decode()


def test_audio_is_stored_with_its_transcripts(app, client, author, draft_id):
    sign_in(client, author)
    response = upload(
        client,
        draft_id,
        "story.mp3",
        VALID["media/talk.mp3"],
        transcript_ro="Bună ziua.",
        transcript_en="Good morning.",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    files = draft_files(app, draft_id)
    assert files["media/story.en.md"] == b"Good morning.\n"
    assert "      ro: media/story.ro.md\n" in files["course.yaml"].decode()


def test_editing_an_alt_text_changes_only_its_line(app, client, author, draft_id):
    before = draft_files(app, draft_id)["course.yaml"].decode()
    sign_in(client, author)
    url = f"/manage/drafts/{draft_id}/media/photo.jpg"
    response = post(
        client, url, "media-photo-jpg", alt_ro="O sală de clasă goală", alt_en="A classroom"
    )
    assert response.status_code == 302
    after = draft_files(app, draft_id)["course.yaml"].decode()
    assert changed_lines(before, after) == [
        "-      en: An empty classroom",
        "+      en: A classroom",
    ]
    response = post(client, url, "media-photo-jpg", alt_ro="O sală", alt_en="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Alt text (English): describe the image" in html and 'value="O sală"' in html
    assert post(client, f"/manage/drafts/{draft_id}/media/nope.png", "x").status_code == 404


def test_a_file_a_lesson_still_shows_cannot_be_deleted(app, client, author, draft_id):
    before = draft_files(app, draft_id)
    sign_in(client, author)
    url = f"/manage/drafts/{draft_id}/media/diagram.png/delete"
    response = post(client, url, "delete-media-diagram-png", confirm="y")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "media/diagram.png is used but not declared under media" in html
    assert "lessons/media-lesson.en.md" in html
    assert draft_files(app, draft_id) == before


def test_an_unused_file_is_deleted_with_its_transcripts(app, client, author, draft_id):
    sign_in(client, author)
    upload(
        client, draft_id, "story.mp3", VALID["media/talk.mp3"], transcript_ro="a", transcript_en="b"
    )
    url = f"/manage/drafts/{draft_id}/media/story.mp3/delete"
    assert post(client, url, "delete-media-story-mp3", confirm="y").status_code == 302
    files = draft_files(app, draft_id)
    assert not {"media/story.mp3", "media/story.ro.md", "media/story.en.md"} & set(files)
    assert "story" not in files["course.yaml"].decode()
    assert files["course.yaml"] == VALID["course.yaml"].replace(b'"1.0.0"', b'"1.0.1"')


def test_a_trainer_of_another_organisation_is_refused(app, client, make, draft_id):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(name="DGASPC Cluj", kind="social_assistance"),
    )
    sign_in(client, outsider)
    assert client.get(f"/manage/drafts/{draft_id}/media").status_code == 403
    response = upload(client, draft_id, "desks.png", VALID["media/diagram.png"], alt_ro="a")
    assert response.status_code == 403
    assert "media/desks.png" not in draft_files(app, draft_id)


def test_a_refusal_is_in_the_authors_language(app, client, course_setup, draft_id):
    sign_in(client, course_setup.trainer)  # reads the platform in Romanian
    response = upload(client, draft_id, "logo.svg", b"<svg/>", alt_ro="a", alt_en="b")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "media/logo.svg: fișierele de tipul &#39;.svg&#39; nu sunt permise" in html
    assert "Fișier" in html
