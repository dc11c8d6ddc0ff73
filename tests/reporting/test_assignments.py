"""The dashboard's assignment figures: assigned, met on time, met late, overdue and due soon
per course and in the breakdowns, each count leading to its people, by the definitions of
docs/reporting.md ("Assignments"), in a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.certificates.services import today
from elearn.extensions import db
from tests.assignments.factories import assign
from tests.conftest import page_text
from tests.reporting.conftest import manager_of

URL = "/organisations/{}/dashboard"
COLUMNS = ("assigned", "met_on_time", "met_late", "overdue", "due_soon")


def moment(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.full_name == name))


@pytest.fixture
def assigned(app, county):
    """The test course assigned in the county: Ana and Dan overdue (Dan never enrolled),
    Bogdan due in five days, Csilla met it on time, Elena late; Pending and Gone Person
    overdue but never counted."""
    with app.app_context():
        day = today()
        course_id = db.session.execute(
            db.text("SELECT id FROM courses WHERE slug = 'test-course'")
        ).scalar()
        people = {u.full_name: u.id for u in db.session.scalars(select(User))}
        assign(people["Ana Enrolled"], course_id, day - timedelta(days=3))
        assign(people["Dan Notenrolled"], course_id, day - timedelta(days=40))
        assign(people["Bogdan Started"], course_id, day + timedelta(days=5))
        assign(
            people["Csilla Completed"],
            course_id,
            day - timedelta(days=1),
            met_at=moment(day - timedelta(days=2), 10),
        )
        assign(
            people["Elena Police"],
            course_id,
            day - timedelta(days=10),
            met_at=moment(day - timedelta(days=4), 10),
        )
        assign(people["Pending Person"], course_id, day - timedelta(days=3))
        assign(people["Gone Person"], course_id, day - timedelta(days=3))
        db.session.commit()
    return {**county, "course": course_id}


def assignment_rows(text: str, caption: str) -> dict[str, list[str]]:
    """A table of the page after its caption: {first cell: the numbers after it}."""
    block = text.split(caption, 1)[1]
    return block


def test_the_dashboard_counts_each_assignment_by_its_state(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    text = page_text(client.get(URL.format(assigned["isj"])))
    row = text.split("Assignments by course", 1)[1].split("Test course", 1)[1].split()[:5]
    assert row == ["5", "1", "1", "2", "1"]
    by_org = text.split("Assignments by organisation", 1)[1]
    assert "Școala Gimnazială nr. 11 Oradea 4 1 0 2 1" in by_org
    assert "Liceul Teoretic Beiuș 1 0 1 0 0" in by_org
    assert "Police officer 1 0 1 0 0" in text.split("Assignments by profession", 1)[1]


def test_scratch(app, make, assigned):
    client = manager_of(app, make, assigned["isj"])
    html = client.get(URL.format(assigned["isj"])).get_data(as_text=True)
    print(html.split('id="assignments"')[1].split("<h2")[0])
    print(
        page_text(client.get(f"/organisations/{assigned['isj']}/dashboard/people?status=overdue"))
    )
    assert 0
