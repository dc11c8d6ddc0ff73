"""Taking quizzes: drawing, saving, submitting once, time limits, attempts and feedback."""

from __future__ import annotations

import re
import threading

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.quizzes import allowances, answers, services
from elearn.quizzes.models import QuizAttempt
from tests.conftest import page_text, sign_in

QUIZ = "/courses/test-course/quizzes"


def enrol_and_finish_lessons(client):
    client.post("/courses/test-course/enrol")
    client.post("/courses/test-course/lessons/welcome/complete")
    client.post("/courses/test-course/lessons/media-lesson/complete")


def use_every_attempt(client, learner, clock) -> int:
    """Start and submit the final quiz's three attempts, ten minutes apart (its wait), signed in
    again after each; the last attempt's id."""
    for _ in range(3):
        attempt_id = start(client)
        client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
        clock.tick(11 * 60)
        sign_in(client, learner)
    return attempt_id


def start(client, quiz="final", base=QUIZ):
    response = client.post(f"{base}/{quiz}/start")
    assert response.status_code == 302, page_text(client.get(f"{base}/{quiz}/"))
    match = re.search(r"/attempts/(\d+)/1$", response.headers["Location"])
    return int(match.group(1))


def attempt_row(app, attempt_id) -> QuizAttempt:
    with app.app_context():
        return db.session.get(QuizAttempt, attempt_id)


def saved_answers(app, attempt_id) -> dict:
    with app.app_context():
        return answers.answers_of(attempt_id)


def answer_form(question: dict, entry: dict, *, right: bool) -> dict:
    """The form fields that answer one (non-scenario) question rightly or wrongly."""
    form = {}
    kind = question["type"]
    if kind in ("single", "multiple"):
        wanted = [o["id"] for o in question["options"] if o.get("correct") == right]
        tokens = [t for t, i in entry["tokens"].items() if i in wanted]
        form["answer"] = tokens if kind == "multiple" else tokens[:1]
    elif kind == "true_false":
        form["answer"] = "true" if question["answer"] == right else "false"
    elif kind == "short_text":
        form["answer"] = question["accepted"]["en"][0]["text"] if right else "wrong"
    elif kind == "matching":
        rights = {i: t for t, i in entry["rights"].items()}
        for token, pair_id in entry["tokens"].items():
            target = pair_id if right else next(p for p in rights if p != pair_id)
            form[f"pair-{token}"] = rights[target]
    elif kind == "ordering":
        order = [item["id"] for item in question["items"]]
        if not right:
            order.reverse()
        for token, item_id in entry["tokens"].items():
            form[f"position-{token}"] = str(order.index(item_id) + 1)
    elif kind == "numeric":
        form["answer"] = str(question["answers"][0]["value"]).replace(".", ",") if right else "-1"
    return form


def answer_everything(client, app, attempt_id, *, right=True, quiz="final", base=QUIZ):
    """Answer each question of the attempt through its pages, rightly or wrongly."""
    attempt = attempt_row(app, attempt_id)
    with app.app_context():
        enrolment = db.session.get(Enrolment, attempt.enrolment_id)
        quiz_row = services.quiz_by_key(enrolment, quiz)
        pairs = answers.questions_of(attempt, quiz_row)
    for number, (question, entry) in enumerate(pairs, start=1):
        if question["type"] == "scenario":
            tokens = {i: t for t, i in entry["tokens"].items()}
            steps = {step["id"]: step for step in question["steps"]}
            step_id = question["start"]
            while step_id:
                choices = steps[step_id]["choices"]
                choice = max(
                    choices, key=lambda c: c.get("credit", 0) if right else -c.get("credit", 0)
                )
                client.post(
                    f"{base}/{quiz}/attempts/{attempt_id}/{number}",
                    data={"answer": tokens[choice["id"]], "go": "stay"},
                )
                step_id = choice.get("next")
            continue
        form = answer_form(question, entry, right=right)
        response = client.post(
            f"{base}/{quiz}/attempts/{attempt_id}/{number}", data={**form, "go": "next"}
        )
        assert response.status_code == 302
    return pairs


def test_the_overview_says_attempts_and_limits_before_starting(client, learner, course):
    enrol_and_finish_lessons(client)
    text = page_text(client.get(f"{QUIZ}/final/"))
    assert "at least 80%" in text and "3 left" in text and "20 minutes" in text


def test_starting_draws_the_pool_and_a_reload_shows_the_same_attempt(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client)
    assert len(attempt_row(app, attempt_id).draw) == 3  # draw: 3 from a pool of 4
    assert start(client) == attempt_id

    def question_form():
        html = client.get(f"{QUIZ}/final/attempts/{attempt_id}/1").get_data(as_text=True)
        form = html[html.index("<form method") : html.index("</form>", html.index("<form method"))]
        # The CSRF token carries the second it was signed in: two views may differ there.
        return re.sub(r'name="csrf_token"[^>]*>', "", form)

    assert question_form() == question_form()


