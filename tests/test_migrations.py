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
