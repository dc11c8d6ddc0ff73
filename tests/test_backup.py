"""A backup restores into an empty database with every row in place."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, text

from elearn import create_app
from elearn.accounts.models import Role
from elearn.audit.services import record
from elearn.backup import BackupError, restore_backup
from elearn.extensions import db


def all_rows(engine) -> dict[str, list]:
    with engine.connect() as connection:
        return {
            table: sorted(
                map(tuple, connection.execute(text(f'SELECT * FROM "{table}"')).all()),  # noqa: S608
                key=repr,
            )
            for table in sorted(inspect(connection).get_table_names())
        }


@pytest.fixture
def empty_database(migrated_database, tmp_path):
    """A second, empty database of the same kind as the suite's."""
    if not migrated_database.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"elearn_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        migrated_database.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield migrated_database.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restores_every_row_into_an_empty_database(
    app, runner, make, tmp_path, empty_database
):
    school = make.organisation()
    make.user(full_name="Ștefan Gyöngyi", organisation_id=school)
    make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        record("user.deactivated", actor_id=1, target_type="user", target_id=2, reason="test")
        db.session.commit()
        original = all_rows(db.engine)
    assert sum(len(rows) for rows in original.values()) > 8
    backup = tmp_path / "elearn.backup"
    result = runner.invoke(args=["backup", "create", str(backup)])
    assert result.exit_code == 0, result.output

    restored_app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    restored = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    with restored_app.app_context():
        assert all_rows(db.engine) == original
        # The audit log is still append-only in the restored database.
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()
        # And it is at the newest migration, so `elearn db upgrade` has nothing to do.
        assert db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        db.engine.dispose()


def test_restoring_into_a_database_with_data_is_refused(app, tmp_path):
    (tmp_path / "some.backup").write_bytes(b"x")
    with app.app_context(), pytest.raises(BackupError, match="not empty"):
        restore_backup(db.engine, tmp_path / "some.backup")
    with app.app_context():
        assert db.session.scalar(select(text("1")))
