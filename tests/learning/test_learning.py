"""The catalogue, enrolling, lessons, sequencing, progress, completion and "My learning"."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.extensions import db
from elearn.learning import page_views
from elearn.learning.models import Enrolment, LessonTime
from tests.conftest import page_text, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files


def enrolment(app):
    with app.app_context():
        return db.session.scalar(select(Enrolment))


def enrol(client):
    return client.post("/courses/test-course/enrol")


def test_the_catalogue_shows_published_courses_to_everyone(app, client, course):
    english = {"Accept-Language": "en"}
    text = page_text(client.get("/courses/", headers=english))
    assert "Test course" in text and "1 course" in text
    filtered = client.get("/courses/?language=en&audience=teacher&duration=short", headers=english)
    assert "Test course" in page_text(filtered)
    nothing = client.get("/courses/?audience=police_officer", headers=english)
    assert "No course matches" in page_text(nothing)


def test_drafts_are_not_in_the_catalogue(app, client):
    import_files(app, valid_files(), publish=False)
    assert "Test course" not in page_text(client.get("/courses/"))
    assert client.get("/courses/test-course").status_code == 404


def test_courses_for_my_profession_and_language_come_first(app, client, make):
    other = edit(valid_files(), "course.yaml", "id: test-course", "id: police-course")
    other = edit(
        other,
        "course.yaml",
        "audiences: [teacher, school_counsellor]",
        "audiences: [police_officer]",
    )
    other = edit(other, "course.yaml", "  en: Test course", "  en: Another course")
    for files in (valid_files(), other):
        files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
        import_files(app, files)
    sign_in(client, make.user(profession="police_officer", language="en"))
    text = page_text(client.get("/courses/"))
    assert text.index("Another course") < text.index("Test course")
    assert "Recommended for your profession" in text


def test_the_course_page_says_what_completion_needs_and_what_the_certificate_is(client, course):
    text = page_text(client.get("/courses/test-course", headers={"Accept-Language": "en"}))
    assert "at least 80% to pass" in text
    assert "valid for 24 months" in text
    assert "Create a free account to enrol" in text


def test_enrolling_needs_a_confirmed_email(app, client, make, course):
    sign_in(client, make.user(email_confirmed=False, language="en"))
    assert "Confirm your email address to enrol" in page_text(client.get("/courses/test-course"))
    assert enrol(client).headers["Location"] == "/account"
    assert enrolment(app) is None


def test_unmet_prerequisites_are_named_and_linked(app, client, make):
    import_files(app, valid_files())  # requires core-course
    core = edit(valid_files(), "course.yaml", "id: test-course", "id: core-course")
    core = edit(core, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    import_files(app, core)
    sign_in(client, make.user(language="en"))
    page = client.get("/courses/test-course")
    assert "Complete these courses first" in page_text(page)
    assert 'href="/courses/core-course"' in page.get_data(as_text=True)
    enrol(client)
    with app.app_context():
        assert db.session.scalar(select(Enrolment.id)) is None


def test_enrol_read_every_lesson_in_order_and_see_progress(app, client, learner, course):
    assert enrol(client).status_code == 302
    assert enrolment(app) is not None
    course_page = page_text(client.get("/courses/test-course"))
    assert "0 of 4 done (0%)" in course_page  # the optional lesson does not count
    # Sequencing: the second lesson is locked until the first is complete.
    locked = client.get("/courses/test-course/lessons/media-lesson")
    assert locked.status_code == 302
    assert "Complete the lessons before this one first" in page_text(
        client.get("/courses/test-course")
    )
    lesson = client.get("/courses/test-course/lessons/welcome")
    html = lesson.get_data(as_text=True)
    assert "0800 800 678" in html and "<progress" in html
    client.post("/courses/test-course/lessons/welcome/complete", data={"then": "next"})
    assert client.get("/courses/test-course/lessons/media-lesson").status_code == 200
    assert "1 of 4 done (25%)" in page_text(client.get("/courses/test-course"))


def test_continue_goes_where_the_learner_stopped(client, learner, course):
    enrol(client)
    client.post("/courses/test-course/lessons/welcome/complete")
    client.get("/courses/test-course/lessons/media-lesson")
    assert (
        client.get("/courses/test-course/continue")
        .headers["Location"]
        .endswith("/lessons/media-lesson")
    )


@pytest.mark.parametrize(
    "config_overrides",
    [{"LESSON_VIEWS_FLUSH_SECONDS": 0}, {"LESSON_VIEWS_FLUSH_SECONDS": 5}],
    ids=["written-in-the-request", "buffered"],
    indirect=True,
)
def test_time_spent_on_lessons_is_counted_on_the_server(app, client, make, course):
    """The same totals whether each view is written in its request or buffered and written
    later (the flusher's work, done here by hand)."""
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, make.user(language="en"))
        enrol(client)
        client.get("/courses/test-course/lessons/welcome")
        clock.tick(240)
        client.post("/courses/test-course/lessons/welcome/complete")
        client.get("/courses/test-course/lessons/media-lesson")
        clock.tick(25 * 60)
        client.get("/courses/test-course/lessons/welcome")
        clock.tick(60)
        client.get("/courses/test-course/lessons/media-lesson")
        clock.tick(29 * 60)  # just inside the idle limit: still signed in
        client.get("/courses/test-course/lessons/media-lesson")
    page_views.flush(app)
    with app.app_context():
        times = dict(db.session.execute(select(LessonTime.lesson_key, LessonTime.seconds)).all())
    assert times == {"welcome": 300, "media-lesson": 25 * 60 + 29 * 60}


