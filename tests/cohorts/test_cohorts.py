"""Cohorts: the list with member counts, adding, renaming and deleting, the members page,
adding people by search (only confirmed members of the organisation and those below it),
removing them, and leaving an organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.cohorts import services
from elearn.cohorts.models import Cohort, CohortMember
from elearn.extensions import db
from elearn.organisations import services as organisations
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.signals import cohort_members_added
from tests.conftest import count_queries, page_text, sign_in


@pytest.fixture
def county(app, client, make):
    """ISJ Bihor above a school; IPJ Bihor apart. The ISJ's manager is signed in (English)."""
    ids = {
        "isj": make.organisation(name="Inspectoratul Școlar Județean Bihor"),
        "school": make.organisation(name="Școala Gimnazială nr. 11 Oradea"),
        "police": make.organisation(name="Inspectoratul de Poliție Județean Bihor", kind="police"),
    }
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, ids["school"]), ids["isj"], by_id=1)
        db.session.commit()
    manager = make.user(
        full_name="Maria Manager",
        roles=(Role.LEARNER, Role.MANAGER),
        organisation_id=ids["isj"],
        language="en",
    )
    sign_in(client, manager)
    ids["manager"] = manager
    return ids


def cohort_in(app, organisation_id, name="Diriginți 2026") -> int:
    with app.app_context():
        cohort = services.create_cohort(organisation_id, name, by_id=None)
        db.session.commit()
        return cohort.id


def members_of(app, cohort_id) -> list[int]:
    with app.app_context():
        query = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
        return sorted(db.session.scalars(query))


def test_adding_renaming_and_deleting_a_cohort(app, client, county):
    base = f"/organisations/{county['isj']}/cohorts"
    assert "Add a cohort" in page_text(client.get(base + "/new"))
    response = client.post(base + "/new", data={"name": "  Diriginți   2026 "})
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        assert cohort.name == "Diriginți 2026" and cohort.organisation_id == county["isj"]
        cohort_id = cohort.id
    page = page_text(client.get(response.headers["Location"]))
    assert "The cohort Diriginți 2026 has been added." in page
    # The same name, in another case and without diacritics, is refused.
    refused = client.post(base + "/new", data={"name": "DIRIGINTI 2026"})
    assert "already has a cohort with this name" in page_text(refused)
    assert "Enter the cohort's name." in page_text(client.post(base + "/new", data={"name": ""}))
    response = client.post(f"{base}/{cohort_id}/edit", data={"name": "Profesori diriginți"})
    assert response.status_code == 302
    assert "Profesori diriginți" in page_text(client.get(base + "/"))
    response = client.post(f"{base}/{cohort_id}/delete")
    assert "has been deleted" in page_text(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.scalar(select(Cohort)) is None
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"cohort.created", "cohort.renamed", "cohort.deleted"} <= actions


def test_people_are_found_without_diacritics_and_only_the_organisations_can_be_added(
    app, client, county, make
):
    cohort_id = cohort_in(app, county["isj"])
    teacher = make.user(full_name="Ștefan Gyöngyi", organisation_id=county["school"])
    make.user(
        full_name="Ștefan Pending", organisation_id=county["school"], membership_confirmed=False
    )
    police = make.user(full_name="Ștefan Polițist", organisation_id=county["police"])
    make.user(full_name="Ștefan Nobody")
    url = f"/organisations/{county['isj']}/cohorts/{cohort_id}"
    found = page_text(client.get(url + "?find=stefan"))
    assert "Ștefan Gyöngyi" in found
    assert "Pending" not in found and "Polițist" not in found and "Nobody" not in found
    heard = []

    def listener(_sender, **kwargs):
        heard.append(kwargs)

    cohort_members_added.connect(listener)
    try:
        response = client.post(url + "/members/add", data={"person": [teacher.id, police.id]})
    finally:
        cohort_members_added.disconnect(listener)
    assert "1 person has been added to the cohort." in page_text(
        client.get(response.headers["Location"])
    )
    assert members_of(app, cohort_id) == [teacher.id]
    assert heard == [{"cohort_id": cohort_id, "user_ids": [teacher.id]}]
    # Already in: not found again, and adding again adds nobody and tells nobody.
    assert "Ștefan Gyöngyi" not in page_text(client.get(url + "?find=gyongyi")).split("Members")[0]
    client.post(url + "/members/add", data={"person": [teacher.id]})
    assert members_of(app, cohort_id) == [teacher.id]


