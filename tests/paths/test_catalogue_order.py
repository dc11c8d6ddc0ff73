"""The catalogue shows the order to follow: the core course first, then the reader's
profession's course, then the rest; a locked course says what unlocks it, with a link. The
page's queries do not grow with the courses or the paths."""

from __future__ import annotations

import re

import pytest

from elearn.extensions import db
from tests.conftest import count_queries, page_text, sign_in, statements_made
from tests.paths.conftest import add_course, add_enrolment, add_path

# Titles chosen so that alphabetical order would put the core course last.
COURSES = {
    "understanding-trafficking": ((), ("all",), "Understanding trafficking"),
    "for-teachers": (("understanding-trafficking",), ("teacher",), "At school"),
    "for-police": (("understanding-trafficking",), ("police_officer",), "First response"),
    "looking-after-yourself": ((), ("all",), "Looking after yourself"),
}


@pytest.fixture
def library(app):
    """The shipped library's shape: the core course, two profession courses built on it, a
    course for everyone; a path per profession, the core course first."""
    with app.app_context():
        ids = {
            slug: add_course(
                slug,
                prerequisites=before,
                audiences=audiences,
                title={"en": title, "ro": title},
            )
            for slug, (before, audiences, title) in COURSES.items()
        }
        core = ids["understanding-trafficking"]
        add_path([core, ids["for-teachers"]], profession="teacher", title={"en": "Teachers"})
        add_path([core, ids["for-police"]], profession="police_officer", title={"en": "Police"})
        db.session.commit()
        return ids


def signed_in(client, make, profession: str):
    person = make.user(language="en", profession=profession)
    sign_in(client, person)
    client.get("/")  # the first page after signing in also checks the privacy notice, once
    return person


def cards(client) -> list[str]:
    """The catalogue's cards, in order: the text of each."""
    html = client.get("/courses/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    found = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", card).split()) for card in found]


def card_of(client, slug: str) -> str:
    html = client.get("/courses/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return re.search(
        rf'<li class="card">\s*<h2 class="card-title"><a href="/courses/{slug}".*?</li>', html, re.S
    ).group(0)


def test_a_police_officer_sees_the_core_course_first_then_the_police_course(client, make, library):
    signed_in(client, make, "police_officer")
    found = cards(client)
    assert found[0].startswith("Understanding trafficking")
    assert found[1].startswith("First response")
    assert "Course 1 of your learning path" in found[0]
    assert "Course 2 of your learning path" in found[1]
    assert "Recommended for your profession" in found[1]
    # The rest after the path: what can be taken now before what needs another course.
    assert found[2].startswith("Looking after yourself")
    assert found[3].startswith("At school")
    assert "of your learning path" not in found[2] + found[3]


def test_a_teacher_sees_the_teachers_course_locked_with_a_link_to_the_core_course(
    client, make, library
):
    signed_in(client, make, "teacher")
    found = cards(client)
    assert found[0].startswith("Understanding trafficking") and found[1].startswith("At school")
    card = card_of(client, "for-teachers")
    assert "Locked:" in card
    assert (
        'complete <a href="/courses/understanding-trafficking">Understanding trafficking</a> '
        "first." in card
    )
    assert "Locked:" not in card_of(client, "understanding-trafficking")


def test_after_the_core_course_is_completed_the_lock_is_gone(app, client, make, library):
    teacher = signed_in(client, make, "teacher")
    with app.app_context():
        add_enrolment(teacher.id, library["understanding-trafficking"], completed=True)
        db.session.commit()
    assert "Locked:" not in card_of(client, "for-teachers")
    text = page_text(client.get("/courses/", headers={"Accept-Language": "en"}))
    assert "Locked:" not in text
    # The order stays the path's.
    found = cards(client)
    assert found[0].startswith("Understanding trafficking") and found[1].startswith("At school")


def test_a_visitor_sees_the_courses_they_can_start_before_the_locked_ones(client, library):
    found = cards(client)
    assert [card.split(" ")[0] for card in found] == ["Understanding", "Looking", "At", "First"]
    assert sum("Locked:" in card for card in found) == 2
    assert not any("of your learning path" in card for card in found)


def test_the_lock_mark_is_translated(client, make, library):
    person = make.user(language="hu", profession="teacher")
    sign_in(client, person)
    html = client.get("/courses/", headers={"Accept-Language": "hu"}).get_data(as_text=True)
    assert "Zárolva:" in html
    assert "Az Ön képzési útjának 1. kurzusa" in html


def test_the_catalogue_makes_the_same_number_of_queries_with_more_courses_and_paths(
    app, client, make, library
):
    teacher = signed_in(client, make, "teacher")

    def page():
        return client.get("/courses/", headers={"Accept-Language": "en"})

    before = count_queries(app, page)
    with app.app_context():
        core = library["understanding-trafficking"]
        more = [
            add_course(f"more-{i}", prerequisites=["understanding-trafficking", "for-teachers"])
            for i in range(6)
        ]
        add_path([core, *more], profession="teacher", title={"en": "More"})
        add_path(more[:3], profession=None, title={"en": "Everyone"})
        add_enrolment(teacher.id, core, completed=True)
        add_enrolment(teacher.id, more[0])
        db.session.commit()
    assert count_queries(app, page) == before
    assert len(cards(client)) == 10


def test_the_catalogue_reads_the_newest_versions_and_the_enrolments_once(
    app, client, make, library
):
    """The cards, the paths and the prerequisites share what they are worked out from: one
    read of the newest published versions, one of the reader's enrolments."""
    teacher = signed_in(client, make, "teacher")
    with app.app_context():
        add_enrolment(teacher.id, library["understanding-trafficking"], completed=True)
        db.session.commit()
    statements = statements_made(
        app, lambda: client.get("/courses/", headers={"Accept-Language": "en"})
    )
    newest = [s for s in statements if "max(course_versions.id)" in s]
    enrolments = [s for s in statements if s.lstrip().startswith("SELECT enrolments.id")]
    assert len(newest) == 1, newest
    assert len(enrolments) == 1, enrolments
