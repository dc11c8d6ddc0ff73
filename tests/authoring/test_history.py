"""A course's history: its versions, the changes between two, rollback; and a learner on the
old version after a draft is published (offered the new one, keeping credit)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.authoring import history, review, services
from elearn.authoring.models import Draft, ReviewerRight
from elearn.courses.models import Course, CourseVersion, LanguageReview, VersionStatus
from elearn.errors import DomainError
from elearn.extensions import db
from tests.authoring.conftest import publish_test_course, start
from tests.conftest import page_text, sign_in
from tests.content.helpers import edit, valid_files

EN = {"Accept-Language": "en"}
QUIZ_FILE = "quizzes/module-check.yaml"


def publish_change(app, course_id: int, author_id: int, reviewer_id: int, path, old, new) -> int:
    """A draft changing one file, reviewed and published through the services; the new
    version's id."""
    draft_id = start(app, course_id, author_id)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        text = services.read_text(draft, path)
        assert old in text
        services.save(draft, {path: text.replace(old, new).encode()}, by_id=author_id)
        author, reviewer = db.session.get(User, author_id), db.session.get(User, reviewer_id)
        review.submit(draft, by=author)
        review.approve(draft, by=reviewer, languages=review.draft_diff(draft).changed_languages)
        version = review.publish(draft, by=reviewer)
        db.session.commit()
        return version.id


@pytest.fixture
def reviewer(app, make, course_setup):
    person = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        full_name="Ilona Reviewer",
    )
    with app.app_context():
        db.session.add(ReviewerRight(user_id=person.id))
        base = db.session.get(CourseVersion, course_setup.version_id)
        base.reviews.append(
            LanguageReview(language="ro", reviewer_id=person.id, reviewed_on=date(2026, 3, 1))
        )
        db.session.commit()
    return person


@pytest.fixture
def two_versions(app, course_setup, reviewer) -> int:
    return publish_change(
        app,
        course_setup.course_id,
        course_setup.trainer.id,
        reviewer.id,
        "lessons/welcome.en.md",
        "# About the course",
        "# About this course",
    )


def test_the_history_lists_every_version_with_who_published_and_reviewed_it(
    app, make, course_setup, reviewer, two_versions
):
    viewer = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )
    client = app.test_client()
    sign_in(client, viewer)
    response = client.get(f"/manage/courses/{course_setup.course_id}/history", headers=EN)
    assert response.status_code == 200
    text = page_text(response)
    assert "1.0.1" in text and "1.0.0" in text
    assert "by Ilona Reviewer" in text
    assert "Română: Ilona Reviewer" in text and "English: Ilona Reviewer" in text
    assert "Roll back" not in text  # a trainer without the reviewer right


def test_comparing_two_versions_shows_the_change_in_its_language(
    app, course_setup, reviewer, two_versions
):
    client = app.test_client()
    sign_in(client, course_setup.trainer)
    url = f"/manage/courses/{course_setup.course_id}/compare"
    response = client.get(
        url, query_string={"from": course_setup.version_id, "to": two_versions}, headers=EN
    )
    assert response.status_code == 200
    text = page_text(response)
    # The trainer reads Romanian (their profile's language beats the browser's).
    assert "About this course" in text and "modificări de la versiunea 1.0.0 la 1.0.1" in text
    assert client.get(url, query_string={"from": 999, "to": two_versions}).status_code == 400
    assert client.get(url).status_code == 400


def test_another_organisations_trainer_cannot_see_the_history(app, make, course_setup):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(
            name="DGASPC Cluj", kind="social_assistance", county="CJ"
        ),
    )
    client = app.test_client()
    sign_in(client, outsider)
    assert client.get(f"/manage/courses/{course_setup.course_id}/history").status_code == 403
    assert client.get("/manage/courses/999/history").status_code in (403, 404)


def test_a_reviewer_rolls_back_to_the_first_versions_content(
    app, course_setup, reviewer, two_versions
):
    client = app.test_client()
    sign_in(client, reviewer)
    response = client.post(
        f"/manage/courses/{course_setup.course_id}/rollback",
        data={"version_id": course_setup.version_id},
    )
    assert response.status_code == 302
    with app.app_context():
        course = db.session.get(Course, course_setup.course_id)
        newest = course.versions[-1]
        old = db.session.get(CourseVersion, course_setup.version_id)
        assert newest.label == "1.0.2" and newest.status == VersionStatus.PUBLISHED
        assert {lesson.key: lesson.content_hash for lesson in newest.lessons} == {
            lesson.key: lesson.content_hash for lesson in old.lessons
        }
        assert [(r.language, r.reviewer_id) for r in newest.reviews] == [("ro", reviewer.id)]
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "course.rolled_back")
        )


def test_rollback_skips_the_label_an_open_draft_holds(app, course_setup, reviewer, two_versions):
    draft_id = start(app, course_setup.course_id, course_setup.trainer.id)
    with app.app_context():
        course = db.session.get(Course, course_setup.course_id)
        assert db.session.get(Draft, draft_id).label == "1.0.2"
        assert history.rollback_label(course) == "1.0.3"
        source = db.session.get(CourseVersion, course_setup.version_id)
        version = history.rollback(course, source, by=db.session.get(User, reviewer.id))
        assert version.label == "1.0.3"


def test_an_editor_without_the_reviewer_right_cannot_roll_back(
    app, client, course_setup, reviewer, two_versions
):
    sign_in(client, course_setup.trainer)
    response = client.post(
        f"/manage/courses/{course_setup.course_id}/rollback",
        data={"version_id": course_setup.version_id},
    )
    assert response.status_code == 302
    with app.app_context():
        assert len(db.session.get(Course, course_setup.course_id).versions) == 2
        with pytest.raises(DomainError):
            history.rollback(
                db.session.get(Course, course_setup.course_id),
                db.session.get(CourseVersion, two_versions),  # the newest: nothing to roll back
                by=db.session.get(User, reviewer.id),
            )


def test_rolling_back_without_choosing_a_version_is_refused(
    app, course_setup, reviewer, two_versions
):
    client = app.test_client()
    sign_in(client, reviewer)
    response = client.post(
        f"/manage/courses/{course_setup.course_id}/rollback", data={"version_id": "0"}
    )
    assert response.status_code == 400


# A learner on the old version ----------------------------------------------------------------


def test_a_learner_on_the_old_version_is_offered_the_new_one_and_keeps_unchanged_credit(app, make):
    from tests.quizzes.test_credit import OVERVIEW, pass_module_check

    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    second_admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    course_id, _version_id = publish_test_course(app, None, files)
    learner = make.user(language="en")
    client = app.test_client()
    sign_in(client, learner)
    pass_module_check(client, app)

    publish_change(
        app,
        course_id,
        admin.id,
        second_admin.id,
        QUIZ_FILE,
        "en: Put the steps in order.",
        "en: Put these steps in order.",
    )
    text = page_text(client.get("/courses/test-course"))
    assert "A newer version of this course is available." in text
    assert "Move to version 1.0.1" in text
    client.post("/courses/test-course/move")
    text = page_text(client.get(OVERVIEW))
    assert "answer the 1 changed question to pass it again" in text
