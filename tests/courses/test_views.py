"""Trainers upload and preview; administrators publish, withdraw and transfer; media is served."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.courses import services
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.conftest import page_text
from tests.content.helpers import edit, valid_files, zip_of


def upload(client, files, name="course.zip"):
    return client.post(
        "/manage/courses/upload",
        data={"package": (io.BytesIO(zip_of(files)), name)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def versions(app):
    with app.app_context():
        return [
            (v.label, v.status, v.course.owner_organisation_id)
            for v in db.session.scalars(select(CourseVersion).order_by(CourseVersion.id))
        ]


@pytest.fixture
def trainer(as_role, make):
    organisation = make.organisation()
    person = as_role(Role.TRAINER, organisation_id=organisation, language="en")
    person.organisation_id = organisation
    return person


def test_a_trainers_upload_lands_as_a_draft_of_their_organisation(app, client, trainer):
    response = upload(client, valid_files())
    assert response.status_code == 302
    assert versions(app) == [("1.0.0", VersionStatus.DRAFT, trainer.organisation_id)]
    page = page_text(client.get(response.headers["Location"]))
    assert "Test course" in page and "draft" in page


def test_every_problem_is_listed_with_file_and_line_and_nothing_is_imported(app, client, trainer):
    files = edit(valid_files(), "lessons/welcome.en.md", "{{contact:emergency}}", "{{contact:x}}")
    files = edit(
        files, "course.yaml", "audiences: [teacher, school_counsellor]", "audiences: [pilot]"
    )
    response = upload(client, files)
    assert response.status_code == 200
    text = page_text(response)
    assert "course.yaml:12 — Unknown audience 'pilot'" in text
    assert "Nothing was imported" in text
    assert versions(app) == []


def test_problems_are_shown_in_the_readers_language(app, client, as_role, make):
    organisation = make.organisation()
    as_role(Role.TRAINER, organisation_id=organisation, language="ro")
    files = edit(valid_files(), "lessons/welcome.en.md", "{{contact:emergency}}", "{{contact:x}}")
    response = client.post(
        "/manage/courses/upload",
        data={"package": (io.BytesIO(zip_of(files)), "c.zip")},
        content_type="multipart/form-data",
    )
    assert "lessons/welcome.en.md:9" in page_text(response)
    assert "Unknown contact" not in page_text(response)


def test_a_yaml_slip_in_an_upload_is_explained_in_romanian_on_its_line(app, client, as_role, make):
    organisation = make.organisation()
    as_role(Role.TRAINER, organisation_id=organisation, language="ro")
    files = edit(valid_files(), "course.yaml", "  en: Test course", "  en: Test course: part 1")
    response = client.post(
        "/manage/courses/upload",
        data={"package": (io.BytesIO(zip_of(files)), "c.zip")},
        content_type="multipart/form-data",
    )
    text = page_text(response)
    assert "course.yaml:8" in text and "ghilimele duble" in text
    assert "mapping values" not in text
    assert versions(app) == []


def test_a_hostile_zip_is_refused_with_the_file_named(app, client, trainer):
    response = upload(client, {**valid_files(), "../escape.md": b"x"})
    assert "../escape.md" in page_text(response)
    assert versions(app) == []


def test_not_a_zip_and_no_file_are_explained(client, trainer):
    response = client.post(
        "/manage/courses/upload",
        data={"package": (io.BytesIO(b"x"), "c.txt")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert "The package must be a .zip file." in page_text(response)
    empty = client.post("/manage/courses/upload", data={}, headers={"Accept-Language": "en"})
    assert "Choose the zip file of the package." in page_text(empty)


@pytest.mark.parametrize("config_overrides", [{"PACKAGE_MAX_BYTES": 2000}], indirect=True)
def test_a_package_over_the_size_limit_is_refused(client, trainer):
    assert upload(client, valid_files()).status_code == 413


def test_a_trainer_without_a_confirmed_organisation_cannot_upload(app, client, as_role):
    as_role(Role.TRAINER, language="en")
    response = upload(client, valid_files())
    assert "must be a confirmed member of an organisation" in page_text(response)
    assert versions(app) == []


def test_a_second_organisation_cannot_import_over_the_firsts_course(app, client, make, trainer):
    upload(client, valid_files())
    other_org = make.organisation(name="Asociația B", kind="ngo")
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(
        other,
        make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=other_org, language="en"),
    )
    files = edit(valid_files(), "course.yaml", 'version: "1.0.0"', 'version: "9.0"')
    response = upload(other, files)
    assert "belongs to another organisation" in page_text(response)
    assert [label for label, _, _ in versions(app)] == ["1.0.0"]


def test_a_trainer_of_another_organisation_cannot_open_the_course(app, client, make, trainer):
    response = upload(client, valid_files())
    version_url = response.headers["Location"]
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(
        other,
        make.user(
            roles=(Role.LEARNER, Role.TRAINER),
            organisation_id=make.organisation(name="B", kind="ngo"),
        ),
    )
    assert other.get(version_url).status_code == 403
    assert other.get(version_url + "/export").status_code == 403
    assert "test-course" not in other.get("/manage/courses/").get_data(as_text=True)


def test_previews_show_lessons_and_quizzes_as_they_will_be(client, trainer):
    version_url = upload(client, valid_files()).headers["Location"]
    lesson = client.get(version_url + "/lessons/welcome?lang=ro")
    assert "Bun venit" in page_text(lesson) and "0800 800 678" in page_text(lesson)
    assert '<article lang="ro"' in lesson.get_data(as_text=True)
    assert "Obiective de învățare" in page_text(lesson)  # in the lesson's language, not the page's
    quiz = page_text(client.get(version_url + "/quizzes/module-check?lang=en"))
    assert "Whom must you notify" in quiz and "✓ The DGASPC" in quiz
    assert client.get(version_url + "/lessons/nope").status_code == 404


def test_an_administrator_publishes_recording_reviewers_per_language(app, client, make, as_role):
    reviewer = make.user(full_name="Rita Reviewer", roles=(Role.LEARNER, Role.TRAINER))
    admin = as_role(Role.ADMIN, language="en")
    version_url = upload(client, valid_files()).headers["Location"]
    version_id = int(version_url.rsplit("/", 1)[1])
    missing = client.post(
        f"/manage/courses/versions/{version_id}/publish",
        data={"reviewer_ro": str(reviewer.id), "reviewed_ro": "2026-11-20"},
    )
    assert missing.status_code == 400
    assert versions(app)[0][1] == VersionStatus.DRAFT
    response = client.post(
        f"/manage/courses/versions/{version_id}/publish",
        data={
            "reviewer_ro": str(reviewer.id),
            "reviewed_ro": "2026-11-20",
            "reviewer_en": str(admin.id),
            "reviewed_en": "2026-11-21",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        version = db.session.get(CourseVersion, version_id)
        assert version.status == VersionStatus.PUBLISHED
        assert {(r.language, r.reviewer_id, r.reviewed_on) for r in version.reviews} == {
            ("ro", reviewer.id, date(2026, 11, 20)),
            ("en", admin.id, date(2026, 11, 21)),
        }


def test_trainers_cannot_publish(client, trainer):
    version_url = upload(client, valid_files()).headers["Location"]
    assert client.post(version_url + "/publish", data={}).status_code == 403


def test_an_administrator_withdraws_a_version_and_its_learners_move(app, client, make, as_role):
    learner = make.user()
    as_role(Role.ADMIN, language="en")
    client_upload = upload(client, valid_files())
    old_id = int(client_upload.headers["Location"].rsplit("/", 1)[1])
    files = edit(valid_files(), "course.yaml", 'version: "1.0.0"', 'version: "1.0.1"')
    new_id = int(upload(client, files).headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        for version_id in (old_id, new_id):
            db.session.get(CourseVersion, version_id).status = VersionStatus.PUBLISHED
        old = db.session.get(CourseVersion, old_id)
        db.session.add(Enrolment(user_id=learner.id, course_id=old.course_id, version_id=old_id))
        db.session.commit()
    refused = client.post(
        f"/manage/courses/versions/{old_id}/withdraw", data={"reason": "", "replacement": "0"}
    )
    assert "Say why the version is withdrawn." in page_text(refused)
    response = client.post(
        f"/manage/courses/versions/{old_id}/withdraw",
        data={"reason": "A wrong phone number.", "replacement": str(new_id)},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Enrolment.version_id)) == new_id
        assert db.session.get(CourseVersion, old_id).status == VersionStatus.WITHDRAWN


def test_an_administrator_transfers_a_course(app, client, make, as_role):
    as_role(Role.ADMIN)
    upload(client, valid_files())
    other = make.organisation(name="Asociația Nouă", kind="ngo")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
    assert (
        client.post(
            f"/manage/courses/{course_id}/transfer", data={"organisation_id": str(other)}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Course, course_id).owner_organisation_id == other


def test_media_is_served_by_its_hash_and_cached_for_good(app, client, trainer):
    upload(client, valid_files())
    with app.app_context():
        version = db.session.scalar(select(CourseVersion))
        # Media of drafts are for the people who may preview them (tests/courses/test_media.py).
        services.publish_version(version, by_id=None, reviews={})
        db.session.commit()
        image = next(f for f in version.files if f.path == "media/diagram.png")
        handout = next(f for f in version.files if f.path == "media/handout.pdf")
        lesson_file = next(f for f in version.files if f.path == "lessons/welcome.en.md")
    anonymous = app.test_client()
    response = anonymous.get(f"/media/{image.sha256}/diagram.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert "immutable" in response.headers["Cache-Control"]
    assert b"GPS" not in response.data
    pdf = anonymous.get(f"/media/{handout.sha256}/handout.pdf")
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert anonymous.get(f"/media/{image.sha256}/other-name.png").status_code == 404
    assert anonymous.get(f"/media/{lesson_file.sha256}/welcome.en.md").status_code == 404
    assert anonymous.get("/media/../../etc/passwd").status_code == 404
    assert anonymous.get("/media/" + "a" * 64 + "/x.png").status_code == 404
