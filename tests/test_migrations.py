"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from elearn import create_app
from elearn.extensions import db


def schema_differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_the_migrated_test_database_matches_the_models(app):
    """The suite's database was built by upgrading an empty one through every migration."""
    with app.app_context(), db.engine.connect() as connection:
        assert schema_differences(connection) == []


@pytest.fixture
def scratch_database_url(migrated_database, tmp_path):
    """An empty database of the same kind as the suite's, for downgrading and upgrading."""
    if not migrated_database.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    schema = f"scratch_{uuid.uuid4().hex[:10]}"
    engine = create_engine(migrated_database)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in migrated_database else "?"
    yield f"{migrated_database}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_upgrade_downgrade_and_upgrade_again_from_empty(scratch_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "organisations", "role_assignments", "alembic_version"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            assert schema_differences(connection) == []
        db.engine.dispose()


def test_constraints_are_named_by_the_convention(app):
    with app.app_context():
        inspector = inspect(db.engine)
        assert inspector.get_pk_constraint("users")["name"] in (
            "pk_users",
            None,
        )  # SQLite omits PK names
        uniques = {c["name"] for c in inspector.get_unique_constraints("users")}
        assert "uq_users_email" in uniques
        foreign = {c["name"] for c in inspector.get_foreign_keys("users")}
        assert "fk_users_organisation_id_organisations" in foreign


def _insert(connection, table_name: str, **values) -> None:
    """Insert a row into the table as it is at this revision, filling the other required
    columns with placeholder values of their type."""
    import datetime as dt

    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, MetaData, Table

    table = Table(table_name, MetaData(), autoload_with=connection)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        kind = column.type
        if isinstance(kind, JSON):
            values[column.name] = {}
        elif isinstance(kind, DateTime):
            values[column.name] = dt.datetime(2026, 1, 1)
        elif isinstance(kind, Date):
            values[column.name] = dt.date(2026, 1, 1)
        elif isinstance(kind, Boolean):
            values[column.name] = False
        elif isinstance(kind, Integer):
            values[column.name] = 0
        else:
            values[column.name] = "x"
    connection.execute(table.insert().values(**values))


def test_question_hashes_are_filled_in_for_existing_quizzes_and_attempts(scratch_database_url):
    """The question-credit migration backfills what the earlier schema already knew."""
    import json

    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision="1a870989527e")
        with db.engine.begin() as connection:
            _insert(connection, "courses", id=1, slug="c")
            _insert(
                connection, "course_versions", id=1, course_id=1, label="1.0.0", status="published"
            )
            _insert(connection, "quizzes", id=1, version_id=1, key="final")
            for number in (1, 2):
                _insert(
                    connection,
                    "questions",
                    id=number,
                    quiz_id=1,
                    key=f"q{number}",
                    position=number,
                    content_hash=f"hash-{number}",
                )
            _insert(connection, "users", id=1, email="a@example.org")
            _insert(connection, "enrolments", id=1, user_id=1, course_id=1, version_id=1)
            _insert(
                connection,
                "quiz_attempts",
                id=1,
                enrolment_id=1,
                version_id=1,
                quiz_key="final",
                number=1,
                draw=[{"key": "q2"}],
            )
        upgrade()
        with db.engine.connect() as connection:
            quiz = connection.execute(text("SELECT question_hashes FROM quizzes")).scalar()
            attempt = connection.execute(text("SELECT question_hashes FROM quiz_attempts")).scalar()

        def load(value):
            return value if isinstance(value, dict) else json.loads(value)

        assert load(quiz) == {"q1": "hash-1", "q2": "hash-2"}
        assert load(attempt) == {"q2": "hash-2"}
        db.engine.dispose()
