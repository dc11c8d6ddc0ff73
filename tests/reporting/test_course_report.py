"""A course's report for its trainers: totals across organisations, and item analysis per
question and version (share right, discrimination, most chosen wrong answer, flags)."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.reporting.items import Item
from tests.conftest import page_text, sign_in
from tests.quizzes.test_attempts import QUIZ, answer_everything, enrol_and_finish_lessons, start


def take_module_check(app, make, *, right: bool) -> None:
    person = make.user(language="en")
    browser = app.test_client()
    sign_in(browser, person)
    enrol_and_finish_lessons(browser)
    attempt_id = start(browser, "module-check")
    answer_everything(browser, app, attempt_id, right=right, quiz="module-check")
    assert browser.post(f"{QUIZ}/module-check/attempts/{attempt_id}/submit").status_code == 302


def course_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Course.id))


def test_item_analysis_of_a_quiz(app, client, make, course):
    for _ in range(9):
        take_module_check(app, make, right=True)
    for _ in range(3):
        take_module_check(app, make, right=False)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN), language="en"))
    response = client.get(f"/manage/courses/{course_id(app)}/report")
    assert response.status_code == 200
    text = page_text(response)
    assert "12 graded attempts" in text
    assert "1.0.0 12 0" in text or "Enrolled and completed, by version" in text
    # 12 answered, 9 right; the best 4 all right, the weakest 4 three wrong: +0.75.
    row = text.split("(single-q)", 1)[1][:40]
    assert row.split()[:3] == ["12", "75%", "+0.75"], row
    assert row.split()[3:5] == ["Nobody", "(3)"], row  # the wrong option three chose


def test_a_question_nearly_everyone_gets_right_or_wrong_is_flagged():
    def item(answered, share):
        return Item("q", "Q?", answered, share, None, None)

    assert item(12, 1.0).flag == "easy" and item(12, 0.1).flag == "hard"
    assert item(12, 0.5).flag is None and item(9, 1.0).flag is None  # too few to tell


def test_only_the_owning_organisations_trainers_and_administrators_see_it(
    app, client, make, course
):
    with app.app_context():
        owner = make.organisation(name="Asociația Autoare")
        db.session.get(Course, course_id(app)).owner_organisation_id = owner
        db.session.commit()
    url = f"/manage/courses/{course_id(app)}/report"
    sign_in(client, make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=owner))
    assert client.get(url).status_code == 200
    other = app.test_client()
    elsewhere = make.organisation(name="Altă asociație")
    sign_in(other, make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=elsewhere))
    assert other.get(url).status_code == 403
    assert client.get("/manage/courses/999999/report").status_code == 404
