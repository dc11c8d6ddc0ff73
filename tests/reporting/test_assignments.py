"""The dashboard's assignment figures: assigned, met on time, met late, overdue and due soon
per course and in the breakdowns, each count leading to its people, by the definitions of
docs/reporting.md ("Assignments"), in a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.assignments.models import Assignment
from elearn.certificates.services import today
from elearn.courses.models import CourseVersion
from elearn.extensions import db
from elearn.reporting import figures
from elearn.reporting.scope import Filters
from tests.assignments.factories import assign
from tests.conftest import count_queries, page_text
from tests.reporting.agreement_data import second_course
from tests.reporting.conftest import learner, manager_of, moment, place
from tests.reporting.test_exports import csv_rows

URL = "/organisations/{}/dashboard"
ZONE = ZoneInfo("Europe/Bucharest")


def user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.full_name == name))


def course_figures(app, organisation: int, **filters) -> dict:
    with app.app_context():
        report = figures.dashboard(Filters(organisation_id=organisation, **filters), today())
        return {
            row.course_id: [row.assigned, row.met_on_time, row.met_late, row.overdue, row.due_soon]
            for row in report.courses
        }


def people_on(client, url: str) -> set[str]:
    """The names listed on a people page."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    body = html.split("<tbody>", 1)[1] if "<tbody>" in html else ""
    return {
        name
        for name in ("Ana", "Bogdan", "Csilla", "Dan", "Elena", "Pending", "Gone")
        if f">{name} " in body
    }


