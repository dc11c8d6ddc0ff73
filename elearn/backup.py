"""Backups of the whole database, and restoring one into an empty database.

PostgreSQL uses its own tools (pg_dump's custom format, pg_restore), which keep the schema,
the data, the migrations' version and the audit log's triggers. SQLite uses its online backup
API, which copies a consistent snapshot while the platform keeps running.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def _libpq_url(url: URL) -> str:
    """The URL pg_dump understands: no SQLAlchemy driver suffix."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def create_backup(database_url: str, target: Path) -> None:
    """Write a backup of the database at ``database_url`` to ``target``."""
    url = make_url(database_url)
    target = Path(target)
    if url.get_backend_name() == "postgresql":
        command = [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _libpq_url(url),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return
    with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()
    source.close()


def restore_backup(engine, source: Path) -> None:
    """Restore ``source`` into the empty database behind ``engine``.

    Refuses a database that already has tables: restoring never overwrites data.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    if inspect(engine).get_table_names():
        raise BackupError("The target database is not empty; restore only into a new database.")
    url = engine.url
    engine.dispose()
    if url.get_backend_name() == "postgresql":
        command = [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            _libpq_url(url),
            str(source),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    with sqlite3.connect(source) as backup, sqlite3.connect(_sqlite_path(url)) as target:
        backup.backup(target)
    target.close()
    backup.close()
