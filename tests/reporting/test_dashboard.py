"""The completion dashboard: the right people counted, each figure as docs/reporting.md
defines it, every count leading to its people, filters that refuse nonsense, a manager kept to
their own tree, and a number of queries that does not grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn.certificates.services import today
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.conftest import count_queries, page_text
from tests.reporting.conftest import learner, manager_of, place

URL = "/organisations/{}/dashboard"


def course_row(text: str) -> str:
    return text.split("Completion by course", 1)[1].split("Test course", 1)[1].split("\n")[0]


def test_the_county_manager_sees_the_figures_of_every_school_below(app, make, county):
    client = manager_of(app, make, county["isj"])
    response = client.get(URL.format(county["isj"]))
    assert response.status_code == 200
    text = page_text(response)
    assert "6 people counted." in text  # the manager, Ana, Bogdan, Csilla, Dan, Elena
    figures = course_row(text).split()
    # enrolled, not started, in progress, completed, rate, certificates, expiring,
    # median days, median minutes, average best score
    assert figures[:7] == ["4", "1", "1", "2", "50%", "2", "0"], figures
    assert figures[7] == "15.0" and figures[8] == "30", figures
    assert figures[9] == "100.0%", figures
    assert "Figures computed at" in text


def test_each_count_leads_to_the_people_behind_it(app, make, county):
    client = manager_of(app, make, county["isj"])
    html = client.get(URL.format(county["isj"])).get_data(as_text=True)
    completed = (
        next(link for link in html.split('href="')[1:] if "status=completed" in link)
        .split('"')[0]
        .replace("&amp;", "&")
    )
    text = page_text(client.get(completed))
    assert "Csilla Completed" in text and "Elena Police" in text
    assert "Ana Enrolled" not in text and "Gone Person" not in text
    with app.app_context():
        course_id = db.session.scalar(select(Enrolment.course_id))
    people = f"/organisations/{county['isj']}/dashboard/people?course={course_id}"
    not_started = page_text(client.get(people + "&status=not_started"))
    assert "Ana Enrolled" in not_started and "Bogdan Started" not in not_started
    assert "Bogdan Started" in page_text(client.get(people + "&status=in_progress"))
    enrolled = page_text(client.get(people))
    assert "Pending Person" not in enrolled and "Dan Notenrolled" not in enrolled
    assert "/people/" in client.get(people).get_data(as_text=True)  # each to their learning page


def test_a_school_manager_sees_only_their_school(app, make, county):
    client = manager_of(app, make, county["a"])
    text = page_text(client.get(URL.format(county["a"])))
    assert course_row(text).split()[:4] == ["3", "1", "1", "1"]
    assert client.get(URL.format(county["isj"])).status_code == 403
    assert client.get(URL.format(county["b"])).status_code == 403
    # Nor through the sub-organisation filter of their own page:
    assert client.get(URL.format(county["a"]) + f"?organisation={county['b']}").status_code == 400


def test_filters_narrow_the_figures(app, make, county):
    client = manager_of(app, make, county["isj"])
    police = page_text(client.get(URL.format(county["isj"]) + "?profession=police_officer"))
    assert course_row(police).split()[:4] == ["1", "0", "0", "1"]
    school_b = page_text(client.get(URL.format(county["isj"]) + f"?organisation={county['b']}"))
    assert course_row(school_b).split()[:4] == ["1", "0", "0", "1"]
    with app.app_context():  # the platform's day, which is not UTC's near midnight
        later = (today() + timedelta(days=1)).isoformat()
    nothing = page_text(client.get(URL.format(county["isj"]) + f"?since={later}"))
    assert "Nobody counted here is enrolled on a course yet." in nothing


def test_breakdowns_by_organisation_profession_county_and_month(app, make, county):
    client = manager_of(app, make, county["isj"])
    text = page_text(client.get(URL.format(county["isj"])))
    by_org = text.split("Completion by organisation", 1)[1]
    assert "Școala Gimnazială nr. 11 Oradea 3 1 33%" in by_org
    assert "Liceul Teoretic Beiuș 1 1 100%" in by_org
    assert "Police officer 1 1 100%" in text
    assert "Courses completed per month" in text


@pytest.mark.parametrize(
    "query",
    [
        "?course=999999",
        "?profession=astronaut",
        "?county=XX",
        "?since=2026-13-45",
        "?since=2026-05-01&until=2026-04-01",
        "?organisation=999999",
    ],
)
def test_bad_filters_are_explained_not_obeyed(app, make, county, query):
    client = manager_of(app, make, county["isj"])
    response = client.get(URL.format(county["isj"]) + query)
    assert response.status_code == 400
    assert "There is a problem" in page_text(response) or "list" in page_text(response)


def test_the_people_list_refuses_what_it_cannot_show(app, make, county):
    client = manager_of(app, make, county["isj"])
    base = f"/organisations/{county['isj']}/dashboard/people"
    assert client.get(base).status_code == 404  # no course
    assert client.get(base + "?course=1&status=everything").status_code == 404
    assert client.get(base + "?course=999999").status_code == 404


def test_the_dashboard_makes_as_many_queries_for_many_people_as_for_few(app, make, county):
    client = manager_of(app, make, county["isj"])
    url = URL.format(county["isj"])
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    for index in range(6):
        _person, browser = learner(app, make, county["b"], name=f"Extra {index}")
        browser.post("/courses/test-course/enrol")
    extra = make.organisation(name="Școala Primară Sânmartin")
    place(app, extra, county["a"])
    assert count_queries(app, lambda: client.get(url)) == few
