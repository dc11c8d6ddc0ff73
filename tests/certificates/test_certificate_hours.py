"""A certificate states the course's hours only when the holder's recorded time on the lessons
reached the course's share of what its required lessons state: the test course's required
lessons state 25 minutes, so with the default share (0.5) 750 seconds are needed."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.certificates import services
from elearn.certificates.models import Certificate
from elearn.extensions import db
from tests.certificates.test_certificates import pdf_text
from tests.conftest import page_text, sign_in
from tests.learning.test_lesson_time import RULE_ON, START, course_with
from tests.quizzes.test_attempts import QUIZ, answer_everything, start

LESSONS = "/courses/test-course/lessons"
ENGLISH = {"Accept-Language": "en"}


def pass_the_quizzes(client, app) -> None:
    for quiz in ("module-check", "final"):
        attempt_id = start(client, quiz)
        answer_everything(client, app, attempt_id, quiz=quiz)
        client.post(f"{QUIZ}/{quiz}/attempts/{attempt_id}/submit")


def the_certificate(app) -> Certificate:
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate is not None
        return certificate


def pdf_of(app, certificate) -> str:
    with app.app_context(), app.test_request_context():
        return pdf_text(services.pdf_bytes(db.session.get(Certificate, certificate.id), "en"))


@RULE_ON
def test_a_learner_who_spent_the_time_gets_a_certificate_stating_the_hours(app, client, make):
    course_with(app, "completion:\n  sequential: true\n")
    with freeze_time(START) as clock:
        sign_in(client, make.user(language="en"))
        client.post("/courses/test-course/enrol")
        for lesson, seconds in (("welcome", 300), ("media-lesson", 450)):
            client.get(f"{LESSONS}/{lesson}")
            clock.tick(seconds)
            client.post(f"{LESSONS}/{lesson}/complete")
        pass_the_quizzes(client, app)
    certificate = the_certificate(app)
    assert certificate.states_hours
    assert "1.5 hours of study" in pdf_of(app, certificate)
    text = page_text(app.test_client().get(f"/verify/{certificate.code}", headers=ENGLISH))
    assert "1.5 hours, online, self-paced" in text


@RULE_ON
def test_a_learner_who_hurried_gets_a_certificate_of_completion_without_hours(app, client, make):
    # A course that asks for the end of each lesson, not for time: completed in seconds.
    course_with(app, "completion:\n  sequential: true\n  lesson_done: end_of_page\n")
    with freeze_time(START) as clock:
        sign_in(client, make.user(language="en"))
        client.post("/courses/test-course/enrol")
        for lesson in ("welcome", "media-lesson"):
            client.get(f"{LESSONS}/{lesson}")
            clock.tick(20)
            client.post(f"{LESSONS}/{lesson}/complete", data={"reached": "end"})
        pass_the_quizzes(client, app)
    certificate = the_certificate(app)
    assert not certificate.states_hours and certificate.hours == 1.5
    text = pdf_of(app, certificate)
    assert "hours of study" not in text
    assert "has completed the online, self-paced course" in " ".join(text.split())
    page = page_text(app.test_client().get(f"/verify/{certificate.code}", headers=ENGLISH))
    assert "This certificate is valid." in page
    assert "1.5 hours" not in page
    assert "the certificate does not state a number of hours" in page


@pytest.mark.parametrize("config_overrides", [{"MIN_LESSON_TIME_SHARE": 0}], indirect=True)
def test_with_the_rule_switched_off_every_certificate_states_its_hours(app, client, make):
    course_with(app, "completion:\n  sequential: true\n")
    sign_in(client, make.user(language="en"))
    client.post("/courses/test-course/enrol")
    for lesson in ("welcome", "media-lesson"):
        client.post(f"{LESSONS}/{lesson}/complete")
    pass_the_quizzes(client, app)
    assert the_certificate(app).states_hours


@RULE_ON
def test_the_course_page_says_how_much_time_the_hours_need(app, client, make):
    course_with(app, "completion:\n  sequential: true\n")
    text = page_text(client.get("/courses/test-course", headers=ENGLISH))
    assert "It states these hours once you have spent about 13 minutes on the lessons." in text
