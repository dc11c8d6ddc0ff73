"""Drafts: started from the published version, saved only when the whole package is valid,
never overwriting someone else's save, and in and out of zips unchanged."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from elearn.authoring import services
from elearn.authoring.files import edit_lesson, split_lesson
from elearn.authoring.models import Draft, DraftStatus
from elearn.content.problems import PackageError
from elearn.content.source import read_folder
from elearn.courses.models import CourseVersion
from elearn.errors import DomainError
from elearn.extensions import db
from tests.authoring.conftest import start

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    *sorted(p.parent for p in ROOT.glob("courses/*/course.yaml")),
    ROOT / "tests/data/packages/valid",
]


def _draft(app, draft_id) -> Draft:
    return db.session.get(Draft, draft_id)


def test_a_draft_starts_from_the_published_version_under_the_next_label(
    app, course_setup, draft_id
):
    with app.app_context():
        draft = _draft(app, draft_id)
        version = db.session.get(CourseVersion, course_setup.version_id)
        assert draft.label == "1.0.1" and draft.base_version_id == version.id
        published = {f.path: f.sha256 for f in version.files}
        drafted = {f.path: f.sha256 for f in draft.files}
        assert set(published) == set(drafted)
        assert [p for p in published if published[p] != drafted[p]] == ["course.yaml"]
        assert 'version: "1.0.1"' in services.read_text(draft, "course.yaml")
        assert services.start_draft(draft.course, by_id=None).id == draft.id


def test_changing_the_source_lesson_marks_its_translation_out_of_date_until_saved(
    app, course_setup, draft_id
):
    with app.app_context():
        draft = _draft(app, draft_id)
        package = services.load_draft(draft)
        assert services.translation_states(draft, package)["welcome"] == {
            "ro": "source",
            "en": "current",
        }
        ro = services.read_text(draft, "lessons/welcome.ro.md")
        services.save(
            draft,
            {"lessons/welcome.ro.md": edit_lesson(ro, body="Un text nou.\n").encode()},
            by_id=course_setup.trainer.id,
        )
        package = services.load_draft(draft)
        assert services.translation_states(draft, package)["welcome"]["en"] == "out_of_date"
        assert services.translation_states(draft, package)["closing"]["en"] == "current"
        en = services.read_text(draft, "lessons/welcome.en.md")
        services.save(
            draft,
            {"lessons/welcome.en.md": edit_lesson(en, body="A new text.\n").encode()},
            by_id=course_setup.trainer.id,
        )
        assert services.translation_states(draft, services.load_draft(draft))["welcome"]["en"] == (
            "current"
        )
        assert draft.revision == 3  # started at 1, then two saves
        assert [c.user_id for c in draft.contributors] == [course_setup.trainer.id]


def test_a_translation_confirmed_as_still_right_is_up_to_date_again(app, course_setup, draft_id):
    with app.app_context():
        draft = _draft(app, draft_id)
        ro = services.read_text(draft, "lessons/welcome.ro.md")
        services.save(
            draft, {"lessons/welcome.ro.md": edit_lesson(ro, body="Nou.\n").encode()}, by_id=None
        )
        services.save(draft, {}, by_id=None, synced=["lessons/welcome.en.md"])
        states = services.translation_states(draft, services.load_draft(draft))
        assert states["welcome"]["en"] == "current"


def test_a_save_the_validator_refuses_writes_nothing(app, course_setup, draft_id):
    with app.app_context():
        draft = _draft(app, draft_id)
        ro = services.read_text(draft, "lessons/welcome.ro.md")
        _front, _body = split_lesson(ro)
        broken = ro.replace("title:", "titel:", 1)
        with pytest.raises(PackageError) as caught:
            services.save(draft, {"lessons/welcome.ro.md": broken.encode()}, by_id=None)
        assert any(p.file == "lessons/welcome.ro.md" for p in caught.value.problems)
        db.session.rollback()
        draft = _draft(app, draft_id)
        assert services.read_text(draft, "lessons/welcome.ro.md") == ro
        assert draft.revision == 1


def test_a_changed_course_id_or_version_is_refused(app, course_setup, draft_id):
    with app.app_context():
        draft = _draft(app, draft_id)
        manifest = services.read_text(draft, "course.yaml")
        for old, new in (('version: "1.0.1"', 'version: "7.0"'), ("id: test-course", "id: other")):
            with pytest.raises(PackageError):
                services.save(
                    draft, {"course.yaml": manifest.replace(old, new).encode()}, by_id=None
                )


def test_the_second_of_two_saves_from_the_same_start_is_refused_with_both_texts(
    app, course_setup, draft_id
):
    with app.app_context():
        draft = _draft(app, draft_id)
        path = "lessons/welcome.ro.md"
        ro = services.read_text(draft, path)
        opened = {path: services.file_map(draft)[path].sha256}
        first = edit_lesson(ro, body="Prima variantă.\n")
        second = edit_lesson(ro, body="A doua variantă.\n")
        services.save(draft, {path: first.encode()}, by_id=None, base=opened)
        with pytest.raises(services.Conflict) as caught:
            services.save(draft, {path: second.encode()}, by_id=None, base=opened)
        assert caught.value.theirs == first and caught.value.yours == second
        assert services.read_text(draft, path) == first


def test_a_draft_with_a_reviewer_cannot_be_changed(app, course_setup, draft_id):
    with app.app_context():
        draft = _draft(app, draft_id)
        draft.status = DraftStatus.IN_REVIEW
        with pytest.raises(DomainError):
            services.save(draft, {}, by_id=None, synced=["lessons/welcome.en.md"])


def _zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: p.name)
def test_export_of_an_imported_package_gives_back_every_file_normalised(app, make, folder):
    original = dict(read_folder(folder).files)
    with app.app_context():
        draft = services.import_new_course(
            original, organisation_id=make.organisation(), by_id=None
        )
        db.session.commit()
        exported = _zip_files(services.export_draft(draft))
    # Importing strips media of their metadata (the test package's image carries a GPS
    # comment on purpose): that is the normalising. Every other byte comes back as it was.
    assert exported == services.validate(original).files
    if folder.parent.name == "courses":
        assert exported == original


def test_a_zip_from_a_text_editor_replaces_the_draft_and_keeps_its_label(
    app, course_setup, draft_id
):
    with app.app_context():
        draft = _draft(app, draft_id)
        files = services.draft_files(draft)
        files["lessons/closing.en.md"] += b"\nMore.\n"
        files["course.yaml"] = files["course.yaml"].replace(b'version: "1.0.1"', b'version: "5.0"')
        services.replace_files(draft, files, by_id=None)
        after = services.draft_files(draft)
        assert after["lessons/closing.en.md"] == files["lessons/closing.en.md"]
        assert b'version: "1.0.1"' in after["course.yaml"]


def test_a_zip_of_another_course_is_refused(app, make, course_setup, draft_id):
    with app.app_context():
        draft = _draft(app, draft_id)
        files = services.draft_files(draft)
        files["course.yaml"] = files["course.yaml"].replace(b"id: test-course", b"id: other-course")
        with pytest.raises(DomainError):
            services.replace_files(draft, files, by_id=None)


def test_a_second_draft_from_another_version_is_refused_while_one_is_open(
    app, course_setup, draft_id
):
    with app.app_context():
        draft = _draft(app, draft_id)
        assert start(app, course_setup.course_id) == draft_id
        with pytest.raises(DomainError):
            services.start_draft(draft.course, by_id=None, from_version=_another_version(draft))


def _another_version(draft) -> CourseVersion:
    files = services.draft_files(draft)
    services.discard(draft, by_id=None)
    other = services.start_draft(draft.course, by_id=None)
    services.save(
        other, {"lessons/closing.en.md": files["lessons/closing.en.md"] + b"x\n"}, by_id=None
    )
    from elearn.courses.services import import_package

    version = import_package(
        services.load_draft(other), organisation_id=None, by_id=None, operator=True
    ).version
    services.discard(other, by_id=None)
    services.start_draft(draft.course, by_id=None)
    return version
