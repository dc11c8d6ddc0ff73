"""elearn/connections.py: reads outside a transaction, writes inside one, and a dropped
connection retried once instead of pinging every connection taken from the pool.

The rule that tells reads from the rest is pure and runs in both passes; the behaviour on real
connections needs PostgreSQL (SQLite's driver already begins only before a write) and runs in
CI's PostgreSQL pass.
"""

from __future__ import annotations

import logging
import os

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import select, text

from elearn.access import public
from elearn.accounts.models import User
from elearn.connections import is_plain_read
from elearn.extensions import db
from tests.conftest import make_user, sign_in

ON_POSTGRESQL = bool(os.environ.get("TEST_DATABASE_URL"))
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="the driver's transactions on PostgreSQL; CI's PostgreSQL pass"
)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT users.id FROM users WHERE users.id = %(id)s",
        "  select 1",
        "SELECT count(*) FROM lessons JOIN courses ON courses.id = lessons.course_id",
    ],
)
def test_plain_reads_run_outside_a_transaction(statement):
    assert is_plain_read(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO users (email) VALUES (%(email)s)",
        "UPDATE enrolments SET last_opened_at = now()",
        "DELETE FROM form_drafts",
        "WITH moved AS (UPDATE x SET y = 1 RETURNING id) SELECT id FROM moved",
        "SELECT quiz_attempts.id FROM quiz_attempts WHERE id = 1 FOR UPDATE",
        "SELECT id FROM reach_sessions WHERE id = 1 FOR NO KEY UPDATE",
        "SELECT id FROM t FOR SHARE",
        "SELECT pg_advisory_xact_lock(42)",
        "SELECT setval('users_id_seq', 10)",
        "LOCK TABLE reach_sessions IN SHARE MODE",
        "SAVEPOINT sa_savepoint_1",
        "SET LOCAL elearn.audit_retention = 'on'",
        "(SELECT 1) UNION (SELECT 2)",  # not told apart: treated as a write, which is safe
    ],
)
def test_everything_else_runs_in_the_transaction(statement):
    assert not is_plain_read(statement)


def test_a_server_side_cursor_needs_the_transaction():
    assert not is_plain_read("SELECT id FROM users", server_side=True)


def _status():
    return db.session.connection().connection.dbapi_connection.info.transaction_status


@postgresql_only
def test_a_request_reads_without_a_transaction_and_writes_in_one(app):
    person = make_user(app, email="reader@example.org")
    with app.test_request_context("/"):
        db.session.execute(select(User.id).where(User.id == person.id))
        assert _status() is TransactionStatus.IDLE  # no BEGIN was sent for the read
        db.session.execute(select(User.id).where(User.id == person.id).with_for_update())
        assert _status() is TransactionStatus.INTRANS  # the lock holds until the end
        db.session.rollback()

        db.session.execute(
            text("UPDATE users SET full_name = 'Changed' WHERE id = :id"), {"id": person.id}
        )
        assert _status() is TransactionStatus.INTRANS
        db.session.execute(select(User.full_name).where(User.id == person.id))
        db.session.rollback()  # the write, and only the write, is undone
        name = db.session.scalar(select(User.full_name).where(User.id == person.id))
        assert name != "Changed"


@postgresql_only
def test_commands_keep_the_drivers_transactions(app):
    make_user(app, email="command@example.org")
    with app.app_context():  # a command or a script: no request
        db.session.execute(select(User.id))
        assert _status() is TransactionStatus.INTRANS
        db.session.rollback()


@postgresql_only
def test_a_stream_of_rows_runs_in_a_transaction(app):
    for number in range(3):
        make_user(app, email=f"stream{number}@example.org")
    with app.test_request_context("/"):
        rows = db.session.execute(select(User.id).execution_options(yield_per=2)).all()
        assert len(rows) >= 3


def _kill_pooled_connection(app) -> None:
    """End, from outside, the server process behind the one connection in the app's pool,
    as a restart of PostgreSQL or a network timeout would."""
    with app.test_request_context("/"):
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()  # the connection goes back to the pool, alive as far as it knows
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


def _counting_view(app, *, commit_first: bool = False):
    runs = []

    @app.get("/test-dropped")
    @public
    def dropped():
        runs.append(1)
        if commit_first:
            db.session.execute(text("UPDATE users SET full_name = full_name WHERE false"))
            db.session.commit()
            _kill_pooled_connection(app)
        db.session.scalar(text("SELECT 1"))
        return "read"

    return runs


@postgresql_only
def test_a_dropped_connection_is_retried_once(app, client, caplog):
    runs = _counting_view(app)
    client.get("/ping")
    _kill_pooled_connection(app)
    with caplog.at_level(logging.WARNING):
        response = client.get("/test-dropped")
    assert response.status_code == 200
    assert response.text == "read"
    assert len(runs) == 2  # the first run met the dropped connection; the second a new one
    assert "runs again once" in caplog.text
    assert client.get("/test-dropped").status_code == 200  # and the pool is healthy after
    assert len(runs) == 3


@postgresql_only
def test_a_signed_in_request_survives_a_dropped_connection(app, client):
    person = make_user(app, email="dropped@example.org")
    sign_in(client, person)
    assert client.get("/account").status_code == 200
    _kill_pooled_connection(app)
    assert client.get("/account").status_code == 200  # the person is loaded again, once


@postgresql_only
def test_a_request_that_committed_is_not_run_again(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    runs = _counting_view(app, commit_first=True)
    response = app.test_client().get("/test-dropped")
    assert response.status_code == 500  # an honest error, never a second run of a write
    assert len(runs) == 1
