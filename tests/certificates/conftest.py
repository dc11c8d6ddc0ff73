"""A learner who completes the test course and holds its certificate."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.certificates.models import Certificate
from elearn.extensions import db
from tests.conftest import sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.quizzes.test_attempts import QUIZ, answer_everything, enrol_and_finish_lessons, start


def complete_course(client, app) -> None:
    """Read the lessons and pass both quizzes of the test course."""
    enrol_and_finish_lessons(client)
    for quiz in ("module-check", "final"):
        attempt_id = start(client, quiz)
        answer_everything(client, app, attempt_id, quiz=quiz)
        client.post(f"{QUIZ}/{quiz}/attempts/{attempt_id}/submit")


def certificate_of(app, user_id: int) -> Certificate | None:
    with app.app_context():
        return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))


@pytest.fixture
def holder(app, client, make, course):  # noqa: F811 - the fixture above
    """A confirmed member of an organisation who has completed the test course."""
    organisation = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    person = make.user(
        full_name="Ștefania-Gyöngyi Mureșan", organisation_id=organisation, language="en"
    )
    sign_in(client, person)
    complete_course(client, app)
    person.organisation_id = organisation
    return person