def test_the_page_source_holds_no_right_answer_or_option_id(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    for number in range(1, 9):
        html = client.get(f"{QUIZ}/module-check/attempts/{attempt_id}/{number}").get_data(
            as_text=True
        )
        values = re.findall(r'value="([^"]*)"', html)
        assert not {
            "dgaspc",
            "nobody",
            "n112",
            "n119",
            "p1",
            "p2",
            "safety",
            "listen",
            "refer",
        } & set(values)
        assert "correct" not in html.lower().replace("incorrect", "")


def test_pass_a_quiz_and_complete_the_course_at_once(app, client, learner, course):
    enrol_and_finish_lessons(client)
    module_attempt = start(client, "module-check")
    client.post(f"{QUIZ}/module-check/attempts/{module_attempt}/1", data={"go": "review"})
    client.post(f"{QUIZ}/module-check/attempts/{module_attempt}/submit")
    attempt_id = start(client)
    answer_everything(client, app, attempt_id, right=True)
    response = client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    result = page_text(client.get(response.headers["Location"]))
    assert "100%" in result and "Passed" in result
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        # The module quiz scored 0 and is required: the course is not complete yet.
        assert enrolment.completed_at is None
    retry = start(client, "module-check")
    answer_everything(client, app, retry, right=True, quiz="module-check")
    client.post(f"{QUIZ}/module-check/attempts/{retry}/submit")
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.completed_at is not None
        assert enrolment.completed_version_id == enrolment.version_id
    assert "You completed this course" in page_text(client.get("/courses/test-course"))


def test_fail_see_why_wait_and_retry(app, client, learner, course):
    enrol_and_finish_lessons(client)
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, learner)
        attempt_id = start(client)
        answer_everything(client, app, attempt_id, right=False)
        client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
        result = page_text(client.get(f"{QUIZ}/final/attempts/{attempt_id}/result"))
        assert "Not passed" in result and "2 attempts left" in result
        # Answers are held back until passing or the last attempt.
        assert "The right answers are shown once you pass" in result
        assert "✓" not in result
        refused = client.post(f"{QUIZ}/final/start")
        assert refused.status_code == 302
        assert "You can start the next attempt from" in page_text(client.get(f"{QUIZ}/final/"))
        clock.tick(11 * 60)
        assert start(client) != attempt_id


def test_the_last_attempt_reveals_the_answers_and_no_more_may_start(app, client, learner, course):
    enrol_and_finish_lessons(client)
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, learner)
        attempt_id = use_every_attempt(client, learner, clock)
        result = page_text(client.get(f"{QUIZ}/final/attempts/{attempt_id}/result"))
        assert "✓" in result and "You have used every attempt" in result
        client.post(f"{QUIZ}/final/start")
        assert "You have used every attempt" in page_text(client.get(f"{QUIZ}/final/"))
        with app.app_context():
            assert db.session.query(QuizAttempt).count() == 3


def test_an_extra_attempt_granted_lets_the_learner_try_again(app, client, make, learner, course):
    enrol_and_finish_lessons(client)
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        allowances.grant_allowance(
            enrolment, "final", extra_attempts=1, extra_minutes=15, by_id=learner.id
        )
        db.session.commit()
    text = page_text(client.get(f"{QUIZ}/final/"))
    assert "4 left" in text and "35 minutes" in text


def test_the_time_limit_is_enforced_on_the_server(app, client, make, course):
    with freeze_time("2026-11-29 10:00:00") as clock:
        person = make.user(language="en")
        sign_in(client, person)
        enrol_and_finish_lessons(client)
        attempt_id = start(client)
        answer_everything(client, app, attempt_id, right=True)
        clock.tick(21 * 60)
        late = client.post(
            f"{QUIZ}/final/attempts/{attempt_id}/1", data={"answer": "x", "go": "next"}
        )
        assert late.headers["Location"].endswith("/result")
    attempt = attempt_row(app, attempt_id)
    assert attempt.submitted_at is not None and attempt.score == 100.0


def test_submitting_twice_grades_once(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client)
    answer_everything(client, app, attempt_id, right=True)
    first = client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    second = client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    assert first.headers["Location"] == second.headers["Location"]
    graded = attempt_row(app, attempt_id).submitted_at
    client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    assert attempt_row(app, attempt_id).submitted_at == graded


