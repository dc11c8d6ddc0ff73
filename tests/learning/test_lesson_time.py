"""A lesson counts as studied only after it has been open for a share of its stated duration,
or, in courses that ask for it, when the learner follows the control at its end.

The test course's first lesson, "welcome", states 10 minutes: with the default share (0.5) it
can be marked complete after 5 minutes on it. The testing configuration switches the rule off
(MIN_LESSON_TIME_SHARE = 0); these tests set it back to None, the production default.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.learning.lesson_time import (
    LessonRule,
    rule_for,
    seconds_required,
)
from elearn.learning.models import LessonCompletion
from elearn.learning.view_time import View, seconds_between, to_us
from tests.conftest import page_text, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files

RULE_ON = pytest.mark.parametrize(
    "config_overrides", [{"MIN_LESSON_TIME_SHARE": None}], indirect=True
)
LESSON = "/courses/test-course/lessons/welcome"
START = "2026-12-07 09:00:00"


def course_with(app, completion: str) -> None:
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(
        files, "course.yaml", "completion:\n  sequential: true\n  lesson_done: button\n", completion
    )
    import_files(app, files)


def start(client, make, language="en"):
    sign_in(client, make.user(language=language))
    client.post("/courses/test-course/enrol")
    return client.get(LESSON)


def completions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LessonCompletion))


# The rule, without Flask or a database ---------------------------------------------------------


def test_the_course_share_applies_unless_the_platform_sets_one():
    manifest = {"completion": {"lesson_done": "button", "min_lesson_time_share": 0.25}}
    assert rule_for(manifest, None) == LessonRule("time", 0.25)
    assert rule_for(manifest, 0.8) == LessonRule("time", 0.8)
    assert rule_for({"completion": {}}, None) == LessonRule("time", 0.5)  # older versions
    assert rule_for(manifest, 0) == LessonRule("off", 0.0)


def test_a_course_may_ask_for_the_end_of_the_lesson_instead_of_time():
    manifest = {"completion": {"lesson_done": "end_of_page"}}
    assert rule_for(manifest, None).mode == "end"
    assert rule_for(manifest, 0).mode == "off"


def test_the_time_required_is_the_share_of_the_stated_minutes_rounded_up():
    assert seconds_required(10, 0.5) == 300
    assert seconds_required(7, 1 / 3) == 140
    assert seconds_required(10, 0) == 0


def test_one_page_view_counts_up_to_half_an_hour_or_the_lesson_duration_when_longer():
    opened = datetime(2026, 12, 7, 9, tzinfo=UTC)
    later = to_us(opened + timedelta(hours=3))
    assert seconds_between(View(to_us(opened), "a", 10), later) == 30 * 60
    assert seconds_between(View(to_us(opened), "a", 90), later) == 90 * 60
    assert seconds_between(View(to_us(opened), "a", None), later) == 30 * 60
    early = to_us(opened - timedelta(seconds=5))
    assert seconds_between(View(to_us(opened), "a", 10), early) == 0
    assert seconds_between(View(to_us(opened), "a", 10), to_us(opened) + 2_499_999) == 2
    assert seconds_between(View(to_us(opened), "a", 10), to_us(opened) + 2_500_000) == 3


# Through the pages -----------------------------------------------------------------------------


@RULE_ON
def test_ten_seconds_on_a_lesson_is_refused_with_the_time_left_then_accepted_later(
    app, client, make, course
):
    with freeze_time(START) as clock:
        page = start(client, make)
        assert "You can mark this lesson complete in about 5 minutes." in page_text(page)
        clock.tick(10)
        refused = client.post(f"{LESSON}/complete", follow_redirects=True)
        assert refused.status_code == 200
        assert refused.request.path == LESSON
        text = page_text(refused)
        assert "Not yet: this course asks for some time with each lesson." in text
        assert "in about 5 minutes" in text
        assert completions(app) == 0
        clock.tick(300 - 10)
        accepted = client.post(f"{LESSON}/complete")
        assert accepted.status_code == 302
        assert completions(app) == 1


@RULE_ON
def test_time_from_several_visits_to_a_lesson_adds_up(app, client, make, course):
    with freeze_time(START) as clock:
        start(client, make)
        clock.tick(200)
        page = client.get(LESSON)  # 200 seconds recorded, 100 left
        assert "in about 2 minutes" in page_text(page)
        clock.tick(40)
        assert "in about 1 minute." in page_text(client.get(LESSON))
        clock.tick(50)
        assert "in less than a minute" in page_text(client.get(LESSON))
        clock.tick(10)
        client.post(f"{LESSON}/complete")
    assert completions(app) == 1


@RULE_ON
def test_the_course_sets_its_own_share(app, client, make):
    course_with(app, "completion:\n  sequential: true\n  min_lesson_time_share: 0.2\n")
    with freeze_time(START) as clock:
        start(client, make)
        clock.tick(119)
        client.post(f"{LESSON}/complete")
        assert completions(app) == 0
        clock.tick(1)
        client.post(f"{LESSON}/complete")
    assert completions(app) == 1


@pytest.mark.parametrize("config_overrides", [{"MIN_LESSON_TIME_SHARE": 1.0}], indirect=True)
def test_the_platform_share_overrides_the_course_share(app, client, make):
    course_with(app, "completion:\n  sequential: true\n  min_lesson_time_share: 0.2\n")
    with freeze_time(START) as clock:
        start(client, make)
        clock.tick(300)
        client.post(f"{LESSON}/complete")
        assert completions(app) == 0
        clock.tick(300)
        client.post(f"{LESSON}/complete")
    assert completions(app) == 1


@pytest.mark.parametrize("config_overrides", [{"MIN_LESSON_TIME_SHARE": 0}], indirect=True)
def test_a_platform_share_of_zero_lets_lessons_be_completed_at_once(app, client, make, course):
    with freeze_time(START):
        page = start(client, make)
        assert "You can mark this lesson complete" not in page_text(page)
        client.post(f"{LESSON}/complete")
    assert completions(app) == 1


@RULE_ON
def test_a_lesson_completed_before_is_not_asked_for_time_again(app, client, make, course):
    with freeze_time(START) as clock:
        start(client, make)
        clock.tick(300)
        client.post(f"{LESSON}/complete")
        page = client.get(LESSON)
        assert "You have completed this lesson." in page_text(page)
        response = client.post(f"{LESSON}/complete", data={"then": "next"})
        assert response.headers["Location"].endswith("/lessons/media-lesson")
    assert completions(app) == 1


@RULE_ON
def test_the_refusal_is_in_the_learners_language(app, client, make, course):
    with freeze_time(START) as clock:
        page = start(client, make, language="ro")
        assert "Puteți marca această lecție ca finalizată în aproximativ 5 minute." in (
            page_text(page)
        )
        clock.tick(10)
        refused = client.post(f"{LESSON}/complete", follow_redirects=True)
        assert refused.status_code == 200
        assert "Încă nu:" in page_text(refused)


@RULE_ON
def test_a_course_that_asks_for_the_end_of_the_lesson_takes_the_control_at_its_end(
    app, client, make
):
    course_with(app, "completion:\n  sequential: true\n  lesson_done: end_of_page\n")
    with freeze_time(START):
        page = start(client, make)
        assert "You can mark this lesson complete" not in page_text(page)
        assert 'name="reached" value="end"' in page.get_data(as_text=True)
        # A request that did not come from the end of the page is refused, kindly.
        refused = client.post(f"{LESSON}/complete", follow_redirects=True)
        assert "Read the lesson to its end" in page_text(refused)
        assert completions(app) == 0
        client.post(f"{LESSON}/complete", data={"reached": "end", "then": "next"})
    assert completions(app) == 1


@RULE_ON
def test_the_end_of_a_lesson_not_open_does_not_count(app, client, make):
    course_with(app, "completion:\n  sequential: false\n  lesson_done: end_of_page\n")
    with freeze_time(START):
        start(client, make)  # "welcome" is the lesson open
        response = client.post(
            "/courses/test-course/lessons/media-lesson/complete",
            data={"reached": "end"},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "Read the lesson to its end" in page_text(response)
    assert completions(app) == 0


@RULE_ON
def test_the_time_left_costs_the_same_queries_for_a_large_course_as_for_a_small_one(
    app, client, make
):
    from tests.conftest import count_queries
    from tests.learning.test_queries import course_files

    import_files(app, course_files("small"))
    import_files(app, course_files("large", extra_lessons=25))
    counts = {}
    with freeze_time(START) as clock:
        sign_in(client, make.user(language="en"))
        for slug in ("small", "large"):
            client.post(f"/courses/{slug}/enrol")
            client.get(f"/courses/{slug}/lessons/welcome")
            clock.tick(60)
            client.get("/my-learning")  # the session's "last seen", written once a while
            counts[slug] = count_queries(
                app, lambda slug=slug: client.get(f"/courses/{slug}/lessons/welcome")
            )
            assert "in about 4 minutes" in page_text(client.get(f"/courses/{slug}/lessons/welcome"))
    assert counts["small"] == counts["large"]
