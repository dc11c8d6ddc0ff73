"""Copying a platform course into one's organisation, through the real forms."""

from __future__ import annotations

import difflib

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.authoring import copying, services
from elearn.authoring.models import CourseAuthor, CourseOrigin, Draft
from elearn.courses.models import Course, CourseVersion
from elearn.extensions import db
from tests.authoring.conftest import publish_test_course
from tests.conftest import page_text, sign_in
from tests.content.helpers import edit, valid_files

EN = {"Accept-Language": "en"}


@pytest.fixture
def platform(app):
    """The test package as a platform course (owned by no organisation), version 1.2.0."""
    files = edit(valid_files(), "course.yaml", 'version: "1.0.0"', 'version: "1.2.0"')
    course_id, version_id = publish_test_course(app, None, files)
    return course_id, version_id


@pytest.fixture
def trainer(make):
    organisation = make.organisation()
    person = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation, language="en"
    )
    person.organisation_id = organisation
    return person


def _copy(client, course_id: int, **data):
    return client.post(
        f"/manage/courses/{course_id}/copy",
        data={"slug": "teachers-sgn11o", **data},
        headers=EN,
    )


def test_the_form_proposes_an_id_made_of_the_course_and_the_organisation(client, platform, trainer):
    sign_in(client, trainer)
    response = client.get(f"/manage/courses/{platform[0]}/copy", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="test-course-sgn11o"' in html  # "Școala Gimnazială nr. 11 Oradea"
    assert 'value="Test course"' in html and 'value="Curs de test"' in html


def test_a_trainer_copies_a_platform_course_into_their_organisation(app, client, platform, trainer):
    source_id, source_version_id = platform
    sign_in(client, trainer)
    response = _copy(client, source_id)
    assert response.status_code == 302, page_text(response)
    assert response.headers["Location"].startswith("/manage/drafts/")
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "teachers-sgn11o"))
        assert course.owner_organisation_id == trainer.organisation_id
        origin = db.session.get(CourseOrigin, course.id)
        assert (origin.source_version_id, origin.source_course, origin.source_label) == (
            source_version_id,
            "test-course",
            "1.2.0",
        )
        assert origin.copied_by_id == trainer.id
        assert db.session.scalars(
            select(CourseAuthor.user_id).where(CourseAuthor.course_id == course.id)
        ).all() == [trainer.id]
        draft = db.session.scalar(select(Draft).where(Draft.course_id == course.id))
        assert draft.base_version_id == source_version_id and draft.label == "1.0.0"
        package = services.load_draft(draft)  # the draft validates
        assert package.manifest.id == "teachers-sgn11o" and package.manifest.version == "1.0.0"
        assert package.manifest.authors[0].name == "Ana Pop"
        source = db.session.get(CourseVersion, source_version_id)
        source_files = {file.path: file.sha256 for file in source.files}
        copied = {row.path: row.sha256 for row in draft.files}
        assert set(copied) == set(source_files)
        assert {p for p in copied if copied[p] != source_files[p]} == {"course.yaml"}
        before = services.draft_files(draft)["course.yaml"].decode().splitlines()
        after_source = _source_manifest(source).splitlines()
        changed = [
            line
            for line in difflib.unified_diff(after_source, before, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        assert changed == [
            "-id: test-course",
            '-version: "1.2.0"',
            "+id: teachers-sgn11o",
            '+version: "1.0.0"',
        ]
        assert db.session.scalar(
            select(AuditEvent.details).where(AuditEvent.action == "course.copied")
        ) == {"source": "test-course", "label": "1.2.0"}
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Copied from test-course, version 1.2.0" in page


def _source_manifest(version) -> str:
    from elearn.courses.media import blob_bytes
    from elearn.courses.models import Blob

    row = next(file for file in version.files if file.path == "course.yaml")
    return blob_bytes(db.session.get(Blob, row.sha256)).decode()


def test_a_new_title_changes_only_its_line(app, client, platform, trainer):
    sign_in(client, trainer)
    response = _copy(client, platform[0], title_en="Test course for Oradea", title_ro="")
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalar(
            select(Draft).join(Course).where(Course.slug == "teachers-sgn11o")
        )
        manifest = services.draft_files(draft)["course.yaml"].decode()
        assert "  en: Test course for Oradea\n" in manifest
        assert "  ro: Curs de test\n" in manifest  # left empty: kept


def test_an_organisations_course_cannot_be_copied(app, client, course_setup):
    sign_in(client, course_setup.trainer)
    assert client.get(f"/manage/courses/{course_setup.course_id}/copy").status_code == 404
    assert _copy(client, course_setup.course_id).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.slug == "teachers-sgn11o")) is None
        assert db.session.query(CourseOrigin).count() == 0


def test_a_taken_or_malformed_id_is_refused_next_to_the_field_and_kept(
    app, client, platform, trainer
):
    sign_in(client, trainer)
    response = _copy(client, platform[0], slug="test-course", title_en="My title")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="slug-error"' in html
    assert "A course with the id test-course already exists" in html
    assert 'value="My title"' in html
    response = _copy(client, platform[0], slug="Nice Course!")
    assert response.status_code == 400
    assert "Use lowercase letters a to z" in response.get_data(as_text=True)
    assert 'value="Nice Course!"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Course).count() == 1


def test_a_trainer_without_an_organisation_cannot_copy(app, client, make, platform):
    loner = make.user(roles=(Role.LEARNER, Role.TRAINER), language="en")
    sign_in(client, loner)
    response = _copy(client, platform[0])
    assert response.status_code == 400
    assert "confirmed member of an organisation" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Course).count() == 1


def test_learners_cannot_copy(client, make, platform):
    sign_in(client, make.user())
    assert client.get(f"/manage/courses/{platform[0]}/copy").status_code == 403
    assert _copy(client, platform[0]).status_code == 403
    assert client.get("/manage/courses/platform").status_code == 403


def test_the_platform_courses_page_lists_only_platform_courses(app, client, platform, trainer):
    files = edit(valid_files(), "course.yaml", "id: test-course", "id: org-course")
    own_id, _version = publish_test_course(app, trainer.organisation_id, files)
    sign_in(client, trainer)
    html = client.get("/manage/courses/platform", headers=EN).get_data(as_text=True)
    assert f"/manage/courses/{platform[0]}/copy" in html
    assert f"/manage/courses/{own_id}/copy" not in html
    assert "/manage/courses/platform" in client.get("/manage/courses/").get_data(as_text=True)


def test_the_proposed_id_is_numbered_when_taken(app, platform, make):
    with app.app_context():
        source = db.session.get(Course, platform[0])
        organisation = db.session.get(
            copying.Organisation, make.organisation(name="Asociația Exemplu")
        )
        assert copying.proposed_slug(source, organisation) == "test-course-asociatia-exemplu"
        db.session.add(Course(slug="test-course-asociatia-exemplu"))
        db.session.flush()
        assert copying.proposed_slug(source, organisation) == "test-course-asociatia-exemplu-2"
        db.session.rollback()