def test_concurrent_submissions_grade_the_attempt_exactly_once(app, client, learner, course):
    """Two requests at the same moment: the database lets one of them claim the attempt."""
    enrol_and_finish_lessons(client)
    attempt_id = start(client)
    answer_everything(client, app, attempt_id, right=True)
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        with app.app_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            quiz = services.quiz_by_key(db.session.get(Enrolment, attempt.enrolment_id), "final")
            barrier.wait()
            graded = services.submit_attempt(attempt_id, quiz, 80)
            db.session.commit()
            outcomes.append(graded)
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [False, False, False, True]
    assert attempt_row(app, attempt_id).score == 100.0


def test_a_tampered_form_changes_nothing(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    response = client.post(
        f"{QUIZ}/module-check/attempts/{attempt_id}/1",
        data={"answer": "dgaspc", "go": "next"},
        headers={"Accept-Language": "en"},
    )
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/1")
    assert "did not come from this attempt" in page_text(client.get(response.headers["Location"]))
    assert saved_answers(app, attempt_id) == {}


def test_a_question_not_in_the_attempt_is_404(client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client)
    assert client.get(f"{QUIZ}/final/attempts/{attempt_id}/9").status_code == 404
    assert client.post(f"{QUIZ}/final/attempts/{attempt_id}/0", data={}).status_code == 404


def test_another_persons_attempt_is_not_found(app, client, make, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client)
    other = app.test_client()
    sign_in(other, make.user())
    other.post("/courses/test-course/enrol")
    for url in (
        f"{QUIZ}/final/attempts/{attempt_id}/1",
        f"{QUIZ}/final/attempts/{attempt_id}/result",
    ):
        assert other.get(url).status_code == 404
    assert other.post(f"{QUIZ}/final/attempts/{attempt_id}/submit").status_code == 404
    assert attempt_row(app, attempt_id).submitted_at is None


def test_answers_after_submitting_are_refused(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client)
    client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    response = client.post(f"{QUIZ}/final/attempts/{attempt_id}/1", data={"answer": "true"})
    assert response.headers["Location"].endswith("/result")


def test_a_scenario_steps_through_its_branches(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    attempt = attempt_row(app, attempt_id)
    number = next(i for i, e in enumerate(attempt.draw, start=1) if e["key"] == "scenario-q")
    entry = attempt.draw[number - 1]
    token = {v: k for k, v in entry["tokens"].items()}
    page = f"{QUIZ}/module-check/attempts/{attempt_id}/{number}"
    assert "What do you do?" in page_text(client.get(page))
    client.post(page, data={"answer": token["listen"], "go": "stay"})
    second = page_text(client.get(page))
    assert "I listen calmly." in second and "The pupil goes on." in second and "And then?" in second
    client.post(page, data={"answer": token["refer"], "go": "stay"})
    assert "The case has ended." in page_text(client.get(page))
    assert saved_answers(app, attempt_id)["scenario-q"] == ["listen", "refer"]
    # A choice from a step already passed is refused.
    client.post(page, data={"answer": token["promise"], "go": "stay"})
    assert saved_answers(app, attempt_id)["scenario-q"] == ["listen", "refer"]


def test_quizzes_need_an_enrolment(client, learner, course):
    response = client.post(f"{QUIZ}/final/start")
    assert response.headers["Location"] == "/courses/test-course"


@pytest.mark.parametrize("config_overrides", [{}], indirect=True)
def test_quiz_submission_makes_the_same_number_of_queries_however_many_questions(app, client, make):
    """The grading reads the attempt and the quiz once, whatever their size."""
    from sqlalchemy import event

    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    def course_with(extra: int, slug: str):
        files = edit(valid_files(), "course.yaml", "id: test-course", f"id: {slug}")
        files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
        files = edit(files, "course.yaml", "    draw: 3\n", "")
        questions = "".join(f"::extra{i}::Extra {i}?{{T}}\n\n" for i in range(extra))
        for language in ("ro", "en"):
            files[f"quizzes/final.{language}.gift"] += ("\n" + questions).encode()
        import_files(app, files)

    def submission_queries(slug: str) -> int:
        client.post(f"/courses/{slug}/enrol")
        for key in ("welcome", "media-lesson"):
            client.post(f"/courses/{slug}/lessons/{key}/complete")
        attempt_id = int(
            re.search(
                r"/attempts/(\d+)/",
                client.post(f"/courses/{slug}/quizzes/final/start").headers["Location"],
            ).group(1)
        )
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            client.post(f"/courses/{slug}/quizzes/final/attempts/{attempt_id}/submit")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    course_with(0, "small-course")
    course_with(30, "big-course")
    sign_in(client, make.user())
    assert submission_queries("small-course") == submission_queries("big-course")
