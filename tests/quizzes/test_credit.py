"""Credit for questions across versions: a pass keeps counting while the questions it counted
are unchanged; when some changed, the learner answers only those again."""

from __future__ import annotations

import random
import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.quizzes.credit import top_up_plan
from elearn.quizzes.models import QuizAttempt
from tests.conftest import page_text
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files
from tests.quizzes.test_attempts import QUIZ, answer_everything, enrol_and_finish_lessons, start

OVERVIEW = f"{QUIZ}/module-check/"


def test_a_top_up_asks_changed_questions_and_replaces_removed_ones():
    results = {key: {"score": 1.0} for key in "abc"}
    carried, ask = top_up_plan(
        {"a": "1", "b": "2", "c": "3"},
        results,
        {"a": "1", "b": "2-new", "d": "4", "e": "5"},  # b changed, c removed
        random.Random(7),
    )
    assert carried == {"a": {"score": 1.0}}
    assert ask[0] == "b" and len(ask) == 2 and ask[1] in {"d", "e"}


def publish_changed(app, *edits):
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", 'version: "1.0.0"', 'version: "1.1.0"')
    for old, new in edits:
        files = edit(files, "quizzes/module-check.yaml", old, new)
    return import_files(app, files)


def pass_module_check(client, app):
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    answer_everything(client, app, attempt_id, quiz="module-check")
    client.post(f"{QUIZ}/module-check/attempts/{attempt_id}/submit")
    assert "You have passed this quiz." in page_text(client.get(OVERVIEW))


def test_after_moving_only_the_changed_question_is_asked_again(app, client, learner, course):
    pass_module_check(client, app)
    publish_changed(app, ("en: Put the steps in order.", "en: Put these steps in order."))
    client.post("/courses/test-course/move")
    text = page_text(client.get(OVERVIEW))
    assert "answer the 1 changed question to pass it again" in text
    response = client.post(f"{QUIZ}/module-check/start")
    attempt_id = int(re.search(r"/attempts/(\d+)/1$", response.headers["Location"]).group(1))
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert [entry["key"] for entry in attempt.draw] == ["ordering-q"]
        assert "ordering-q" not in attempt.carried and len(attempt.carried) == 7
    answer_everything(client, app, attempt_id, quiz="module-check")
    result = client.post(f"{QUIZ}/module-check/attempts/{attempt_id}/submit")
    text = page_text(client.get(result.headers["Location"]))
    assert "100%" in text and "7 answers from your earlier pass still count." in text
    assert "You have passed this quiz." in page_text(client.get(OVERVIEW))


def test_a_question_added_to_the_pool_does_not_undo_a_pass(app, client, learner, course):
    pass_module_check(client, app)
    extra = (
        "  - id: extra-q\n    type: true_false\n"
        "    prompt: {ro: Întrebare nouă., en: A new question.}\n    answer: true\n"
    )
    publish_changed(app, ("  - id: short-q\n", extra + "  - id: short-q\n"))
    client.post("/courses/test-course/move")
    assert "You have passed this quiz." in page_text(client.get(OVERVIEW))
    with app.app_context():
        assert db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.number == 2)) is None
