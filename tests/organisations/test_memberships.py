"""Choosing an organisation only asks to join it; its managers confirm."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from tests.conftest import page_text


def membership(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.organisation_id, user.organisation_confirmed_at is not None


def actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_pending_member_is_invisible_to_the_manager_until_confirmed(app, client, make, as_role):
    school = make.organisation()
    pending = make.user(full_name="Ilona Szabó", organisation_id=school, membership_confirmed=False)
    as_role(Role.MANAGER, organisation_id=school, language="en")
    page = page_text(client.get(f"/organisations/{school}/people"))
    assert "Waiting for confirmation" in page
    assert "1 person found" in page  # the manager alone
    assert client.post(f"/organisations/{school}/people/{pending.id}/confirm").status_code == 302
    assert membership(app, pending.id) == (school, True)
    assert "2 people found" in page_text(client.get(f"/organisations/{school}/people"))
    assert "membership.confirmed" in actions(app)


def test_a_manager_refuses_a_request(app, client, make, as_role):
    school = make.organisation()
    pending = make.user(organisation_id=school, membership_confirmed=False)
    as_role(Role.MANAGER, organisation_id=school)
    client.post(f"/organisations/{school}/people/{pending.id}/remove")
    assert membership(app, pending.id) == (None, False)
    assert "membership.rejected" in actions(app)


def test_a_manager_of_another_organisation_can_neither_see_nor_confirm(app, client, make, as_role):
    school = make.organisation()
    police = make.organisation(name="IPJ Bihor", kind="police")
    pending = make.user(organisation_id=school, membership_confirmed=False)
    manager = as_role(Role.MANAGER, organisation_id=police)
    assert client.get(f"/organisations/{school}/people").status_code == 403
    # Through its own organisation's address, or the other's: refused and audited.
    assert client.post(f"/organisations/{police}/people/{pending.id}/confirm").status_code == 403
    assert client.post(f"/organisations/{school}/people/{pending.id}/confirm").status_code == 403
    assert membership(app, pending.id) == (school, False)
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "membership.confirm_refused")
        ).all()
        assert [(e.actor_id, e.target_id) for e in refused] == [(manager.id, pending.id)] * 2


def test_a_manager_whose_own_membership_is_pending_sees_nothing(client, make, as_role):
    school = make.organisation()
    as_role(Role.MANAGER, organisation_id=school, membership_confirmed=False)
    assert client.get(f"/organisations/{school}/people").status_code == 403


def test_changing_organisation_on_ones_profile_is_a_new_request(app, client, make, as_role):
    school = make.organisation()
    other = make.organisation(name="DGASPC Bihor", kind="social_assistance")
    person = as_role(Role.LEARNER, organisation_id=school)
    assert membership(app, person.id) == (school, True)
    client.post(
        "/account",
        data={
            "full_name": person.full_name,
            "profession": "teacher",
            "organisation_id": str(other),
            "county": "BH",
            "preferred_language": "ro",
        },
    )
    assert membership(app, person.id) == (other, False)
    assert "membership.requested" in actions(app)


def test_an_administrator_places_someone_in_an_organisation_confirmed(app, client, make, as_role):
    school = make.organisation()
    person = make.user()
    as_role(Role.ADMIN)
    client.post(
        f"/admin/people/{person.id}", data={"roles": ["learner"], "organisation_id": str(school)}
    )
    assert membership(app, person.id) == (school, True)
    assert "membership.set" in actions(app)
