"""The signed-in person kept by each worker between requests (elearn/accounts/login.py):
one narrow statement per request, and every change seen on the next request, in every
worker, whatever wrote it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.database import utcnow
from elearn.extensions import db
from tests.conftest import Client, forget_cached_contents, signed_in_client, statements_made

TRAINERS_PAGE = "/manage/courses/platform"


def revision_of(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(User.revision).where(User.id == user_id))


def run_sql(app, statement: str, **parameters) -> None:
    """SQL that bypasses the ORM, as a script or a bulk UPDATE would."""
    with app.app_context():
        db.session.execute(text(statement), parameters)
        db.session.commit()


@pytest.fixture
def other_worker(app):
    """A second worker process: an app of its own, with its own caches, on the same
    database."""
    from elearn import create_app

    worker = create_app(
        {
            key: app.config[key]
            for key in ("SQLALCHEMY_DATABASE_URI", "EXPORT_DIR", "MEDIA_STORAGE_PATH")
        }
    )
    worker.test_client_class = Client
    yield worker
    with worker.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_change_of_a_person_or_their_roles_bumps_the_revision(app, make):
    """The database's triggers, whatever writes: the ORM, a bulk UPDATE, raw SQL on the
    role assignments (added, changed, moved to another person, removed)."""
    person = make.user()
    other = make.user()
    seen = [revision_of(app, person.id)]

    def bumped() -> bool:
        seen.append(revision_of(app, person.id))
        return seen[-1] > seen[-2]

    with app.app_context():
        db.session.get(User, person.id).full_name = "Ana Pop"
        db.session.commit()
    assert bumped()
    run_sql(
        app, "UPDATE users SET deactivated_at = :now WHERE id = :id", now=utcnow(), id=person.id
    )
    assert bumped()
    with app.app_context():
        db.session.add(RoleAssignment(user_id=person.id, role=Role.TRAINER))
        db.session.commit()
    assert bumped()
    run_sql(
        app,
        "UPDATE role_assignments SET role = 'manager' WHERE user_id = :id AND role = 'trainer'",
        id=person.id,
    )
    assert bumped()
    other_before = revision_of(app, other.id)
    run_sql(
        app,
        "UPDATE role_assignments SET user_id = :other WHERE user_id = :id AND role = 'manager'",
        other=other.id,
        id=person.id,
    )
    assert bumped()
    assert revision_of(app, other.id) > other_before
    run_sql(app, "DELETE FROM role_assignments WHERE user_id = :id", id=person.id)
    assert bumped()
    # Another person's change leaves this one's revision alone.
    run_sql(app, "UPDATE users SET county = 'CJ' WHERE id = :id", id=other.id)
    assert revision_of(app, person.id) == seen[-1]


def test_a_kept_person_costs_one_narrow_statement(app, make):
    """The first request loads the person, their roles and the record (one statement); the
    next asks only for the revision and the record (one statement, three columns), and the
    page still knows the person's name and roles."""
    person = make.user(roles=(Role.LEARNER, Role.TRAINER), full_name="Ioana Marcu")
    client = signed_in_client(app, person)
    forget_cached_contents(app)
    first = statements_made(app, lambda: client.get("/ping"))
    assert len(first) == 1
    assert "role_assignments" in first[0]
    kept = statements_made(app, lambda: client.get("/ping"))
    assert len(kept) == 1
    assert "revision" in kept[0]
    assert "role_assignments" not in kept[0]
    assert "full_name" not in kept[0]
    assert client.get(TRAINERS_PAGE).status_code == 200
    assert "Ioana Marcu" in client.get("/account").get_data(as_text=True)


def test_no_cache_with_a_size_of_nought(app, make):
    app.config["PERSON_CACHE_SIZE"] = 0
    forget_cached_contents(app)
    client = signed_in_client(app, make.user())
    for _ in range(2):
        statements = statements_made(app, lambda: client.get("/ping"))
        assert len(statements) == 1
        assert "role_assignments" in statements[0]


