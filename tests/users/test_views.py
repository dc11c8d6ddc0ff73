"""Administrators manage people: search, roles, organisation, deactivation."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.extensions import db
from tests.conftest import page_text, sign_in


def roles_of(app, user_id) -> set[Role]:
    with app.app_context():
        return db.session.get(User, user_id).roles


def test_search_ignores_case_and_diacritics(client, make, as_role):
    make.user(full_name="Ștefan Țurcan", email="st@example.org")
    make.user(full_name="Gyöngyi Kovács", email="gy@example.org")
    as_role(Role.ADMIN, full_name="Admin Ana")
    text = page_text(client.get("/admin/people/?q=stefan turcan"))
    assert "Ștefan Țurcan" in text
    assert "Gyöngyi Kovács" not in text
    assert "Gyöngyi Kovács" in page_text(client.get("/admin/people/?q=GYONGYI"))
    assert "Gyöngyi Kovács" in page_text(client.get("/admin/people/?q=gy@example"))


def test_search_treats_wildcards_as_plain_text(client, make, as_role):
    make.user(full_name="Ana Pop")
    as_role(Role.ADMIN)
    assert "Ana Pop" not in page_text(client.get("/admin/people/?q=%25"))
    assert "Ana Pop" not in page_text(client.get("/admin/people/?q=_"))


def test_filters_by_role_organisation_and_status(app, client, make, as_role):
    school = make.organisation()
    make.user(full_name="Trainer Tudor", roles=(Role.LEARNER, Role.TRAINER))
    make.user(full_name="Teacher Tania", organisation_id=school)
    as_role(Role.ADMIN, full_name="Admin Ana")
    by_role = page_text(client.get("/admin/people/?role=trainer"))
    assert "Trainer Tudor" in by_role and "Teacher Tania" not in by_role
    by_org = page_text(client.get(f"/admin/people/?organisation={school}"))
    assert "Teacher Tania" in by_org and "Trainer Tudor" not in by_org
    no_org = page_text(client.get("/admin/people/?organisation=0"))
    assert "Trainer Tudor" in no_org and "Teacher Tania" not in no_org
    assert "Teacher Tania" not in page_text(client.get("/admin/people/?status=deactivated"))


def test_bad_filter_values_are_ignored_not_a_crash(client, as_role):
    as_role(Role.ADMIN)
    for query in (
        "role=emperor",
        "organisation=abc",
        "status=x",
        "page=-4",
        "page=abc",
        "q=" + "x" * 500,
    ):
        assert client.get(f"/admin/people/?{query}").status_code == 200, query


def test_the_people_list_pages_through_many_people(app, client, make, as_role):
    as_role(Role.ADMIN, full_name="Aaa Admin", language="en")
    for n in range(55):
        make.user(full_name=f"Person {n:02d}")
    first = page_text(client.get("/admin/people/"))
    assert "56 people found" in first
    assert "Page 1 of 2" in first
    assert "Person 48" in first and "Person 49" not in first
    second = page_text(client.get("/admin/people/?page=2"))
    assert "Person 54" in second and "Person 00" not in second


def test_an_administrator_grants_the_trainer_and_manager_roles_and_an_organisation(
    app, client, make, as_role
):
    school = make.organisation()
    person = make.user()
    admin = as_role(Role.ADMIN)
    response = client.post(
        f"/admin/people/{person.id}",
        data={"roles": ["learner", "trainer", "manager"], "organisation_id": str(school)},
    )
    assert response.status_code == 302
    assert roles_of(app, person.id) == {Role.LEARNER, Role.TRAINER, Role.MANAGER}
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.organisation_id == school
        granted = db.session.scalars(
            select(RoleAssignment).where(
                RoleAssignment.user_id == person.id, RoleAssignment.role == Role.TRAINER
            )
        ).one()
        assert granted.granted_by_id == admin.id
    # The new manager is sent to set up a second factor before their organisation's page opens.
    other = app.test_client()
    sign_in(other, person)
    response = other.get(f"/organisations/{school}/people")
    assert response.headers["Location"] == "/account/second-factor/"


def test_removing_a_role(app, client, make, as_role):
    person = make.user(roles=(Role.LEARNER, Role.TRAINER))
    as_role(Role.ADMIN)
    client.post(f"/admin/people/{person.id}", data={"roles": ["learner"], "organisation_id": "0"})
    assert roles_of(app, person.id) == {Role.LEARNER}


def test_the_last_administrator_cannot_lose_the_role(app, client, make):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en")
    sign_in(client, admin)
    response = client.post(
        f"/admin/people/{admin.id}", data={"roles": ["learner"], "organisation_id": "0"}
    )
    assert response.status_code == 200
    assert "This is the only administrator." in page_text(response)
    assert Role.ADMIN in roles_of(app, admin.id)


def test_an_unknown_role_or_organisation_is_refused(app, client, make, as_role):
    person = make.user()
    as_role(Role.ADMIN, language="en")
    for data, message in (
        ({"roles": ["emperor"], "organisation_id": "0"}, "Choose roles from the list."),
        ({"roles": ["learner"], "organisation_id": "999"}, "Choose an organisation from the list."),
    ):
        response = client.post(f"/admin/people/{person.id}", data=data)
        assert response.status_code == 200
        assert message in page_text(response)
    assert roles_of(app, person.id) == {Role.LEARNER}


def test_a_missing_person_is_404(client, as_role):
    as_role(Role.ADMIN)
    assert client.get("/admin/people/999999").status_code == 404
    assert client.post("/admin/people/999999/deactivate").status_code == 404


def test_deactivating_stops_sign_in_ends_sessions_and_keeps_everything(app, client, make, as_role):
    person = make.user(full_name="Radu Pop")
    theirs = app.test_client()
    sign_in(theirs, person)
    as_role(Role.ADMIN)
    assert client.post(f"/admin/people/{person.id}/deactivate").status_code == 302
    assert theirs.get("/account").status_code == 302
    assert (
        theirs.post(
            "/sign-in", data={"email": person.email, "password": person.password}
        ).status_code
        == 200
    )
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.full_name == "Radu Pop" and user.roles == {Role.LEARNER}
        assert user.deactivated_at is not None
    assert client.post(f"/admin/people/{person.id}/reactivate").status_code == 302
    assert (
        theirs.post(
            "/sign-in", data={"email": person.email, "password": person.password}
        ).status_code
        == 302
    )


def test_the_last_administrator_cannot_be_deactivated(app, client, make):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en")
    sign_in(client, admin)
    response = client.post(f"/admin/people/{admin.id}/deactivate")
    assert "This is the only administrator." in page_text(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.get(User, admin.id).is_active


def test_the_people_list_makes_the_same_number_of_queries_however_many_people(
    app, client, make, as_role
):
    from sqlalchemy import event

    school = make.organisation()
    as_role(Role.ADMIN)

    def count_queries() -> int:
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/admin/people/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    make.user(organisation_id=school, roles=(Role.LEARNER, Role.TRAINER))
    count_queries()  # the first page after signing in also checks the privacy notice, once
    few = count_queries()
    for _ in range(20):
        make.user(organisation_id=school, roles=(Role.LEARNER, Role.MANAGER))
    assert count_queries() == few


def test_saving_roles_leaves_a_pending_membership_pending(app, client, make, as_role):
    school = make.organisation()
    person = make.user(organisation_id=school, membership_confirmed=False, full_name="Ana Pop")
    as_role(Role.ADMIN, language="en")
    page = client.get(f"/admin/people/{person.id}")
    assert "the membership is pending until it is confirmed" in page_text(page)
    response = client.post(
        f"/admin/people/{person.id}",
        data={"roles": ["learner", "trainer"], "organisation_id": str(school)},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.organisation_id == school
        assert user.organisation_confirmed_at is None
    assert roles_of(app, person.id) == {Role.LEARNER, Role.TRAINER}
    # Confirming is its own action, offered on the same page.
    assert "Confirm the membership of Ana Pop" in page_text(
        client.get(f"/admin/people/{person.id}")
    )
    client.post(f"/organisations/{school}/people/{person.id}/confirm")
    with app.app_context():
        assert db.session.get(User, person.id).organisation_confirmed_at is not None


def test_placing_someone_in_another_organisation_is_confirmed_at_once(app, client, make, as_role):
    school, other = make.organisation(), make.organisation(name="Liceul Ady Endre")
    person = make.user(organisation_id=school, membership_confirmed=False)
    as_role(Role.ADMIN)
    client.post(
        f"/admin/people/{person.id}", data={"roles": ["learner"], "organisation_id": str(other)}
    )
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.organisation_id == other
        assert user.organisation_confirmed_at is not None
