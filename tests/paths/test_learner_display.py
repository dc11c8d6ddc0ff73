"""What learners see: their profession's paths on My learning and the catalogue, each course's
state in words and the next one marked; the catalogue's cards name the course to take first;
a locked course shows the way to it. The queries do not grow with paths or steps."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.learning import path_progress
from tests.conftest import count_queries, page_text, sign_in
from tests.paths.conftest import add_course, add_enrolment, add_path


@pytest.fixture
def teacher(make, client):
    person = make.user(language="en", profession="teacher")
    sign_in(client, person)
    client.get("/")  # the first page after signing in also checks the privacy notice, once
    return person


@pytest.fixture
def teachers_path(app, courses):
    with app.app_context():
        path_id = add_path([courses[c] for c in ("core", "school", "extra", "draft")])
        add_path([courses["core"]], profession="police_officer", title={"en": "Police path"})
        db.session.commit()
        return path_id


def steps_of(html: str) -> list[str]:
    """The text of each item of the first list of path steps."""
    listing = re.search(r'<ol class="path-steps">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li[^>]*>(.*?)</li>", listing, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_my_learning_shows_each_step_in_words_and_marks_the_next(
    app, client, teacher, courses, teachers_path
):
    html = client.get("/my-learning").get_data(as_text=True)
    assert "Your learning path" in html and "Teachers&#39; path" in html
    assert "Police path" not in html  # another profession's
    assert steps_of(html) == [
        "Next: Course core (not started)",
        "Course school (locked; complete first: Course core )",
        "Course extra (locked; complete first: Course school )",
        "Course draft (not open yet)",
    ]
    assert html.count('aria-current="step"') == 1
    assert re.search(r'aria-current="step">\s*<strong class="path-next">Next:', html)
    assert "0 of 4 courses completed" in page_text(client.get("/my-learning"))


def test_the_next_step_moves_on_as_the_learner_progresses(
    app, client, teacher, courses, teachers_path
):
    with app.app_context():
        add_enrolment(teacher.id, courses["core"], completed=True)
        add_enrolment(teacher.id, courses["school"])
        db.session.commit()
    html = client.get("/my-learning").get_data(as_text=True)
    assert steps_of(html) == [
        "Course core (completed)",
        "Next: Course school (in progress)",
        "Course extra (locked; complete first: Course school )",
        "Course draft (not open yet)",
    ]
    assert "1 of 4 courses completed" in page_text(client.get("/my-learning"))
    assert '<a href="/courses/school">Course school</a>' in html


def test_paths_for_everyone_are_shown_after_the_professions(
    app, client, teacher, courses, teachers_path
):
    with app.app_context():
        add_path([courses["core"]], profession=None, title={"en": "For everyone"})
        db.session.commit()
    text = page_text(client.get("/my-learning"))
    assert "Your learning paths" in text
    assert text.index("Teachers' path") < text.index("For everyone")


def test_the_catalogue_shows_the_path_and_which_course_a_card_needs_first(
    app, client, teacher, courses, teachers_path
):
    html = client.get("/courses/").get_data(as_text=True)
    assert steps_of(html)[0] == "Next: Course core (not started)"
    card = re.search(
        r'<li class="card">\s*<h2 class="card-title"><a href="/courses/school".*?</li>', html, re.S
    )
    assert "<strong>Locked:</strong> complete" in card.group(0)
    assert '<a href="/courses/core">Course core</a> first.' in card.group(0)
    with app.app_context():
        add_enrolment(teacher.id, courses["core"], completed=True)
        db.session.commit()
    html = client.get("/courses/").get_data(as_text=True)
    assert html.count("<strong>Locked:</strong> complete") == 1  # only extra, which needs school


def test_anonymous_visitors_see_what_each_course_needs_but_no_path(client, courses, teachers_path):
    html = client.get("/courses/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.count("<strong>Locked:</strong> complete") == 2
    assert "Your learning path" not in html


def test_a_locked_course_shows_the_courses_to_complete_first_in_order(
    app, client, teacher, courses
):
    response = client.get("/courses/extra")
    html = response.get_data(as_text=True)
    assert "Complete these courses first, in this order" in html
    assert steps_of(html) == [
        "Next: Course core (not started)",
        "Course school (locked; complete first: Course core )",
    ]
    assert 'action="/courses/extra/enrol"' not in html
    with app.app_context():
        add_enrolment(teacher.id, courses["core"], completed=True)
        db.session.commit()
    html = client.get("/courses/extra").get_data(as_text=True)
    assert steps_of(html) == ["Course core (completed)", "Next: Course school (not started)"]


def test_a_prerequisite_cycle_does_not_loop(app, client, teacher):
    with app.app_context():
        add_course("chicken", prerequisites=["egg"])
        add_course("egg", prerequisites=["chicken"])
        db.session.commit()
    html = client.get("/courses/chicken").get_data(as_text=True)
    assert steps_of(html) == ["Course egg (locked; complete first: Course chicken )"]


def _statements(app, work) -> int:
    statements = []

    def listener(*args):
        statements.append(args[2])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            work()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_paths_for_makes_the_same_number_of_queries_however_many_paths_and_steps(
    app, make, courses
):
    person = make.user(profession="teacher")

    def work():
        user = db.session.get(User, person.id)
        db.session.expire_all()
        result = path_progress.paths_for(user)
        for item in result:
            for step in item.steps:
                step.title("en"), [need.title("en") for need in step.needs]

    with app.app_context():
        add_path([courses["core"], courses["school"]])
        db.session.commit()
    one = _statements(app, work)
    with app.app_context():
        extra = [add_course(f"more-{i}", prerequisites=["core", "school"]) for i in range(6)]
        for i in range(4):
            add_path([courses["core"], *extra[i:], courses["extra"]], title={"en": f"P{i}"})
        add_path(extra, profession=None, title={"en": "All"})
        add_enrolment(person.id, courses["core"], completed=True)
        add_enrolment(person.id, extra[0])
        db.session.commit()
    assert _statements(app, work) == one


def test_the_pages_with_paths_do_not_query_per_path_or_step(app, client, teacher, courses):
    with app.app_context():
        add_path([courses["core"], courses["school"]])
        db.session.commit()
    pages = ("/my-learning", "/courses/", "/courses/extra")
    before = [count_queries(app, lambda page=page: client.get(page)) for page in pages]
    with app.app_context():
        extra = [add_course(f"more-{i}", prerequisites=["core"]) for i in range(5)]
        for i in range(3):
            add_path([*extra[i:], courses["school"], courses["extra"]], title={"en": f"P{i}"})
        db.session.commit()
    after = [count_queries(app, lambda page=page: client.get(page)) for page in pages]
    assert after == before
