"""The audit log records who did what to whom, when and from where, and nothing can change it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent, AuditLogIsAppendOnly
from elearn.audit.services import record
from elearn.extensions import db
from tests.conftest import page_text


def all_events(app):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_role_changes_record_who_what_to_whom_when_and_from_where(app, client, make, as_role):
    person = make.user()
    admin = as_role(Role.ADMIN)
    client.post(
        f"/admin/people/{person.id}",
        data={"roles": ["learner", "trainer"], "organisation_id": "0"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    [event] = [e for e in all_events(app) if e.action == "role.granted"]
    assert (event.actor_id, event.target_type, event.target_id) == (admin.id, "user", person.id)
    assert event.details == {"role": "trainer"}
    assert event.ip_address == "198.51.100.7"
    assert abs(event.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_failed_sign_ins_are_recorded_without_the_address_itself(app, client, make):
    person = make.user()
    client.post("/sign-in", data={"email": person.email, "password": "wrong password here"})
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "wrong password here"})
    failed = [e for e in all_events(app) if e.action == "signin.failed"]
    assert [e.target_id for e in failed] == [person.id, None]
    assert all(len(e.details["email_hash"]) == 32 for e in failed)
    assert "@" not in str([e.details for e in failed])


def test_deactivation_and_membership_changes_are_recorded(app, client, make, as_role):
    school = make.organisation()
    person = make.user(organisation_id=school, membership_confirmed=False)
    as_role(Role.ADMIN)
    client.post(f"/admin/people/{person.id}/deactivate")
    client.post(f"/admin/people/{person.id}/reactivate")
    actions = [e.action for e in all_events(app)]
    assert "user.deactivated" in actions and "user.reactivated" in actions
    assert "membership.requested" in actions


def test_the_application_cannot_change_or_delete_an_event(app):
    with app.app_context():
        event = record("user.deactivated", actor_id=1, target_type="user", target_id=2)
        db.session.commit()
        event.action = "user.reactivated"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_itself_refuses_to_change_or_delete_an_event(app, statement):
    """Even SQL that bypasses the ORM is refused by the triggers."""
    with app.app_context():
        record("user.deactivated", actor_id=1, target_type="user", target_id=2)
        db.session.commit()
        sql = (
            update(AuditEvent).values(action="user.reactivated")
            if statement == "update"
            else AuditEvent.__table__.delete()
        )
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(sql)
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent.action)) == "user.deactivated"


def test_the_guarding_triggers_are_installed(app):
    """PostgreSQL also refuses TRUNCATE; SQLite has no TRUNCATE, only the two triggers."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            record("user.deactivated", actor_id=1)
            db.session.commit()
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text("TRUNCATE audit_events"))
            db.session.rollback()
            assert db.session.scalar(select(AuditEvent.action)) == "user.deactivated"
        else:
            names = set(
                db.session.scalars(
                    text(
                        "SELECT name FROM sqlite_master "
                        "WHERE type = 'trigger' AND tbl_name = 'audit_events'"
                    )
                )
            )
            assert names == {"audit_events_no_update", "audit_events_no_delete"}


def test_administrators_search_the_log_by_action_person_and_date(app, client, make, as_role):
    person = make.user(full_name="Radu Pop")
    bystander = make.user(full_name="Bystander Bob")
    admin = as_role(Role.ADMIN, language="en")
    client.post(f"/admin/people/{person.id}/deactivate")
    client.post(f"/admin/people/{bystander.id}/deactivate")
    app.test_client().post("/sign-in", data={"email": "ghost@example.org", "password": "x" * 12})
    by_action = page_text(client.get("/admin/audit/?action=user.deactivated"))
    assert "2 entries" in by_action
    by_person = page_text(client.get(f"/admin/audit/?person={person.email}"))
    assert "Radu Pop" in by_person and "Bystander Bob" not in by_person
    ghost = page_text(client.get("/admin/audit/?person=ghost@example.org"))
    assert "1 entry" in ghost and "Failed sign-in" in ghost
    today = datetime.now(UTC).date()
    assert "0 entries" in page_text(client.get(f"/admin/audit/?since={today + timedelta(days=2)}"))
    until_yesterday = page_text(client.get(f"/admin/audit/?until={today - timedelta(days=1)}"))
    assert "0 entries" in until_yesterday
    mine = page_text(client.get(f"/admin/audit/?person={admin.email}&action=user.deactivated"))
    assert "0 entries" in mine  # the admin acted, but the events concern others


def test_bad_filters_are_explained_not_a_crash(client, as_role):
    as_role(Role.ADMIN, language="en")
    response = client.get("/admin/audit/?since=yesterday&action=nonsense&person=not-an-email")
    assert response.status_code == 200
    text = page_text(response)
    assert "Choose an action from the list." in text
    assert "Enter an email address in the correct format" in text


def test_only_administrators_read_the_log(client, as_role):
    as_role(Role.MANAGER)
    assert client.get("/admin/audit/").status_code == 403


def test_the_log_page_makes_the_same_number_of_queries_however_many_events(
    app, client, make, as_role
):
    from sqlalchemy import event

    admin = as_role(Role.ADMIN)

    def count() -> int:
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/admin/audit/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    count()
    with app.app_context():
        record("user.deactivated", actor_id=admin.id, target_type="user", target_id=admin.id)
        db.session.commit()
    few = count()
    people = [make.user() for _ in range(15)]
    with app.app_context():
        for person in people:
            record("user.deactivated", actor_id=person.id, target_type="user", target_id=person.id)
        db.session.commit()
    assert count() == few
