"""Truly parallel requests on one attempt, on PostgreSQL: no acknowledged answer is lost, and
the stored answers always reproduce the grade.

Each thread is its own signed-in browser (its own test client and session) posting real forms
at the same moment (a barrier releases them together). SQLite runs one writer at a time, so
these races cannot happen there: the module runs in the PostgreSQL pass, which CI requires.
"""

from __future__ import annotations

import os
import threading
from functools import partial

import pytest

from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.quizzes import answers, services
from elearn.quizzes.grading import grade
from elearn.quizzes.models import QuizAttempt
from tests.conftest import sign_in
from tests.quizzes.test_attempts import QUIZ, answer_form, enrol_and_finish_lessons, start

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="parallel writers need PostgreSQL (SQLite serialises them); CI's PostgreSQL pass",
)

QUIZ_KEY = "module-check"  # eight questions of every type
ROUNDS = 6


def browsers(app, person, count: int) -> list:
    """``count`` separate browsers, each signed in as ``person``."""
    clients = []
    for _ in range(count):
        client = app.test_client()
        sign_in(client, person)
        clients.append(client)
    return clients


def together(jobs) -> list:
    """Run the callables at the same moment, one thread each; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def questions(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        quiz = services.quiz_by_key(db.session.get(Enrolment, attempt.enrolment_id), QUIZ_KEY)
        return [
            (number, question, entry)
            for number, (question, entry) in enumerate(answers.questions_of(attempt, quiz), start=1)
            if question["type"] != "scenario"
        ]


def stored(app, attempt_id) -> tuple[QuizAttempt, dict]:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        return attempt, answers.answers_of(attempt_id)


def save(client, attempt_id, number, form):
    """Post one answer; True if the learner was told it was saved (sent on, not back)."""
    response = client.post(
        f"{QUIZ}/{QUIZ_KEY}/attempts/{attempt_id}/{number}", data={**form, "go": "next"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    return not location.endswith((f"/{attempt_id}/{number}", "/result"))


def test_answers_saved_at_the_same_moment_are_all_kept(app, make, course):
    person = make.user(language="en")
    clients = browsers(app, person, 7)
    enrol_and_finish_lessons(clients[0])
    attempt_id = start(clients[0], QUIZ_KEY)
    pairs = questions(app, attempt_id)
    assert len(pairs) == 7
    for round_number in range(ROUNDS):
        right = round_number % 2 == 0
        jobs = [
            partial(save, client, attempt_id, number, answer_form(question, entry, right=right))
            for client, (number, question, entry) in zip(clients, pairs, strict=True)
        ]
        assert all(together(jobs))
        _attempt, answers = stored(app, attempt_id)
        for _number, question, _entry in pairs:
            assert question["id"] in answers, f"round {round_number}: {question['id']} lost"
            result = grade(question, answers[question["id"]], "en")
            assert result.correct == right, f"round {round_number}: {question['id']} is stale"


def test_an_answer_saved_as_the_attempt_is_submitted_is_either_graded_or_refused(app, make, course):
    for round_number in range(ROUNDS):
        # A new learner each round: a round may end in a pass, which allows no more attempts.
        clients = browsers(app, make.user(language="en"), 8)
        enrol_and_finish_lessons(clients[0])
        attempt_id = start(clients[0], QUIZ_KEY)
        pairs = questions(app, attempt_id)
        for number, question, entry in pairs:  # everything wrong first
            assert save(clients[0], attempt_id, number, answer_form(question, entry, right=False))
        jobs = [
            partial(save, client, attempt_id, number, answer_form(question, entry, right=True))
            for client, (number, question, entry) in zip(clients[1:], pairs, strict=True)
        ]
        submit = partial(clients[0].post, f"{QUIZ}/{QUIZ_KEY}/attempts/{attempt_id}/submit")
        jobs.insert(round_number % len(jobs), submit)
        outcomes = together(jobs)
        acknowledged = [
            question["id"]
            for (_n, question, _e), outcome in zip(
                pairs, [o for o in outcomes if isinstance(o, bool)], strict=True
            )
            if outcome
        ]
        attempt, answers = stored(app, attempt_id)
        assert attempt.submitted_at is not None
        by_id = {question["id"]: question for _n, question, _e in pairs}
        for key in acknowledged:  # every answer the learner was told was saved, is
            assert grade(by_id[key], answers[key], "en").correct, f"{key} acknowledged, lost"
        for key, result in attempt.results.items():  # the grade is the stored answers' grade
            if key in by_id:
                regraded = grade(by_id[key], answers.get(key), "en")
                assert regraded.score == result["score"], f"round {round_number}: {key}"
