"""Organisations in a tree: administrators arrange it; a manager sees their organisation and
everything below it, never above or beside it; the subtree is one SQL query however deep."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from tests.conftest import count_queries, page_text, sign_in


@pytest.fixture
def county(app, make):
    """ISJ Bihor above two schools (one with a kindergarten below it); IPJ Bihor apart."""
    ids = {
        "isj": make.organisation(name="Inspectoratul Școlar Județean Bihor", kind="school"),
        "school": make.organisation(name="Școala Gimnazială nr. 11 Oradea"),
        "other_school": make.organisation(name="Liceul Teoretic Beiuș"),
        "kindergarten": make.organisation(name="Grădinița nr. 3 Oradea"),
        "police": make.organisation(name="Inspectoratul de Poliție Județean Bihor", kind="police"),
    }
    place(app, ids["school"], ids["isj"])
    place(app, ids["other_school"], ids["isj"])
    place(app, ids["kindergarten"], ids["school"])
    return ids


def place(app, organisation_id: int, parent_id: int | None) -> None:
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, organisation_id), parent_id, by_id=None)
        db.session.commit()


def parent_of(app, organisation_id: int) -> int | None:
    with app.app_context():
        return db.session.get(Organisation, organisation_id).parent_id


def form(name: str, parent: int, kind: str = "school") -> dict:
    return {"name": name, "kind": kind, "county": "BH", "parent_id": str(parent)}


def test_the_list_shows_the_tree_in_order_with_levels(client, county, as_role):
    as_role(Role.ADMIN, language="en")
    text = page_text(client.get("/admin/organisations/"))
    order = [
        "Inspectoratul de Poliție Județean Bihor",
        "Inspectoratul Școlar Județean Bihor",
        "Liceul Teoretic Beiuș",
        "Școala Gimnazială nr. 11 Oradea",
        "Grădinița nr. 3 Oradea",
    ]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    assert "level 3: — — Grădinița nr. 3 Oradea" in text


def test_an_administrator_places_an_organisation_in_the_tree(app, client, county, as_role):
    as_role(Role.ADMIN, language="en")
    page = page_text(client.get(f"/admin/organisations/{county['police']}"))
    assert "Part of" in page and "— Școala Gimnazială nr. 11 Oradea" in page
    response = client.post(
        "/admin/organisations/new", data=form("Școala Primară Sânmartin", county["isj"])
    )
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(
            select(Organisation).where(Organisation.name == "Școala Primară Sânmartin")
        )
        assert created.parent_id == county["isj"]
        moved = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "organisation.moved", AuditEvent.target_id == created.id
            )
        )
        assert moved.details["after"] == {"parent_id": county["isj"]}


def test_a_cycle_is_refused_and_changes_nothing(app, client, county, as_role):
    as_role(Role.ADMIN, language="en")
    # The inspectorate under the kindergarten two levels below it: not even offered...
    page = page_text(client.get(f"/admin/organisations/{county['isj']}"))
    assert "Grădinița nr. 3 Oradea" not in page.split("Part of", 1)[1]
    # ...and refused when posted anyway, with the name unchanged too (one transaction).
    response = client.post(
        f"/admin/organisations/{county['isj']}",
        data=form("ISJ Bihor", county["kindergarten"]),
    )
    assert response.status_code == 200
    assert "Choose an organisation from the list." in page_text(response)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        isj = db.session.get(Organisation, county["isj"])
        assert isj.parent_id is None and isj.name == "Inspectoratul Școlar Județean Bihor"
        with pytest.raises(DomainError, match="cannot be placed under itself"):
            tree.set_parent(isj, county["kindergarten"], by_id=None)
        with pytest.raises(DomainError, match="cannot be placed under itself"):
            tree.set_parent(isj, isj.id, by_id=None)


def test_the_tree_has_a_depth_limit(app, make):
    chain = [make.organisation(name=f"Nivel {level}") for level in range(tree.MAX_DEPTH + 2)]
    for parent, child in itertools.pairwise(chain[:-1]):
        place(app, child, parent)
    english = app.test_request_context(headers={"Accept-Language": "en"})
    with english, pytest.raises(DomainError, match="at most 9 levels"):
        tree.set_parent(db.session.get(Organisation, chain[-1]), chain[-2], by_id=None)


def test_a_manager_sees_every_organisation_below_theirs_and_nothing_else(app, client, make, county):
    pupil_teacher = make.user(organisation_id=county["kindergarten"], full_name="Ana Mureșan")
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"], language="en"
    )
    sign_in(client, manager)
    own = page_text(client.get(f"/organisations/{county['isj']}/people"))
    assert "Organisations below this one" in own and "Grădinița nr. 3 Oradea" in own
    below = client.get(f"/organisations/{county['kindergarten']}/people")
    assert below.status_code == 200 and "Ana Mureșan" in page_text(below)
    assert "Inspectoratul Școlar Județean Bihor" in page_text(below)  # the breadcrumb
    learning = client.get(
        f"/organisations/{county['kindergarten']}/people/{pupil_teacher.id}/learning"
    )
    assert learning.status_code == 200
    assert client.get(f"/organisations/{county['police']}/people").status_code == 403

    school_manager = app.test_client()
    sign_in(
        school_manager,
        make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["school"]),
    )
    assert school_manager.get(f"/organisations/{county['kindergarten']}/people").status_code == 200
    for outside in ("isj", "other_school", "police"):
        assert school_manager.get(f"/organisations/{county[outside]}/people").status_code == 403


def test_a_manager_above_confirms_a_request_below(app, client, make, county):
    pending = make.user(organisation_id=county["kindergarten"], membership_confirmed=False)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"]))
    response = client.post(f"/organisations/{county['kindergarten']}/people/{pending.id}/confirm")
    assert response.status_code == 302


def test_the_list_counts_the_people_the_members_page_shows(app, client, make, as_role):
    school = make.organisation()
    make.user(organisation_id=school)
    make.user(organisation_id=school)
    make.user(organisation_id=school, membership_confirmed=False)
    gone = make.user(organisation_id=school)
    with app.app_context():
        from elearn.accounts.models import User
        from elearn.database import utcnow

        db.session.get(User, gone.id).deactivated_at = utcnow()
        db.session.commit()
    as_role(Role.ADMIN, language="en")
    listing = page_text(client.get("/admin/organisations/"))
    members = page_text(client.get(f"/organisations/{school}/people"))
    assert "2 people" in listing and "2 people found" in members


def test_subtree_queries_do_not_grow_with_the_tree(app, client, make):
    root = make.organisation(name="Rădăcină")
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=root)
    sign_in(client, manager)

    def deepest_page():
        return client.get(f"/organisations/{deepest}/people")

    deepest, parent = root, root
    for level in range(2):
        deepest = make.organisation(name=f"Adânc {level}")
        place(app, deepest, parent)
        parent = deepest
    deepest_page()  # the first page after signing in does a little more, once
    small = count_queries(app, deepest_page)
    for level in range(2, 6):
        deepest = make.organisation(name=f"Adânc {level}")
        place(app, deepest, parent)
        parent = deepest
    for index in range(20):
        place(app, make.organisation(name=f"Lat {index}"), root)
    assert count_queries(app, deepest_page) == small


def test_an_organisation_with_organisations_below_cannot_be_deleted(app, client, county, as_role):
    as_role(Role.ADMIN, language="en")
    response = client.post(f"/admin/organisations/{county['school']}/delete")
    assert response.status_code == 302
    assert "placed below this one" in page_text(client.get(response.headers["Location"]))
    assert parent_of(app, county["kindergarten"]) == county["school"]
