"""Managers see each learner's recorded time on the course, in hours and minutes, in the people
list and the people export, read with the rest of the row (no query per person)."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.conftest import count_queries, page_text
from tests.reporting.conftest import learner, manager_of, shift_enrolment

PEOPLE = "/organisations/{}/dashboard/people?course={}"
EXPORT = "/organisations/{}/dashboard/export?table=people&format=csv"


def course_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Enrolment.course_id))


def cells_of(response, name: str) -> list[str]:
    """The cells of the table row that names ``name``, as text."""
    html = response.get_data(as_text=True)
    row = next(row for row in html.split("<tr>")[1:] if name in row)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
    ]


def test_the_people_list_shows_each_learners_time_on_the_lessons(app, make, county):
    client = manager_of(app, make, county["isj"])
    response = client.get(PEOPLE.format(county["isj"], course_id(app)))
    assert "Time on lessons" in page_text(response)
    assert cells_of(response, "Csilla Completed")[-1] == "20 min"  # 1,200 seconds
    assert cells_of(response, "Elena Police")[-1] == "40 min"  # 2,400 seconds
    assert cells_of(response, "Ana Enrolled")[-1] == "0 min"


def test_an_hour_and_more_reads_as_hours_and_minutes(app, make, county):
    with app.app_context():
        elena = db.session.scalar(select(User).where(User.full_name == "Elena Police"))
    shift_enrolment(app, elena, days_before_completion=20, seconds=3900)
    client = manager_of(app, make, county["isj"])
    response = client.get(PEOPLE.format(county["isj"], course_id(app)))
    assert cells_of(response, "Elena Police")[-1] == "1 h 05 min"
    rows = list(
        csv.reader(
            io.StringIO(client.get(EXPORT.format(county["isj"])).get_data().decode("utf-8-sig"))
        )
    )
    assert rows[0][13:15] == ["Minutes spent", "Time on lessons"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Elena Police"][13:15] == ["65", "1 h 05 min"]
    assert by_name["Csilla Completed"][13:15] == ["20", "20 min"]


def test_the_people_list_makes_as_many_queries_for_many_people_as_for_few(app, make, county):
    client = manager_of(app, make, county["isj"])
    url = PEOPLE.format(county["isj"], course_id(app))
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    for index in range(5):
        _person, browser = learner(app, make, county["b"], name=f"Extra {index}")
        browser.post("/courses/test-course/enrol")
        browser.post("/courses/test-course/lessons/welcome/complete")
    assert count_queries(app, lambda: client.get(url)) == few
