"""A double click, two tabs or a retry over a bad connection send the same request twice at
the same moment: each is answered normally, and the database holds one row, not two and not
an error. Run against PostgreSQL in CI, where the requests truly overlap."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.learning import page_views
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.learning.view_time import History, View
from elearn.quizzes.models import QuizAttempt

COURSE = "/courses/test-course"


def at_once(app, client, method: str, path: str, times: int = 4) -> list[int]:
    """Send the same request ``times`` times in parallel with the client's session."""
    cookie = client.get_cookie("session")
    barrier = threading.Barrier(times)
    statuses: list[int] = []

    def send():
        twin = app.test_client()
        twin.set_cookie("session", cookie.value)
        data = {"csrf_token": client.csrf_token()} if method == "POST" else None
        barrier.wait()
        response = twin.open(path, method=method, data=data)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def opened_two_minutes_ago(app) -> None:
    """Move the enrolment's one recorded view two minutes back."""
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        at = enrolment.last_opened_at - timedelta(minutes=2)
        enrolment.last_opened_at = at
        enrolment.view_history = History(
            (View.of(at, SimpleNamespace(key="welcome", duration=10)),)
        ).encode()
        db.session.commit()


def test_enrolling_twice_at_once_enrols_once(app, client, learner, course):
    client.get("/")
    assert at_once(app, client, "POST", f"{COURSE}/enrol") == [302] * 4
    assert count(app, Enrolment) == 1


def test_completing_a_lesson_twice_at_once_records_it_once(app, client, learner, course):
    client.post(f"{COURSE}/enrol")
    client.get(f"{COURSE}/lessons/welcome")
    assert at_once(app, client, "POST", f"{COURSE}/lessons/welcome/complete") == [302] * 4
    assert count(app, LessonCompletion) == 1


def test_opening_lessons_in_several_tabs_at_once_counts_time_without_failing(
    app, client, learner, course
):
    client.post(f"{COURSE}/enrol")
    client.get(f"{COURSE}/lessons/welcome")
    page_views.flush(app)
    opened_two_minutes_ago(app)
    assert at_once(app, client, "GET", f"{COURSE}/lessons/welcome") == [200] * 4
    assert page_views.flush(app) == 4
    with app.app_context():
        seconds = db.session.scalar(select(LessonTime.seconds))
        summary = db.session.scalar(select(Enrolment.seconds_on_lessons))
    assert count(app, LessonTime) == 1
    assert 120 <= seconds < 130 and summary == seconds


@pytest.mark.parametrize("config_overrides", [{"LESSON_VIEWS_FLUSH_SECONDS": 0}], indirect=True)
def test_views_written_in_their_requests_at_once_count_time_without_failing(
    app, client, learner, course
):
    client.post(f"{COURSE}/enrol")
    client.get(f"{COURSE}/lessons/welcome")
    opened_two_minutes_ago(app)
    assert at_once(app, client, "GET", f"{COURSE}/lessons/welcome") == [200] * 4
    with app.app_context():
        seconds = db.session.scalar(select(LessonTime.seconds))
        summary = db.session.scalar(select(Enrolment.seconds_on_lessons))
    assert count(app, LessonTime) == 1
    assert 120 <= seconds < 130 and summary == seconds


def test_starting_a_quiz_twice_at_once_draws_one_attempt(app, client, learner, course):
    client.post(f"{COURSE}/enrol")
    for lesson in ("welcome", "media-lesson"):
        client.post(f"{COURSE}/lessons/{lesson}/complete")
    assert at_once(app, client, "POST", f"{COURSE}/quizzes/final/start") == [302] * 4
    assert count(app, QuizAttempt) == 1