def test_a_changed_role_is_seen_by_every_worker_on_the_next_request(app, make, other_worker):
    """Both workers keep the trainer; the role is taken away through one of them (the
    administrators' form) or by SQL behind both: each refuses the trainers' page on its
    next request, and gives it back when the role returns."""
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER))
    here, there = signed_in_client(app, trainer), signed_in_client(other_worker, trainer)
    for client in (here, there):
        assert client.get(TRAINERS_PAGE).status_code == 200
    with app.app_context():
        from elearn.users import services as users

        admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
        users.set_roles(
            db.session.get(User, trainer.id),
            {Role.LEARNER},
            granted_by=db.session.get(User, admin.id),
        )
        db.session.commit()
    for client in (there, here):
        assert client.get(TRAINERS_PAGE).status_code == 403
    run_sql(
        app,
        "INSERT INTO role_assignments (user_id, role, granted_at) VALUES (:id, 'trainer', :now)",
        id=trainer.id,
        now=utcnow(),
    )
    for client in (there, here):
        assert client.get(TRAINERS_PAGE).status_code == 200
    run_sql(
        app, "DELETE FROM role_assignments WHERE user_id = :id AND role = 'trainer'", id=trainer.id
    )
    for client in (there, here):
        assert client.get(TRAINERS_PAGE).status_code == 403


def test_a_deactivated_account_is_refused_by_every_worker_on_the_next_request(
    app, make, other_worker
):
    """Deactivation by SQL alone, without ending the sessions: the revision carries it."""
    person = make.user()
    here, there = signed_in_client(app, person), signed_in_client(other_worker, person)
    for client in (here, there):
        assert client.get("/my-learning").status_code == 200
    run_sql(
        app, "UPDATE users SET deactivated_at = :now WHERE id = :id", now=utcnow(), id=person.id
    )
    for client in (there, here):
        response = client.get("/my-learning")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def test_a_session_ended_elsewhere_is_refused_at_once(app, make, other_worker):
    """Signing out through one worker ends the record: the other, which keeps the person,
    refuses a copy of the same cookie on its next request."""
    person = make.user()
    here = signed_in_client(app, person)
    there = other_worker.test_client()
    there.set_cookie(app.config["SESSION_COOKIE_NAME"], here.get_cookie("session").value)
    assert there.get("/my-learning").status_code == 200
    assert here.post("/sign-out").status_code in (302, 303)
    assert there.get("/my-learning").status_code == 302


def test_changes_made_through_the_kept_person_are_saved_and_seen(app, make):
    """The kept person is a real ``User`` attached to the request's session: a change made
    through it (the profile form) is written and bumps the revision; the next request sees
    the revision moved, loads the person again (two statements), then keeps them (one)."""
    person = make.user(full_name="Maria Ionescu", language="en")
    client = signed_in_client(app, person)
    assert "Maria Ionescu" in client.get("/account").get_data(as_text=True)
    before = revision_of(app, person.id)
    fields = {
        "full_name": "Maria Ionescu-Pop",
        "profession": "teacher",
        "organisation_id": "0",
        "county": "BH",
        "preferred_language": "en",
    }
    assert client.post("/account", data=fields).status_code == 302
    with app.app_context():
        assert db.session.get(User, person.id).full_name == "Maria Ionescu-Pop"
    assert revision_of(app, person.id) > before
    assert len(statements_made(app, lambda: client.get("/ping"))) == 2
    assert len(statements_made(app, lambda: client.get("/ping"))) == 1
    assert "Maria Ionescu-Pop" in client.get("/account").get_data(as_text=True)


def test_the_kept_roles_are_forgotten_when_the_person_is_expired(app, make):
    """Like every value the ORM loaded: a request that changes the person's roles behind the
    ORM and expires the person sees the roles the database now holds, not the kept ones."""
    from sqlalchemy import delete

    from elearn.accounts.login import load_user
    from elearn.accounts.sessions import open_session

    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER))
    with app.app_context():
        record = open_session(db.session.get(User, trainer.id), remember=False)
        db.session.commit()
        record_id = record.id
    cookie_id = f"{trainer.id}:0:{record_id}"
    with app.test_request_context():
        assert Role.TRAINER in load_user(cookie_id).roles  # loaded, and kept
    with app.test_request_context():
        user = load_user(cookie_id)
        assert user.known_roles == {Role.LEARNER, Role.TRAINER}  # from the worker's keeping
        assert Role.TRAINER in user.roles
        db.session.execute(
            delete(RoleAssignment).where(
                RoleAssignment.user_id == trainer.id, RoleAssignment.role == Role.TRAINER
            )
        )
        db.session.commit()
        db.session.expire(user)
        assert user.roles == {Role.LEARNER}
