"""The members page: each member's progress and last activity, a profession filter, and
requests to join decided several at a time (all of them, or none)."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from tests.certificates.conftest import complete_course
from tests.conftest import count_queries, page_text, sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course


def confirmed(app, user_id) -> bool:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.organisation_id is not None and user.organisation_confirmed_at is not None


def test_members_show_courses_completed_and_last_activity(app, client, make, course):  # noqa: F811
    school = make.organisation()
    done = make.user(organisation_id=school, full_name="Ana Completed")
    browser = app.test_client()
    sign_in(browser, done)
    complete_course(browser, app)
    make.user(organisation_id=school, full_name="Bogdan Idle")
    sign_in(
        client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    )
    text = page_text(client.get(f"/organisations/{school}/people"))
    completed_row = text.split("Ana Completed", 1)[1].split("Bogdan Idle", 1)[0]
    assert "1 of 1" in completed_row and "—" not in completed_row
    assert "not enrolled —" in text.split("Bogdan Idle", 1)[1]


def test_the_profession_filter_and_bad_values(app, client, make):
    school = make.organisation()
    make.user(organisation_id=school, full_name="Polițist Ion", profession="police_officer")
    make.user(organisation_id=school, full_name="Profesoară Ana", profession="teacher")
    sign_in(
        client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    )
    text = page_text(client.get(f"/organisations/{school}/people?profession=police_officer"))
    assert "Polițist Ion" in text and "Profesoară Ana" not in text
    bad = page_text(client.get(f"/organisations/{school}/people?profession=astronaut"))
    assert "Choose a profession from the list." in bad


def test_several_requests_are_confirmed_or_refused_together(app, client, make):
    school = make.organisation()
    first = make.user(organisation_id=school, full_name="Cerere Unu", membership_confirmed=False)
    second = make.user(organisation_id=school, full_name="Cerere Doi", membership_confirmed=False)
    third = make.user(organisation_id=school, full_name="Cerere Trei", membership_confirmed=False)
    sign_in(
        client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    )
    page = page_text(client.get(f"/organisations/{school}/people"))
    assert "Several requests at once" in page
    response = client.post(
        f"/organisations/{school}/people/requests",
        data={"person": [first.id, second.id], "decision": "confirm"},
    )
    assert response.status_code == 302
    assert "2 people are now confirmed members." in page_text(
        client.get(response.headers["Location"])
    )
    assert confirmed(app, first.id) and confirmed(app, second.id) and not confirmed(app, third.id)
    client.post(
        f"/organisations/{school}/people/requests",
        data={"person": [third.id], "decision": "refuse"},
    )
    with app.app_context():
        assert db.session.get(User, third.id).organisation_id is None
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("membership.confirmed") == 2 and "membership.rejected" in actions


def test_a_request_list_with_someone_else_changes_nothing(app, client, make):
    school = make.organisation()
    other = make.organisation(name="Alt Liceu")
    mine = make.user(organisation_id=school, membership_confirmed=False)
    theirs = make.user(organisation_id=other, membership_confirmed=False)
    member = make.user(organisation_id=school)  # already confirmed: not a request
    sign_in(
        client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    )
    for people, message in (
        ([mine.id, theirs.id], "Choose people from the list of requests."),
        ([mine.id, member.id], "Choose people from the list of requests."),
        ([], "Choose at least one person."),
    ):
        response = client.post(
            f"/organisations/{school}/people/requests",
            data={"person": people, "decision": "confirm"},
        )
        assert response.status_code == 302
        assert message in page_text(client.get(response.headers["Location"]))
    assert not confirmed(app, mine.id) and not confirmed(app, theirs.id)
    response = client.post(
        f"/organisations/{school}/people/requests", data={"person": [mine.id], "decision": "adopt"}
    )
    assert not confirmed(app, mine.id)
    outsider = app.test_client()
    sign_in(outsider, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=other))
    response = outsider.post(
        f"/organisations/{school}/people/requests",
        data={"person": [mine.id], "decision": "confirm"},
    )
    assert response.status_code == 403 and not confirmed(app, mine.id)


def test_the_members_page_queries_do_not_grow_with_members(app, client, make, course):  # noqa: F811
    school = make.organisation()
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school))
    url = f"/organisations/{school}/people"
    make.user(organisation_id=school, full_name="Membru Primul")
    make.user(organisation_id=school, membership_confirmed=False)
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    for index in range(8):
        person = make.user(organisation_id=school, full_name=f"Membru {index}")
        browser = app.test_client()
        sign_in(browser, person)
        browser.post("/courses/test-course/enrol")
        make.user(organisation_id=school, membership_confirmed=False)
    assert count_queries(app, lambda: client.get(url)) == few
