"""Each enrolment's summary (lessons completed, seconds on lessons, quiz attempts, best score)
always equals what its own rows say, whatever path wrote them: the reports rely on it."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.quizzes.models import QuizAttempt
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files
from tests.quizzes.test_attempts import QUIZ, answer_everything, start


def assert_summaries_match(app) -> int:
    with app.app_context():
        enrolments = db.session.scalars(select(Enrolment)).all()
        for enrolment in enrolments:
            mine = enrolment.id
            expected = (
                db.session.scalar(
                    select(func.count()).where(LessonCompletion.enrolment_id == mine)
                ),
                db.session.scalar(
                    select(func.coalesce(func.sum(LessonTime.seconds), 0)).where(
                        LessonTime.enrolment_id == mine
                    )
                ),
                db.session.scalar(select(func.count()).where(QuizAttempt.enrolment_id == mine)),
                db.session.scalar(
                    select(func.max(QuizAttempt.score)).where(QuizAttempt.enrolment_id == mine)
                ),
            )
            held = (
                enrolment.lessons_completed,
                enrolment.seconds_on_lessons,
                enrolment.quiz_attempts,
                enrolment.best_score,
            )
            assert held == expected, (mine, held, expected)
        return len(enrolments)


def test_lessons_time_attempts_scores_and_a_version_move_keep_the_summary_exact(
    app, client, learner, course
):
    with freeze_time(utcnow()) as clock:  # now: the learner has just signed in
        client.post("/courses/test-course/enrol")
        client.get("/courses/test-course/lessons/welcome")
        clock.tick(125)
        client.post("/courses/test-course/lessons/welcome/complete")
        client.post("/courses/test-course/lessons/welcome/complete")  # a double click
        client.get("/courses/test-course/lessons/media-lesson")
        clock.tick(40)
        client.get("/courses/test-course/lessons/welcome")  # back: 40 s counted
        clock.tick(10)
        client.post("/courses/test-course/lessons/media-lesson/complete")
        assert_summaries_match(app)
        for right in (False, True):
            attempt_id = start(client, "module-check")
            answer_everything(client, app, attempt_id, right=right, quiz="module-check")
            client.post(f"{QUIZ}/module-check/attempts/{attempt_id}/submit")
            clock.tick(60)
        assert_summaries_match(app)
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.lessons_completed == 2 and enrolment.quiz_attempts == 2
        assert enrolment.seconds_on_lessons >= 165 and enrolment.best_score == 100.0
    # A newer version changes a lesson: its credit goes, and the summary follows.
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", 'version: "1.0.0"', 'version: "1.1.0"')
    for language in ("ro", "en"):
        name = f"lessons/media-lesson.{language}.md"
        files[name] = files[name] + b"\nA paragraph added in 1.1.0.\n"
    import_files(app, files)
    assert client.post("/courses/test-course/move").status_code == 302
    assert assert_summaries_match(app) == 1
    with app.app_context():
        assert db.session.scalar(select(Enrolment.lessons_completed)) == 1
