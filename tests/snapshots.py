"""Fixtures whose rows are built once per test worker and put back for the tests after.

Some fixtures build their state the way people do, through the views: the county of
tests/reporting has seven people enrolling, reading and passing quizzes, one to three seconds
per test, and dozens of tests use it. `built_once` runs such a builder for real the first time
in a worker and records the rows it added; a later test that reaches the same fixture from the
same starting state gets those rows inserted directly, with the same keys, which the builder's
return value names.

That is exact only because:

- keys are the same from test to test: every test starts from empty tables and restarted
  sequences (`_empty_tables` in tests/conftest.py), so the same fixtures give the same ids;
- the starting state is checked, not assumed: the snapshot's key holds the builder's code,
  the fixture and every
  fixture the test set up before it (which function each name resolved to, so that an
  override counts, and its parameter), and every table's row count before the build;
- a builder that changed or deleted a row it found, rather than only adding rows, is never
  replayed: inserting rows cannot put that back, so it runs for real every time;
- nothing outside the database is replayed (mail sent, files written, a test client's
  cookies): a builder whose callers look at those must not use this.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import groupby
from typing import Any

from sqlalchemy import JSON, null, select, text

from elearn.extensions import db

# key -> (the rows the build added, by table; the sequences after it; the build's value),
# or None for a build that changed rows it found.
_SNAPSHOTS: dict[tuple, tuple[dict[str, list[dict]], dict[str, int], Any] | None] = {}


def built_once(request, app, build: Callable[[], Any]) -> Any:
    """``build()``'s value, with the rows it adds; built for real once per worker and
    starting state, replayed after that (see the module's docstring)."""
    with app.app_context():
        db.session.remove()
        code = build.__code__
        key = (code.co_filename, code.co_firstlineno, _fixtures_of(request), _row_counts())
        if key in _SNAPSHOTS and _SNAPSHOTS[key] is not None:
            rows, sequences, value = _SNAPSHOTS[key]
            _insert(rows, sequences)
            return copy.deepcopy(value)
        before = _rows() if key not in _SNAPSHOTS else None
    value = build()
    if before is None:  # known to change what it finds: never replayed
        return value
    with app.app_context():
        db.session.remove()
        added = _added(before, _rows())
        _SNAPSHOTS[key] = None if added is None else (added, _sequences(), copy.deepcopy(value))
    return value


def _fixtures_of(request) -> tuple:
    """This fixture and every fixture the test has set up before it: the function each name
    resolved to (so that an override counts) and its parameter, if it has one."""
    callspec = getattr(request.node, "callspec", None)
    params = callspec.params if callspec else {}

    def described(name, definition):
        function = definition.func
        return (name, f"{function.__module__}.{function.__qualname__}", repr(params.get(name)))

    done = request._fixture_defs  # pytest's record of the fixtures set up so far
    return (
        described(request.fixturename, request._fixturedef),
        tuple(sorted(described(name, definition) for name, definition in done.items())),
    )


def _tables():
    return db.metadata.sorted_tables


def _row_counts() -> tuple:
    counts = " UNION ALL ".join(
        f"SELECT '{table.name}', COUNT(*) FROM \"{table.name}\""  # noqa: S608 - our own table names
        for table in _tables()
    )
    return tuple(sorted(db.session.execute(text(counts)).all()))


def _key_of(table, row) -> tuple:
    return tuple(row[column.name] for column in table.primary_key.columns)


def _rows() -> dict[str, dict[tuple, dict]]:
    everything = {}
    for table in _tables():
        everything[table.name] = {
            _key_of(table, row): dict(row) for row in db.session.execute(select(table)).mappings()
        }
    return everything


def _added(before: dict, after: dict) -> dict[str, list[dict]] | None:
    """The rows ``after`` holds and ``before`` did not, by table, in key order; None when a
    row of ``before`` was changed or deleted."""
    added = {}
    for name, rows in after.items():
        found = before[name]
        if any(rows.get(key) != row for key, row in found.items()):
            return None
        new = [rows[key] for key in sorted(set(rows) - set(found))]
        if new:
            added[name] = new
    return added


def _before_role_triggers(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rows with each person's revision as it was before their role assignments went in:
    inserting each assignment bumps it by one (the triggers of migration e3f7a9c1d5b2), which
    brings it back to the revision the build left."""
    assigned: dict[int, int] = {}
    for row in rows.get("role_assignments", ()):
        assigned[row["user_id"]] = assigned.get(row["user_id"], 0) + 1
    if not assigned:
        return rows
    users = [
        {**row, "revision": row["revision"] - assigned.get(row["id"], 0)}
        for row in rows.get("users", ())
    ]
    return {**rows, "users": users}


def _sequences() -> dict[str, int]:
    if db.engine.dialect.name != "postgresql":
        return {}  # SQLite gives the next rowid after the largest: inserting the rows is enough
    return {
        name: value
        for name, value in db.session.execute(
            text(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        )
    }


def _insert(rows: dict[str, list[dict]], sequences: dict[str, int]) -> None:
    rows = _before_role_triggers(rows)
    with db.engine.begin() as connection:
        for table in _tables():
            json_columns = [c.name for c in table.columns if isinstance(c.type, JSON)]
            # Consecutive rows with the same JSON columns left empty go in one statement; a
            # JSON column read as None held SQL NULL, which None would write as JSON null.
            for nulls, group in groupby(
                rows.get(table.name, ()),
                key=lambda row, names=json_columns: tuple(n for n in names if row[n] is None),
            ):
                values = [{k: v for k, v in row.items() if k not in nulls} for row in group]
                connection.execute(table.insert().values({n: null() for n in nulls}), values)
        for name, value in sequences.items():
            connection.execute(text("SELECT setval(:name, :value)"), {"name": name, "value": value})
