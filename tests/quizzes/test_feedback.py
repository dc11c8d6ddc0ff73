"""Quizzes that teach: attempts counted before starting, a final quiz that waits for the
lessons, results that send the learner back to the lessons, "Try again", ordering answers
with a place given twice, and the next question's heading after "Save and go on"."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.quizzes import allowances, answers, services
from elearn.quizzes.models import QuizAttempt
from tests.conftest import page_text, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files
from tests.paths.conftest import add_course, add_path
from tests.quizzes.test_attempts import (
    QUIZ,
    answer_everything,
    attempt_row,
    enrol_and_finish_lessons,
    saved_answers,
    start,
    use_every_attempt,
)


def _without_prerequisite():
    return edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")


@pytest.fixture
def gated_course(app):
    """The test course whose final quiz opens only after every required lesson."""
    files = edit(
        _without_prerequisite(),
        "course.yaml",
        "    draw: 3\n",
        "    draw: 3\n    after_lessons: true\n",
    )
    return import_files(app, files)


def _attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuizAttempt))


def _pairs(app, attempt_id, quiz="final"):
    attempt = attempt_row(app, attempt_id)
    with app.app_context():
        enrolment = db.session.get(Enrolment, attempt.enrolment_id)
        return answers.questions_of(attempt, services.quiz_by_key(enrolment, quiz))


# Before starting ---------------------------------------------------------------------------


def test_the_start_page_says_which_attempt_starting_uses_and_how_many_remain(
    app, client, learner, course
):
    enrol_and_finish_lessons(client)
    text = page_text(client.get(f"{QUIZ}/final/"))
    assert "Starting uses attempt 1 of 3. After it, 2 attempts will be left." in text


def test_the_attempt_count_includes_extra_attempts_granted(app, client, learner, course):
    enrol_and_finish_lessons(client)
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        allowances.grant_allowance(
            enrolment, "final", extra_attempts=2, extra_minutes=0, by_id=learner.id
        )
        db.session.commit()
    text = page_text(client.get(f"{QUIZ}/final/"))
    assert "Starting uses attempt 1 of 5. After it, 4 attempts will be left." in text
    assert "This includes 2 extra attempts granted to you." in text


def test_an_unlimited_quiz_says_so_before_starting(client, learner, course):
    enrol_and_finish_lessons(client)
    text = page_text(client.get(f"{QUIZ}/module-check/"))
    assert "You may take this quiz as many times as you need." in text


def test_a_final_quiz_that_waits_for_the_lessons_lists_them_and_offers_no_start(
    client, learner, gated_course
):
    client.post("/courses/test-course/enrol")
    client.post("/courses/test-course/lessons/welcome/complete")
    page = client.get(f"{QUIZ}/final/")
    html = page.get_data(as_text=True)
    assert "1 lesson is left" in page_text(page)
    assert 'href="/courses/test-course/lessons/media-lesson"' in html
    # Done lessons and optional ones are not listed.
    assert 'href="/courses/test-course/lessons/welcome"' not in html
    assert 'href="/courses/test-course/lessons/closing"' not in html
    assert "/quizzes/final/start" not in html


def test_a_forged_start_before_the_lessons_is_refused_with_a_message(
    app, client, learner, gated_course
):
    client.post("/courses/test-course/enrol")
    response = client.post(f"{QUIZ}/final/start")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{QUIZ}/final/")
    text = page_text(client.get(response.headers["Location"]))
    assert "Complete the lessons listed on this page before starting the quiz." in text
    assert _attempts(app) == 0


def test_the_gated_quiz_starts_once_the_lessons_are_complete(app, client, learner, gated_course):
    enrol_and_finish_lessons(client)
    assert "/quizzes/final/start" in client.get(f"{QUIZ}/final/").get_data(as_text=True)
    start(client)
    assert _attempts(app) == 1


def test_a_quiz_without_the_setting_does_not_wait_for_the_lessons(app, client, learner, course):
    client.post("/courses/test-course/enrol")
    start(client)
    assert _attempts(app) == 1


# The result ---------------------------------------------------------------------------------


def test_a_failed_result_names_the_lesson_of_each_missed_question_not_the_answers(
    app, client, learner, course
):
    enrol_and_finish_lessons(client)
    with freeze_time("2026-11-29 10:00:00"):
        sign_in(client, learner)
        attempt_id = start(client)
        pairs = answer_everything(client, app, attempt_id, right=False)
        client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
        response = client.get(f"{QUIZ}/final/attempts/{attempt_id}/result")
    html, text = response.get_data(as_text=True), page_text(response)
    assert "Read these lessons again" in text
    wanted = {question["lesson"] for question, _entry in pairs}
    for key in wanted:
        assert f'href="/courses/test-course/lessons/{key}"' in html
    assert text.count("Taught in:") == len(pairs)
    # Not the last attempt: no right answer, no explanation given away.
    assert "✓" not in text and "Right." not in text


def test_try_again_waits_for_the_quizs_waiting_time_then_is_offered(app, client, learner, course):
    enrol_and_finish_lessons(client)
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, learner)
        attempt_id = start(client)
        answer_everything(client, app, attempt_id, right=False)
        client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
        result = f"{QUIZ}/final/attempts/{attempt_id}/result"
        waiting = client.get(result)
        text = page_text(waiting)
        assert "You can try again from" in text
        assert "a wait of 10 minutes between attempts" in text and "2 attempts left" in text
        assert "/quizzes/final/start" not in waiting.get_data(as_text=True)
        clock.tick(11 * 60)
        sign_in(client, learner)
        ready = client.get(result).get_data(as_text=True)
        assert re.search(r'action="[^"]*/quizzes/final/start"', ready)
        assert ">Try again</button>" in ready
        assert start(client) != attempt_id


def test_no_try_again_once_every_attempt_is_used(app, client, learner, course):
    enrol_and_finish_lessons(client)
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, learner)
        attempt_id = use_every_attempt(client, learner, clock)
        html = client.get(f"{QUIZ}/final/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "You have used every attempt" in page_text_of(html)
    assert "/quizzes/final/start" not in html


def page_text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_passing_links_to_the_certificate_and_the_next_course_of_the_path(
    app, client, learner, course
):
    with app.app_context():
        from elearn.courses.models import Course

        this = db.session.scalar(select(Course.id).where(Course.slug == "test-course"))
        after = add_course("after-this")
        add_path([this, after], profession=None)
        db.session.commit()
    enrol_and_finish_lessons(client)
    module = start(client, "module-check")
    answer_everything(client, app, module, right=True, quiz="module-check")
    client.post(f"{QUIZ}/module-check/attempts/{module}/submit")
    attempt_id = start(client)
    answer_everything(client, app, attempt_id, right=True)
    client.post(f"{QUIZ}/final/attempts/{attempt_id}/submit")
    response = client.get(f"{QUIZ}/final/attempts/{attempt_id}/result")
    html = response.get_data(as_text=True)
    assert "You have completed the course." in page_text(response)
    assert 'href="/my-certificates"' in html
    assert 'href="/courses/after-this"' in html and "Course after-this" in html
    assert "Read these lessons again" not in html and "Try again" not in html


# Answering ----------------------------------------------------------------------------------


def _ordering(app, attempt_id):
    pairs = _pairs(app, attempt_id, "module-check")
    number = next(n for n, (q, _e) in enumerate(pairs, start=1) if q["type"] == "ordering")
    return number, pairs[number - 1][1]


def test_an_ordering_answer_with_a_place_given_twice_is_refused_and_kept_on_the_page(
    app, client, learner, course
):
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    number, entry = _ordering(app, attempt_id)
    tokens = entry["order"]
    form = {f"position-{tokens[0]}": "1", f"position-{tokens[1]}": "1"}
    form[f"position-{tokens[2]}"] = "3"
    url = f"{QUIZ}/module-check/attempts/{attempt_id}/{number}"
    response = client.post(url, data={**form, "go": "next"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Place 1 is given to more than one item. Give each item its own place." in html
    for token, place in form.items():
        select_html = re.search(rf'<select name="{token}".*?</select>', html, re.S).group(0)
        assert f'value="{place}" selected' in select_html
    assert 'aria-describedby="ordering-hint answer-error"' in html
    assert saved_answers(app, attempt_id) == {}


def test_the_refusal_is_in_the_learners_language(app, client, make, course):
    romanian = make.user(language="ro")
    sign_in(client, romanian)
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    number, entry = _ordering(app, attempt_id)
    form = {f"position-{token}": "2" for token in entry["order"]}
    response = client.post(f"{QUIZ}/module-check/attempts/{attempt_id}/{number}", data=form)
    assert response.status_code == 400
    assert "Locul 2" in page_text(response)


def test_save_and_go_on_lands_on_the_next_questions_heading(app, client, learner, course):
    enrol_and_finish_lessons(client)
    attempt_id = start(client, "module-check")
    response = client.post(f"{QUIZ}/module-check/attempts/{attempt_id}/1", data={"go": "next"})
    assert response.headers["Location"].endswith(
        f"/module-check/attempts/{attempt_id}/2#question-heading"
    )
    page = client.get(f"{QUIZ}/module-check/attempts/{attempt_id}/2").get_data(as_text=True)
    assert '<h1 id="question-heading" tabindex="-1">' in page
    assert "js/quiz.js" in page


def test_a_failed_result_page_does_not_query_per_missed_question(app, client, make):
    from tests.conftest import count_queries
    from tests.quizzes.test_queries import prepare, quiz_course

    def course_files(slug, extra):
        files = quiz_course(slug, 0)
        for language in ("ro", "en"):
            name = f"quizzes/final.{language}.gift"
            more = "".join(
                f"\n// lesson: media-lesson\n::extra{i}::Statement {i} is true.{{T}}\n"
                for i in range(extra)
            )
            files[name] = files[name] + more.encode()
        return files

    import_files(app, course_files("small", 0))
    import_files(app, course_files("large", 15))
    sign_in(client, make.user(language="en"))
    counts = {}
    for slug in ("small", "large"):
        prepare(client, slug)
        base = f"/courses/{slug}/quizzes"
        attempt = start(client, base=base)
        answer_everything(client, app, attempt, right=False, base=base)
        client.post(f"{base}/final/attempts/{attempt}/submit")
        result = f"{base}/final/attempts/{attempt}/result"
        assert "Read these lessons again" in page_text(client.get(result))
        counts[slug] = count_queries(app, lambda result=result: client.get(result))
    assert counts["small"] == counts["large"]


def test_the_course_outline_names_the_final_quiz_by_its_own_title_once(client, learner, course):
    client.post("/courses/test-course/enrol")
    text = page_text(client.get("/courses/test-course"))
    assert "Final test" in text
    assert "Final quiz: Final test" not in text and "Final quiz" not in text


def test_reading_an_ordering_answer_names_every_place_given_twice():
    from elearn.quizzes.draw import RepeatedPlaces, draw_attempt, parse_answer

    question = {
        "id": "q",
        "type": "ordering",
        "items": [{"id": name} for name in ("a", "b", "c", "d")],
    }
    [entry] = draw_attempt([question], None)
    tokens = entry["order"]
    places = {tokens[0]: "2", tokens[1]: "2", tokens[2]: "4", tokens[3]: "4"}
    form = {f"position-{token}": [place] for token, place in places.items()}
    with pytest.raises(RepeatedPlaces) as refused:
        parse_answer(question, entry, form)
    assert refused.value.places == [2, 4]
    # Distinct places are read in order; a half-filled answer is no answer yet.
    form = {f"position-{token}": [str(n)] for n, token in enumerate(tokens, start=1)}
    assert parse_answer(question, entry, form) == [entry["tokens"][t] for t in tokens]
    assert parse_answer(question, entry, {f"position-{tokens[0]}": ["1"]}) is None
