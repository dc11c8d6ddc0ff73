"""What learners see: "due on" and "overdue" in words on My learning and the course page,
soonest first, courses not yet started included (with a Start link)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

from freezegun import freeze_time

from elearn.extensions import db
from elearn.learning.due import DueDate, due_dates
from tests.assignments.conftest import assign, certify, rows_of
from tests.certificates.conftest import certificate_of, complete_course
from tests.conftest import count_queries, page_text, sign_in


def test_my_learning_lists_assigned_courses_soonest_first_with_start_links(
    app, make, county, course_id, second_course_id
):
    person = make.user(organisation_id=county["b"], language="en", email="ilona@example.org")
    with freeze_time("2026-11-02 09:00:00"):
        assign(
            app,
            county["isj"],
            county["manager"],
            course_id=second_course_id,
            due_on=date(2026, 12, 20),
        )
        assign(
            app,
            county["isj"],
            county["manager"],
            course_id=course_id,
            target="person",
            email="ilona@example.org",
            due_on=date(2026, 11, 15),
        )
    with freeze_time("2026-11-20 09:00:00"):
        client = app.test_client()
        sign_in(client, person)
        text = page_text(client.get("/my-learning"))
        html = client.get("/my-learning").get_data(as_text=True)
        course_page = page_text(client.get("/courses/test-course"))
    assert "Assigned to you" in text
    overdue = text.index("Overdue: it was due on 15 November 2026")
    due = text.index("Due on 20 December 2026")
    assert overdue < due  # soonest first
    assert text.index("Test course") < text.index("Second course")
    assert 'href="/courses/second-course"' in html and "Start" in text
    assert "Assigned to you. Overdue: it was due on 15 November 2026" in course_page


def test_a_met_course_says_done_and_an_enrolled_one_continues(app, make, county, course_id):
    person = make.user(organisation_id=county["b"], language="ro", email="ana@example.org")
    with freeze_time("2026-11-02 09:00:00"):
        assign(
            app,
            county["isj"],
            county["manager"],
            course_id=course_id,
            target="person",
            email="ana@example.org",
            due_on=date(2026, 12, 1),
        )
    with freeze_time("2026-11-05 09:00:00"):
        client = app.test_client()
        sign_in(client, person)
        client.post("/courses/test-course/enrol")
        html = client.get("/my-learning").get_data(as_text=True)
        assert "/courses/test-course/continue" in html
        assert "1 decembrie 2026" in page_text(client.get("/my-learning"))  # Romanian dates
        certify(app, person.id, course_id)
        text = page_text(client.get("/courses/test-course", headers={"Accept-Language": "en"}))
        with app.test_request_context(), app.app_context():
            from elearn.accounts.models import User

            [due] = due_dates(db.session.get(User, person.id))
    assert due == DueDate(course_id, date(2026, 12, 1), overdue=False, met_on=date(2026, 11, 5))
    assert "5 noiembrie 2026" in text  # the person's own language wins


def test_people_without_assignments_and_visitors_see_nothing_of_it(app, client, make, course):
    assert "Assigned to you" not in page_text(client.get("/courses/test-course"))
    sign_in(client, make.user(language="en"))
    assert "Assigned to you" not in page_text(client.get("/my-learning"))


def test_my_learning_makes_as_many_queries_for_many_due_dates(
    app, make, county, course_id, second_course_id
):
    person = make.user(organisation_id=county["b"], language="en", email="many@example.org")
    client = app.test_client()
    sign_in(client, person)
    assign(app, county["isj"], county["manager"], course_id=course_id)
    client.post("/courses/test-course/enrol")
    client.get("/my-learning")
    few = count_queries(app, lambda: client.get("/my-learning"))
    assign(app, county["isj"], county["manager"], course_id=second_course_id)
    assign(
        app,
        county["b"],
        county["manager"],
        course_id=course_id,
        target="person",
        email="many@example.org",
        due_on=date(2099, 1, 1),
    )
    assert count_queries(app, lambda: client.get("/my-learning")) == few


def test_completing_the_course_through_its_pages_meets_the_assignment(app, make, county, course_id):
    """The whole chain: completion → certificate (certificates) → certificate_issued → met."""
    person = make.user(organisation_id=county["b"], language="en")
    assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target_organisation_id=county["b"],
    )
    client = app.test_client()
    sign_in(client, person)
    assert "Due on 30 June 2099" in page_text(client.get("/courses/test-course"))
    complete_course(client, app)
    certificate = certificate_of(app, person.id)
    [row] = rows_of(app, user_id=person.id)
    assert (row.certificate_id, row.met_at) == (certificate.id, certificate.issued_at)
    assert "Done on" in page_text(client.get("/my-learning"))


def test_the_data_download_lists_the_persons_due_dates(app, make, county, course_id):
    person = make.user(organisation_id=county["b"], language="en")
    assign(app, county["isj"], county["manager"], course_id=course_id)
    client = app.test_client()
    sign_in(client, person)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data))
    [entry] = json.loads(archive.read("assignments.json"))
    assert entry == {
        "course": "test-course",
        "assigned_by": "Inspectoratul Școlar Județean Bihor",
        "cycle": 1,
        "due_on": "2099-06-30",
        "met_at": None,
    }


def test_erasing_an_account_drops_its_open_due_dates_and_keeps_the_met_ones(
    app, make, county, course_id, second_course_id
):
    person = make.user(organisation_id=county["b"], language="en")
    assign(app, county["isj"], county["manager"], course_id=course_id)
    assign(app, county["isj"], county["manager"], course_id=second_course_id)
    certify(app, person.id, second_course_id)
    client = app.test_client()
    sign_in(client, person)
    response = client.post("/account/erase", data={"password": person.password, "understood": "y"})
    assert response.status_code == 302
    [kept] = rows_of(app, user_id=person.id)
    assert kept.course_id == second_course_id and kept.met_at is not None