def test_the_dashboard_counts_each_assignment_by_its_state(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    text = page_text(client.get(URL.format(assigned["isj"])))
    row = text.split("Assignments by course", 1)[1].split("Test course", 1)[1].split()[:5]
    assert row == ["5", "1", "1", "2", "1"]
    by_org = text.split("Assignments by organisation", 1)[1]
    assert "Școala Gimnazială nr. 11 Oradea 4 1 0 2 1" in by_org
    assert "Liceul Teoretic Beiuș 1 0 1 0 0" in by_org
    assert "Police officer 1 0 1 0 0" in text.split("Assignments by profession", 1)[1]


def test_each_assignment_count_leads_to_its_people(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    base = f"/organisations/{assigned['isj']}/dashboard/people?course={assigned['course']}"
    assert people_on(client, base + "&status=assigned") == {
        "Ana",
        "Bogdan",
        "Csilla",
        "Dan",
        "Elena",
    }
    assert people_on(client, base + "&status=met_on_time") == {"Csilla"}
    assert people_on(client, base + "&status=met_late") == {"Elena"}
    assert people_on(client, base + "&status=overdue") == {"Ana", "Dan"}
    assert people_on(client, base + "&status=due_soon") == {"Bogdan"}
    text = page_text(client.get(base + "&status=overdue"))
    assert "Test course: Overdue" in text and "Days overdue" in text
    assert text.index("Dan Notenrolled") < text.index("Ana Enrolled")  # the longest first
    assert "Dan Notenrolled Școala Gimnazială nr. 11 Oradea Teacher" in text


def test_every_link_of_the_assignment_tables_lists_as_many_people_as_it_counts(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    html = client.get(URL.format(assigned["isj"])).get_data(as_text=True)
    section = html.split('id="assignments"', 1)[1].split("<h2", 1)[0]
    links = [
        (part.split('"', 1)[0].replace("&amp;", "&"), part.split(">", 1)[1].split("<", 1)[0])
        for part in section.split('href="')[1:]
        if "/dashboard/people?" in part.split('"', 1)[0]
    ]
    assert len(links) > 20
    for url, count in links:
        html = client.get(url).get_data(as_text=True)
        if count.isdigit():
            assert html.count('<th scope="row">') == int(count), url
        else:  # everyone overdue, on every course
            assert html.count('<th scope="row">') == 2, url


def test_the_overdue_list_of_every_course_names_the_course(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    url = f"/organisations/{assigned['isj']}/dashboard/people?status=overdue"
    assert people_on(client, url) == {"Ana", "Dan"}
    text = page_text(client.get(url))
    assert "Every course: Overdue" in text and "2 assignments." in text
    assert "Dan Notenrolled Școala Gimnazială nr. 11 Oradea Teacher Test course" in text
    by_school = page_text(client.get(url + f"&organisation={assigned['b']}"))
    assert "0 assignments." in by_school


def test_a_school_manager_sees_only_their_schools_assignments(app, make, assigned):
    client = manager_of(app, make, assigned["b"])
    text = page_text(client.get(URL.format(assigned["b"])))
    row = text.split("Assignments by course", 1)[1].split("Test course", 1)[1].split()[:5]
    assert row == ["1", "0", "1", "0", "0"]
    people = f"/organisations/{assigned['isj']}/dashboard/people?status=overdue"
    assert client.get(people).status_code == 403
    own = f"/organisations/{assigned['b']}/dashboard/people?status=overdue"
    assert client.get(own + f"&organisation={assigned['a']}").status_code == 404


def test_the_assignment_lists_refuse_what_they_cannot_show(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    base = f"/organisations/{assigned['isj']}/dashboard/people"
    assert client.get(base + "?status=overdue&course=999999").status_code == 404
    assert client.get(base + "?status=overdue&since=2026-13-45").status_code == 404
    assert client.get(base + "?status=late").status_code == 404
    assert client.get("/organisations/999999/dashboard/people?status=overdue").status_code == 404


def test_an_organisation_with_nothing_assigned_says_so(app, make, county):
    client = manager_of(app, make, county["isj"])
    text = page_text(client.get(URL.format(county["isj"])))
    assert "No course is assigned to the people counted here." in text
    assert "Assignments by course" not in text


def test_on_time_is_judged_by_the_local_day_of_the_due_date(app, make, assigned):
    """Met at 23:30 in Bucharest on the due day: on time; at 00:30 the next day (still the
    due day in UTC): late."""
    day = date_before(app, 30)
    evening = datetime.combine(day, time(23, 30), tzinfo=ZONE)
    next_morning = datetime.combine(day + timedelta(days=1), time(0, 30), tzinfo=ZONE)
    assert next_morning.astimezone(UTC).date() == day
    with app.app_context():
        db.session.execute(db.text("DELETE FROM learner_assignments"))
        assign(user_id(app, "Ana Enrolled"), assigned["course"], day, met_at=evening)
        assign(user_id(app, "Bogdan Started"), assigned["course"], day, met_at=next_morning)
        db.session.commit()
    assert course_figures(app, assigned["isj"])[assigned["course"]] == [2, 1, 1, 0, 0]


def date_before(app, days: int):
    with app.app_context():
        return today() - timedelta(days=days)


def test_several_due_dates_for_a_course_count_once_by_the_current_one(app, make, assigned):
    """Csilla's recurring assignment: the first cycle met late, the second not due for a
    year (due later: assigned, in no other column); Elena has a second assignment of the
    course overdue, which counts before her met one."""
    course = assigned["course"]
    csilla, elena = user_id(app, "Csilla Completed"), user_id(app, "Elena Police")
    with app.app_context():
        day = today()
        row = assign(csilla, course, day - timedelta(days=20), met_at=moment(day, 1))
        recurring = db.session.get(Assignment, row.assignment_id)
        assign(csilla, course, day + timedelta(days=345), cycle=2, assignment=recurring)
        assign(elena, course, day - timedelta(days=2))
        db.session.commit()
    # Before: 5 assigned, 1 on time, 1 late, 2 overdue, 1 due soon.
    assert course_figures(app, assigned["isj"])[course] == [5, 0, 0, 3, 1]


def test_a_period_counts_the_due_dates_within_it(app, make, assigned):
    day = date_before(app, 0)
    figures_then = course_figures(
        app, assigned["isj"], start=day - timedelta(days=12), end=day - timedelta(days=1)
    )
    # Ana (3 days ago), Csilla (yesterday), Elena (10 days ago); not Dan (40), not Bogdan.
    assert figures_then[assigned["course"]] == [3, 1, 1, 1, 0]


def test_a_course_assigned_but_never_enrolled_on_has_its_row(app, make, county):
    """Nobody counted is enrolled on the second course; Dan has it assigned: it has a row
    in both tables."""
    second = second_course(app)
    with app.app_context():
        course_id = db.session.get(CourseVersion, second).course_id
        assign(user_id(app, "Dan Notenrolled"), course_id, today() + timedelta(days=40))
        db.session.commit()
    client = manager_of(app, make, county["isj"])
    text = page_text(client.get(URL.format(county["isj"])))
    assert "Second course 0 0 0 0 — 0 0 — — —" in text.split("Completion by course", 1)[1]
    assert "Second course 1 0 0 0 0" in text.split("Assignments by course", 1)[1]


def test_the_dashboard_makes_as_many_queries_with_many_assignments_as_with_few(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    url = URL.format(assigned["isj"])
    people = f"/organisations/{assigned['isj']}/dashboard/people?status=overdue"
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    few_people = count_queries(app, lambda: client.get(people))
    for index in range(6):
        person, browser = learner(app, make, assigned["b"], name=f"Extra {index}")
        browser.post("/courses/test-course/enrol")
        with app.app_context():
            assign(person.id, assigned["course"], today() - timedelta(days=index))
            db.session.commit()
    extra = make.organisation(name="Școala Primară Sânmartin")
    place(app, extra, assigned["a"])
    assert count_queries(app, lambda: client.get(url)) == few
    assert count_queries(app, lambda: client.get(people)) == few_people


def test_the_exports_carry_the_assignments(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    export = f"/organisations/{assigned['isj']}/dashboard/export?format=csv&table="
    courses = csv_rows(client.get(export + "courses"))
    assert courses[0][-5:] == [
        "Assigned",
        "Met on time",
        "Met late",
        "Overdue",
        "Due within 14 days",
    ]
    assert courses[1][-5:] == ["5", "1", "1", "2", "1"]
    schools = {row[0]: row[-5:] for row in csv_rows(client.get(export + "organisations"))}
    assert schools["Școala Gimnazială nr. 11 Oradea"] == ["4", "1", "0", "2", "1"]
    people = csv_rows(client.get(export + "people"))
    assert people[0][-2:] == ["Due on", "Assignment status"]
    by_name = {row[1]: row for row in people[1:]}
    with app.app_context():
        day = today()
    dan = by_name["Dan Notenrolled"]  # never enrolled: a row for the assigned course
    assert dan[5] == "Test course" and dan[6:9] == ["", "", "not enrolled"]
    assert dan[-2:] == [(day - timedelta(days=40)).isoformat(), "overdue"]
    assert by_name["Csilla Completed"][-1] == "met on time"
    assert by_name["Elena Police"][-1] == "met late"
    assert by_name["Bogdan Started"][-1] == "due within 14 days"
    assert "Pending Person" not in by_name and "Gone Person" not in by_name