def test_the_members_page_searches_pages_and_removes(app, client, county, make):
    cohort_id = cohort_in(app, county["isj"])
    people = [
        make.user(full_name=f"Învățătoare {i:02d}", organisation_id=county["school"])
        for i in range(3)
    ]
    with app.app_context():
        services.add_members(db.session.get(Cohort, cohort_id), [p.id for p in people], by_id=None)
        db.session.commit()
    url = f"/organisations/{county['isj']}/cohorts/{cohort_id}"
    text = page_text(client.get(url))
    assert "3 people found" in text and "Învățătoare 02" in text
    assert "1 person found" in page_text(client.get(url + "?q=invatatoare+01"))
    response = client.post(url + "/members/remove", data={"person": [people[0].id]})
    assert "1 person has been removed" in page_text(client.get(response.headers["Location"]))
    assert members_of(app, cohort_id) == sorted(p.id for p in people[1:])
    response = client.post(url + "/members/remove", data={})
    assert "Tick at least one person." in page_text(client.get(response.headers["Location"]))


def test_the_list_counts_members_in_one_query_whatever_their_number(app, client, county, make):
    url = f"/organisations/{county['isj']}/cohorts/"
    first = cohort_in(app, county["isj"], "Unu")
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    people = [make.user(organisation_id=county["school"]) for _ in range(4)]
    for name in ("Doi", "Trei", "Patru"):
        cohort_in(app, county["isj"], name)
    with app.app_context():
        services.add_members(db.session.get(Cohort, first), [p.id for p in people], by_id=None)
        db.session.commit()
    assert count_queries(app, lambda: client.get(url)) == few
    assert "4 members" in page_text(client.get(url))


def test_the_members_pages_queries_do_not_grow(app, client, county, make):
    cohort_id = cohort_in(app, county["isj"])
    people = [make.user(full_name=f"Ana {i}", organisation_id=county["school"]) for i in range(8)]

    def add(chosen):
        with app.app_context():
            cohort = db.session.get(Cohort, cohort_id)
            services.add_members(cohort, [p.id for p in chosen], by_id=None)
            db.session.commit()

    add(people[:1])
    url = f"/organisations/{county['isj']}/cohorts/{cohort_id}?find=ana"
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    add(people[1:5])
    assert count_queries(app, lambda: client.get(url)) == few


def test_a_manager_cannot_see_or_change_another_organisations_cohorts(app, client, county, make):
    police_cohort = cohort_in(app, county["police"], "Polițiști de proximitate")
    base = f"/organisations/{county['police']}/cohorts"
    assert client.get(base + "/").status_code == 403
    assert client.get(f"{base}/{police_cohort}").status_code == 403
    assert client.post(base + "/new", data={"name": "X"}).status_code == 403
    assert client.post(f"{base}/{police_cohort}/delete").status_code == 403
    assert client.post(f"{base}/{police_cohort}/edit", data={"name": "Y"}).status_code == 403
    # Named through the manager's own organisation, another's cohort is not found.
    own = f"/organisations/{county['isj']}/cohorts/{police_cohort}"
    assert client.get(own).status_code == 404
    assert client.post(own + "/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Cohort, police_cohort).name == "Polițiști de proximitate"


def test_a_manager_of_a_school_cannot_manage_the_cohorts_of_the_inspectorate_above(
    app, make, county
):
    cohort_id = cohort_in(app, county["isj"])
    school_manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["school"])
    visitor = app.test_client()
    sign_in(visitor, school_manager)
    assert visitor.get(f"/organisations/{county['isj']}/cohorts/{cohort_id}").status_code == 403
    assert visitor.get(f"/organisations/{county['school']}/cohorts/").status_code == 200


def test_missing_cohorts_are_not_found_and_learners_are_refused(app, client, county, make):
    assert client.get(f"/organisations/{county['isj']}/cohorts/999").status_code == 404
    assert client.get("/organisations/999/cohorts/").status_code == 404
    learner = app.test_client()
    sign_in(learner, make.user(organisation_id=county["isj"]))
    assert learner.get(f"/organisations/{county['isj']}/cohorts/").status_code == 403
    assert learner.post(f"/organisations/{county['isj']}/cohorts/new").status_code == 403


def test_leaving_an_organisation_leaves_its_cohorts_and_those_above(app, county, make):
    isj_cohort = cohort_in(app, county["isj"])
    school_cohort = cohort_in(app, county["school"], "Școala 11")
    teacher = make.user(organisation_id=county["school"])
    with app.app_context():
        for cohort_id in (isj_cohort, school_cohort):
            services.add_members(db.session.get(Cohort, cohort_id), [teacher.id], by_id=None)
        db.session.commit()
        organisations.change_membership(db.session.get(User, teacher.id), county["police"])
        db.session.commit()
    assert members_of(app, isj_cohort) == [] and members_of(app, school_cohort) == []
