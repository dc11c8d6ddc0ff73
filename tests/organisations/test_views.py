"""Administrators manage organisations in the browser."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.extensions import db
from elearn.organisations.models import Organisation
from tests.conftest import page_text


def organisations(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        return [
            (o.name, o.kind, o.county)
            for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
        ]


def test_adding_an_organisation(app, client, as_role):
    as_role(Role.ADMIN)
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": "  Inspectoratul   de Poliție Județean Bihor ",
            "kind": "police",
            "county": "BH",
        },
    )
    assert response.status_code == 302
    assert organisations(app) == [("Inspectoratul de Poliție Județean Bihor", "police", "BH")]
    listing = page_text(client.get("/admin/organisations/", headers={"Accept-Language": "en"}))
    assert "Inspectoratul de Poliție Județean Bihor" in listing


def test_the_list_shows_member_counts(client, make, as_role):
    school = make.organisation()
    make.user(organisation_id=school)
    make.user(organisation_id=school)
    as_role(Role.ADMIN, language="en")
    assert "2 people" in page_text(client.get("/admin/organisations/"))


def test_a_name_already_taken_in_any_case_is_refused(app, client, make, as_role):
    make.organisation(name="DGASPC Bihor", kind="social_assistance")
    as_role(Role.ADMIN, language="en")
    response = client.post(
        "/admin/organisations/new", data={"name": "dgaspc bihor", "kind": "ngo", "county": ""}
    )
    assert response.status_code == 200
    assert "An organisation with this name already exists." in page_text(response)
    assert len(organisations(app)) == 1


def test_bad_organisation_input_is_explained(app, client, as_role):
    as_role(Role.ADMIN, language="en")
    response = client.post(
        "/admin/organisations/new", data={"name": "", "kind": "spaceship", "county": "XX"}
    )
    text = page_text(response)
    assert "Enter the organisation's name." in text
    assert "Choose a kind of organisation from the list." in text
    assert "Choose a county from the list." in text
    assert organisations(app) == []


def test_editing_an_organisation(app, client, make, as_role):
    school = make.organisation()
    as_role(Role.ADMIN)
    response = client.post(
        f"/admin/organisations/{school}",
        data={"name": "Colegiul Național „Mihai Eminescu” Oradea", "kind": "school", "county": ""},
    )
    assert response.status_code == 302
    assert organisations(app) == [("Colegiul Național „Mihai Eminescu” Oradea", "school", None)]


def test_an_organisation_with_members_cannot_be_deleted(app, client, make, as_role):
    school = make.organisation()
    make.user(organisation_id=school)
    as_role(Role.ADMIN, language="en")
    response = client.post(f"/admin/organisations/{school}/delete")
    assert response.status_code == 302
    assert "still has members" in page_text(client.get(response.headers["Location"]))
    assert len(organisations(app)) == 1


def test_an_empty_organisation_can_be_deleted(app, client, make, as_role):
    school = make.organisation()
    as_role(Role.ADMIN)
    assert client.post(f"/admin/organisations/{school}/delete").status_code == 302
    assert organisations(app) == []


def test_a_missing_organisation_is_404(client, as_role):
    as_role(Role.ADMIN)
    assert client.get("/admin/organisations/4242").status_code == 404
    assert client.post("/admin/organisations/4242/delete").status_code == 404
    assert client.get("/organisations/4242/people").status_code == 404


def test_registration_offers_the_organisations(client, make):
    make.organisation(name="Asociația eLiberare", kind="ngo", county="B")
    assert "Asociația eLiberare" in client.get("/register").get_data(as_text=True)
