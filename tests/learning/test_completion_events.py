"""Completing a course is announced once, as ``course_completed``, and certificates react to it
without learning knowing them; quizzes announce each pass as ``quiz_passed``."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.signals import course_completed, quiz_passed
from tests.certificates.conftest import complete_course
from tests.conftest import sign_in


def test_completing_a_course_sends_course_completed_once(app, client, make, course):
    person = make.user(language="en")
    sign_in(client, person)
    completions, passes = [], []

    def on_completed(sender, **details):
        completions.append(details)

    def on_passed(sender, **details):
        passes.append(details)

    with course_completed.connected_to(on_completed), quiz_passed.connected_to(on_passed):
        complete_course(client, app)
        client.post("/courses/test-course/lessons/welcome/complete")  # again: nothing new
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        certificates = db.session.scalar(select(func.count(Certificate.id)))
    assert completions == [
        {
            "enrolment_id": enrolment.id,
            "user_id": person.id,
            "course_id": enrolment.course_id,
            "version_id": course,
            "completed_at": enrolment.completed_at,
        }
    ]
    assert [(p["quiz_key"], p["round"]) for p in passes] == [("module-check", 1), ("final", 1)]
    assert certificates == 1  # issued by certificates' receiver, inside the same request


def test_an_app_connects_each_receiver_once_however_many_apps_are_made(app):
    from elearn import create_app

    before = len(course_completed.receivers)
    create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert len(course_completed.receivers) == before
