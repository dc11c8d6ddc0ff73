"""Media are found by hash and name among versions the reader may see, and streamed by range."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.content.loader import load_package
from elearn.content.source import PackageFiles
from elearn.courses import services
from elearn.courses.models import Blob, CourseVersion, PackageFile
from elearn.extensions import db
from elearn.reference import PROFESSIONS
from elearn.storage import blob_key, read_all
from tests.content import mediafiles as mf
from tests.content.helpers import edit, valid_files


def import_files(app, files, *, publish: bool, organisation_id=None) -> int:
    with app.app_context():
        package = load_package(PackageFiles("test", files), professions=set(PROFESSIONS))
        version = services.import_package(
            package, organisation_id=organisation_id, by_id=None, publish=publish, operator=True
        ).version
        db.session.commit()
        return version.id


def media_url(app, version_id: int, path: str) -> str:
    with app.app_context():
        file = db.session.scalar(
            select(PackageFile).where(
                PackageFile.version_id == version_id, PackageFile.path == path
            )
        )
        return f"/media/{file.sha256}/{path.rsplit('/', 1)[-1]}"


def renamed(files: dict, course: str, old: str, new: str) -> dict:
    """The package as another course, with one media file under another name."""
    files = edit(files, "course.yaml", "id: test-course", f"id: {course}")
    files = edit(files, "course.yaml", old, new)
    for lesson in ("lessons/media-lesson.en.md", "lessons/media-lesson.ro.md"):
        files = edit(files, lesson, old, new)
    files[new] = files.pop(old)
    return files


def test_identical_media_under_two_names_in_two_packages_are_both_served(app, client):
    first = import_files(app, valid_files(), publish=True)
    second = import_files(
        app,
        renamed(valid_files(), "other-course", "media/diagram.png", "media/chart.png"),
        publish=True,
    )
    one, two = media_url(app, first, "media/diagram.png"), media_url(app, second, "media/chart.png")
    assert one.split("/")[2] == two.split("/")[2]  # the same bytes, one blob
    assert client.get(one).status_code == 200
    assert client.get(two).status_code == 200


def test_media_of_a_draft_are_shown_only_to_those_who_may_preview_it(app, client, as_role, make):
    organisation = make.organisation()
    draft = import_files(app, valid_files(), publish=False, organisation_id=organisation)
    url = media_url(app, draft, "media/diagram.png")
    assert app.test_client().get(url).status_code == 404
    as_role(Role.LEARNER)
    assert client.get(url).status_code == 404
    other = app.test_client()
    as_role_for(other, make, Role.TRAINER, make.organisation(name="Alta"))
    assert other.get(url).status_code == 404
    trainer = app.test_client()
    as_role_for(trainer, make, Role.TRAINER, organisation)
    response = trainer.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    with app.app_context():
        services.publish_version(db.session.get(CourseVersion, draft), by_id=None, reviews={})
        db.session.commit()
    public = app.test_client().get(url)
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def as_role_for(client, make, role, organisation_id):
    from tests.conftest import sign_in

    person = make.user(roles=(Role.LEARNER, role), organisation_id=organisation_id)
    sign_in(client, person)
    return person


@pytest.fixture
def long_audio(app):
    """A published course whose audio is 4 MB of MPEG frames."""
    files = valid_files()
    files["media/talk.mp3"] = mf.mp3_frames(10_000)
    version_id = import_files(app, files, publish=True)
    return media_url(app, version_id, "media/talk.mp3"), files["media/talk.mp3"]


def test_ranges_etags_and_conditional_requests(client, long_audio):
    url, data = long_audio
    whole = client.get(url)
    assert whole.status_code == 200 and whole.data == data
    assert whole.headers["Accept-Ranges"] == "bytes"
    etag = whole.headers["ETag"]
    assert etag == f'"{hashlib.sha256(data).hexdigest()}"'
    part = client.get(url, headers={"Range": "bytes=1000-2023"})
    assert part.status_code == 206
    assert part.data == data[1000:2024]
    assert part.headers["Content-Range"] == f"bytes 1000-2023/{len(data)}"
    assert part.headers["Content-Length"] == "1024"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == data[-10:]
    beyond = client.get(url, headers={"Range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and len(stale.data) == len(data)
    fresh = client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206 and fresh.data == data[:10]
    head = client.head(url)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data))


class CountingStorage:
    """The app's storage, counting every byte read from it."""

    def __init__(self, inner):
        self.inner = inner
        self.read = 0

    def open_range(self, key, start, end):
        for chunk in self.inner.open_range(key, start, end):
            self.read += len(chunk)
            yield chunk

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_small_range_of_a_large_file_reads_only_that_range(app, client, long_audio):
    url, data = long_audio
    counting = CountingStorage(app.extensions["media_storage"])
    app.extensions["media_storage"] = counting
    response = client.get(url, headers={"Range": "bytes=2000000-2001023"})
    assert response.status_code == 206 and response.data == data[2000000:2001024]
    assert counting.read == 1024
    with app.app_context():
        blob = db.session.scalar(select(Blob).where(Blob.size == len(data)))
        assert blob.storage_key and blob.data is None  # the bytes are not in the database


