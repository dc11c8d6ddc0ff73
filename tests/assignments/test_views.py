"""The managers' pages: list with counts, the form, an assignment's people, removal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from tests.assignments.conftest import assign, certify, rows_of
from tests.assignments.test_services import make_cohort, make_path
from tests.conftest import count_queries, page_text, sign_in

LIST = "/organisations/{}/assignments"


def manager_client(app, person):
    client = app.test_client()
    sign_in(client, person)
    return client


@pytest.fixture
def manager(app, county):
    return manager_client(app, county["people"]["manager"])


@pytest.fixture
def existing(app, county, course_id):
    assignment_id, _people = assign(app, county["isj"], county["manager"], course_id=course_id)
    return assignment_id


def urls(organisation_id: int, assignment_id: int) -> list[tuple[str, str]]:
    base = LIST.format(organisation_id)
    return [
        ("GET", base),
        ("GET", base + "/new"),
        ("POST", base + "/new"),
        ("GET", f"{base}/{assignment_id}"),
        ("POST", f"{base}/{assignment_id}/remove"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(app, client, county, existing):
    for method, url in urls(county["isj"], existing):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in"), url


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_are_refused(app, client, county, existing, as_role, role):
    as_role(role, organisation_id=county["isj"])
    for method, url in urls(county["isj"], existing):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 403, url
    assert rows_of(app, assignment_id=existing)


def test_a_manager_of_another_tree_is_refused_and_one_below_finds_nothing(
    app, client, make, county, existing, as_role
):
    as_role(Role.MANAGER, organisation_id=county["police"])
    for method, url in urls(county["isj"], existing):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 403, url
    # The school's manager cannot see or remove the county's assignment through their school.
    below = manager_client(app, county["people"]["school_manager"])
    for method, url in urls(county["a"], existing)[3:]:
        response = below.open(url, method=method, data={"csrf_token": below.csrf_token()})
        assert response.status_code == 404, url
    assert below.get(LIST.format(county["isj"])).status_code == 403
    assert rows_of(app, assignment_id=existing)


def test_missing_organisations_and_assignments_are_not_found(app, county, manager, as_role):
    assert manager.get(LIST.format(county["isj"]) + "/999999").status_code == 404
    assert manager.post(LIST.format(county["isj"]) + "/999999/remove").status_code == 404
    admin = app.test_client()
    sign_in(admin, _admin(app))
    assert admin.get(LIST.format(999_999)).status_code == 404
    assert admin.get(LIST.format(999_999) + "/new").status_code == 404


def _admin(app):
    from tests.conftest import make_user

    return make_user(app, roles=(Role.LEARNER, Role.ADMIN), language="en")


def form_data(**changes) -> dict:
    data = {
        "what": "course",
        "whom": "organisation",
        "due_on": "2099-06-30",
    }
    data.update(changes)
    return data


def test_a_manager_assigns_follows_and_removes(app, make, county, course_id, manager):
    learner = make.user(organisation_id=county["b"], full_name="Ilona Szabó").id
    form_page = page_text(manager.get(LIST.format(county["isj"]) + "/new"))
    for words in ("What to assign", "A learning path", "To whom", "Liceul Teoretic Beiuș"):
        assert words in form_page
    response = manager.post(
        LIST.format(county["isj"]) + "/new",
        data=form_data(course_id=str(course_id), target_organisation_id=str(county["b"])),
    )
    assert response.status_code == 302
    with app.app_context():
        assignment = db.session.scalar(select(Assignment))
        assert (assignment.target_organisation_id, assignment.due_on) == (
            county["b"],
            date(2099, 6, 30),
        )
        assert assignment.organisation_id == county["isj"] and not assignment.recurring
    page = page_text(manager.get(response.headers["Location"]))
    assert "Assigned to 1 person." in page
    assert "Ilona Szabó" in page and "30 June 2099" in page and "Due" in page
    listing = page_text(manager.get(LIST.format(county["isj"])))
    assert "Test course" in listing and "Liceul Teoretic Beiuș, with everything below it" in listing
    removed = manager.post(f"{LIST.format(county['isj'])}/{assignment.id}/remove")
    assert removed.status_code == 302
    assert "The learners keep their progress." in page_text(
        manager.get(removed.headers["Location"])
    )
    assert rows_of(app, user_id=learner) == []
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"assignment.created", "assignment.removed"} <= actions


def test_a_path_to_a_cohort_and_a_person_by_email(
    app, make, county, course_id, second_course_id, manager
):
    person = make.user(organisation_id=county["a"], email="ana.pop@example.org").id
    cohort = make_cohort(app, county["a"], [person], name="Diriginți 2026")
    path = make_path(app, [course_id, second_course_id])
    assert "Diriginți 2026" in page_text(manager.get(LIST.format(county["isj"]) + "/new"))
    new = LIST.format(county["isj"]) + "/new"
    response = manager.post(
        new,
        data=form_data(
            what="path", path_id=str(path), whom="cohort", cohort_id=str(cohort), recurring="y"
        ),
    )
    assert response.status_code == 302
    response = manager.post(
        new, data=form_data(course_id=str(course_id), whom="person", email="Ana.Pop@example.org")
    )
    assert response.status_code == 302
    assert len(rows_of(app, user_id=person)) == 3
    listing = page_text(manager.get(LIST.format(county["isj"])))
    assert "Learning path: Teachers" in listing and "Cohort: Diriginți 2026" in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_on": "2020-01-01"}, "The due date cannot be in the past."),
        ({"due_on": "30 iunie"}, "Enter the date as year-month-day"),
        ({"due_on": ""}, "Enter the date it is due by."),
        ({"course_id": ""}, "Choose a course."),
        ({"course_id": "999999"}, "Choose a course from the list."),
        ({"what": "path", "path_id": ""}, "Choose a learning path."),
        ({"whom": "person", "email": ""}, "Enter the person's email address."),
        ({"whom": "person", "email": "not-an-address"}, "Enter an email address in the correct"),
        ({"whom": "person", "email": "stranger@example.org"}, "Nobody with this email address"),
        ({"whom": "cohort", "cohort_id": ""}, "Choose a cohort."),
        ({"whom": "planet"}, "Choose whom to assign it to."),
        ({"target_organisation_id": "POLICE"}, "Choose an organisation from the list."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(
    app, county, course_id, manager, changes, message
):
    data = form_data(course_id=str(course_id), target_organisation_id=str(county["a"]))
    data.update(changes)
    if data.get("target_organisation_id") == "POLICE":
        data["target_organisation_id"] = str(county["police"])
    response = manager.post(LIST.format(county["isj"]) + "/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in page_text(response)
    assert "There is a problem" in html and 'class="field-error"' in html
    with app.app_context():
        assert db.session.scalar(select(Assignment.id)) is None


def test_the_people_page_says_each_state_in_words(app, make, county, course_id):
    on_time = make.user(organisation_id=county["b"], full_name="Anca On-Time").id
    make.user(organisation_id=county["b"], full_name="Bela Overdue")
    with freeze_time("2026-11-02 09:00:00"):
        assignment_id, _ = assign(
            app,
            county["isj"],
            county["manager"],
            course_id=course_id,
            target_organisation_id=county["b"],
            due_on=date(2026, 11, 30),
        )
        certify(app, on_time, course_id)
    with freeze_time("2026-12-10 09:00:00"):
        manager = manager_client(app, county["people"]["manager"])
        text = page_text(manager.get(f"{LIST.format(county['isj'])}/{assignment_id}"))
        listing = page_text(manager.get(LIST.format(county["isj"])))
    assert "Anca On-Time" in text and "Met on time" in text
    assert "Bela Overdue" in text and "Overdue" in text
    assert "2: 1 met, 1 overdue" in text
    assert "Test course" in listing


def test_the_pages_make_as_many_queries_for_many_assignments_and_people(
    app, make, county, course_id, second_course_id, manager
):
    first, _ = assign(app, county["isj"], county["manager"], course_id=course_id)
    listing, people = LIST.format(county["isj"]), f"{LIST.format(county['isj'])}/{first}"
    manager.get(listing)
    few = (
        count_queries(app, lambda: manager.get(listing)),
        count_queries(app, lambda: manager.get(people)),
    )
    for number in range(4):
        make.user(organisation_id=county["b"], full_name=f"Extra {number}")
    cohort = make_cohort(app, county["a"], [county["school_manager"]])
    assign(app, county["isj"], county["manager"], course_id=second_course_id)
    assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="cohort",
        cohort_id=cohort,
    )
    assign(app, county["a"], county["school_manager"], path_id=make_path(app, [course_id]))
    with app.app_context():
        for row in db.session.scalars(select(LearnerAssignment)):
            row.due_on = date(2099, 1, 1) - timedelta(days=row.id)
        db.session.commit()
    many = (
        count_queries(app, lambda: manager.get(listing)),
        count_queries(app, lambda: manager.get(people)),
    )
    assert many == few