def test_a_lesson_of_a_course_not_enrolled_in_is_refused(client, learner, course):
    response = client.get("/courses/test-course/lessons/welcome")
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/test-course"
    assert client.post("/courses/test-course/lessons/welcome/complete").status_code == 302


def test_unknown_courses_and_lessons_are_404(client, learner, course):
    enrol(client)
    assert client.get("/courses/no-such-course").status_code == 404
    assert client.get("/courses/test-course/lessons/no-such-lesson").status_code == 404


def test_my_learning_lists_courses_in_progress_with_continue(client, learner, course):
    enrol(client)
    text = page_text(client.get("/my-learning"))
    assert "In progress" in text and "Test course" in text and "Continue" in text


def test_the_what_is_left_list_links_each_requirement(client, learner, course):
    enrol(client)
    html = client.get("/courses/test-course").get_data(as_text=True)
    left = html[html.index("What is left") :]
    assert re.search(r'href="/courses/test-course/lessons/welcome"', left)
    assert 'href="/courses/test-course/quizzes/final/"' in left


def test_a_learner_moves_to_a_newer_version_and_keeps_credit_for_what_did_not_change(
    app, client, learner, course
):
    enrol(client)
    client.post("/courses/test-course/lessons/welcome/complete")
    client.post("/courses/test-course/lessons/media-lesson/complete")
    assert "2 of 4 done (50%)" in page_text(client.get("/courses/test-course"))
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", 'version: "1.0.0"', 'version: "1.1.0"')
    for language in ("ro", "en"):
        name = f"lessons/media-lesson.{language}.md"
        files[name] = files[name] + b"\nA paragraph added in 1.1.0.\n"
    newer = import_files(app, files)
    page = page_text(client.get("/courses/test-course"))
    assert "Move to version 1.1.0" in page and "2 of 4 done (50%)" in page
    moved = client.post("/courses/test-course/move")
    assert moved.status_code == 302
    assert enrolment(app).version_id == newer
    page = page_text(client.get("/courses/test-course"))
    assert "1 of 4 done (25%)" in page  # the changed lesson is to be read again
    assert "Move to version" not in page
    assert client.get("/courses/test-course/lessons/media-lesson").status_code == 200