def test_files_from_before_the_media_storage_are_served_and_moved(app, client, runner, long_audio):
    url, data = long_audio
    sha = url.split("/")[2]
    store = app.extensions["media_storage"]
    with app.app_context():
        blob = db.session.get(Blob, sha)
        key, blob.data, blob.storage_key = blob.storage_key, data, None
        db.session.commit()
    store.delete(key)
    assert client.get(url, headers={"Range": "bytes=5-9"}).data == data[5:10]
    result = runner.invoke(args=["courses", "move-media"])
    assert result.exit_code == 0, result.output
    assert "1 file(s) moved" in result.output
    with app.app_context():
        blob = db.session.get(Blob, sha)
        assert blob.storage_key == key and blob.data is None
        assert read_all(store, key) == data
        version = db.session.scalar(select(CourseVersion))
        exported = services.stored_files(version)
        assert exported["media/talk.mp3"] == data
    assert client.get(url).data == data
    assert "0 file(s) moved" in runner.invoke(args=["courses", "move-media"]).output


def test_export_reads_the_files_from_the_storage(app, runner, tmp_path, long_audio):
    _url, data = long_audio
    target = tmp_path / "out.zip"
    result = runner.invoke(args=["courses", "export", "test-course", "-o", str(target)])
    assert result.exit_code == 0, result.output
    import zipfile

    with zipfile.ZipFile(target) as archive:
        assert archive.read("media/talk.mp3") == data


def test_rerender_all_cleans_media_stored_before_the_current_cleaning(app, client, runner):
    files = valid_files()
    version_id = import_files(app, files, publish=True)
    original = files["media/photo.jpg"]  # with its GPS position, as the old stripper kept it
    old_sha = hashlib.sha256(original).hexdigest()
    with app.app_context():
        from elearn.courses.media import store_blob

        version = db.session.get(CourseVersion, version_id)
        photo = next(f for f in version.files if f.path == "media/photo.jpg")
        clean_sha = photo.sha256
        store_blob(original, old_sha)
        photo.sha256 = old_sha
        for lesson in version.lessons:
            lesson.html = {k: v.replace(clean_sha, old_sha) for k, v in lesson.html.items()}
        db.session.commit()
    assert b"ELEARN-MAKE" in client.get(f"/media/{old_sha}/photo.jpg").data
    result = runner.invoke(args=["courses", "rerender", "--all"])
    assert result.exit_code == 0, result.output
    assert client.get(f"/media/{old_sha}/photo.jpg").status_code == 404
    with app.app_context():
        version = db.session.get(CourseVersion, version_id)
        photo = next(f for f in version.files if f.path == "media/photo.jpg")
        assert photo.sha256 == clean_sha
        html = " ".join(v for lesson in version.lessons for v in lesson.html.values())
        assert clean_sha in html and old_sha not in html
    served = client.get(f"/media/{clean_sha}/photo.jpg")
    assert served.status_code == 200 and b"ELEARN-MAKE" not in served.data
    # The copy with the location is gone from the database and the storage.
    assert f"{old_sha}: no longer used, deleted" in result.output
    with app.app_context():
        assert db.session.get(Blob, old_sha) is None
    assert not app.extensions["media_storage"].exists(blob_key(old_sha))


@pytest.mark.parametrize("frames", [2_000, 21_000])  # 0.8 MB in memory, 8.8 MB on disk
def test_a_manager_downloads_the_export_built_from_the_storage(app, client, as_role, make, frames):
    import io
    import zipfile

    organisation = make.organisation()
    files = valid_files()
    files["media/talk.mp3"] = mf.mp3_frames(frames)
    version_id = import_files(app, files, publish=False, organisation_id=organisation)
    as_role(Role.TRAINER, organisation_id=organisation)
    with client.get(f"/manage/courses/versions/{version_id}/export") as response:
        data = response.data  # closing the response closes (and deletes) the file on disk
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="test-course-1.0.0.zip"'
    assert int(response.headers["Content-Length"]) == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("media/talk.mp3") == files["media/talk.mp3"]
