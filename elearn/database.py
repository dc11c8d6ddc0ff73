"""Column types and helpers shared by every model."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, DateTime, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _connection_record) -> None:
    """SQLite enforces foreign keys only when asked, on every connection; and it should wait
    for a writer rather than fail at once when two requests write together. It has no time
    zones either: ``elearn_local_date`` gives them (PostgreSQL's ``timezone()`` elsewhere)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        dbapi_connection.create_function("elearn_local_date", 2, _local_date, deterministic=True)


def _local_date(stored: str | None, zone: str) -> str | None:
    """SQL ``elearn_local_date(timestamp, zone)`` on SQLite: the calendar day ('YYYY-MM-DD')
    in ``zone`` of a UTC timestamp as UTCDateTime stores it there (naive text)."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def utcnow() -> datetime:
    """The current time in UTC; used as a callable column default, never evaluated at import."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    PostgreSQL keeps the zone; SQLite stores naive text. Without this type the same query
    would return aware datetimes on one database and naive ones on the other.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def insert_statement(session):
    """The INSERT construct of the session's database, which knows ON CONFLICT."""
    from sqlalchemy.dialects import postgresql, sqlite

    name = session.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def json_rows(session, *values):
    """An aggregate: one JSON value, [[value, value, ...], ...], a row for each row aggregated
    (NULL or [] for none), read back as a list; ``json_agg`` on PostgreSQL, ``json_group_array``
    on SQLite, where a JSON column (kept as text) is wrapped in ``json()`` so that it nests as
    a value rather than a string."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_agg(func.json_build_array(*values), type_=JSON)
    values = [func.json(value) if isinstance(value.type, JSON) else value for value in values]
    return func.json_group_array(func.json_array(*values), type_=JSON)


def insert_once(session, model, unique: tuple[str, ...], **values) -> bool:
    """Insert a row unless one with the same ``unique`` columns exists; True if this call did.

    Two identical requests at the same moment (a double click, two tabs, a retry on a bad
    connection) then insert one row between them and neither fails, on PostgreSQL as on
    SQLite (INSERT ... ON CONFLICT DO NOTHING).
    """
    key = next(iter(model.__table__.primary_key.columns))
    statement = (
        insert_statement(session)(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique)
        .returning(key)  # a row comes back only when this statement inserted one
    )
    return session.execute(statement).first() is not None


def add_to_column(session, model, unique: tuple[str, ...], column: str, rows: list[dict]) -> None:
    """Insert each row, or add its ``column`` to the existing row's, all in one statement
    that concurrent requests cannot interleave (no lost update); no two rows with the same
    ``unique`` values."""
    _add_to(session, insert_statement(session)(model).values(rows), model, unique, (column,))


def add_to_columns(session, model, unique: tuple[str, ...], columns: tuple[str, ...], **values):
    """As add_to_column, for one row and several columns."""
    _add_to(session, insert_statement(session)(model).values(**values), model, unique, columns)


def _add_to(session, insert, model, unique, columns) -> None:
    table = model.__table__.c
    statement = insert.on_conflict_do_update(
        index_elements=unique,
        set_={column: table[column] + insert.excluded[column] for column in columns},
    )
    session.execute(statement)


def claim_to_send(session, model, key: dict, now: datetime, lease) -> int | None:
    """The id of ``model``'s row for ``key`` if this run may send its message now, else None;
    committed either way, so that the claim is seen before anything is sent.

    A row is claimed by inserting it (once, however many runs race), or by taking over a
    claim older than ``lease`` that was neither sent nor skipped (a run that died). The model
    has ``id``, ``claimed_at``, ``sent_at`` and ``skipped`` columns; the sender sets
    ``sent_at`` once the mail server accepted the message, or deletes the row to release it.
    """
    claimed = claim_all_to_send(session, model, [key], now, lease)
    return claimed[0] if claimed else None


def claim_all_to_send(session, model, keys: list[dict], now: datetime, lease) -> list[int]:
    """Claim, as claim_to_send does, the rows of ``keys`` that one message is about (a
    person's several courses at the same reminder), in ONE transaction; the ids of those this
    run claimed, in the order of ``keys`` (give them in a fixed order, say by id, so that two
    runs wait for each other instead of deadlocking).

    Committed once, at the end: a second run at the same moment waits for the first one's
    inserts and then finds them taken, so it cannot claim part of the same message and send
    a second email about the rest.
    """
    claimed = []
    for key in keys:
        if insert_once(session, model, tuple(key), claimed_at=now, skipped=False, **key):
            claimed.append(key)
            continue
        taken = session.execute(
            update(model)
            .filter_by(**key)
            .where(
                model.sent_at.is_(None), model.skipped.is_(False), model.claimed_at < now - lease
            )
            .values(claimed_at=now)
        ).rowcount
        if taken == 1:
            claimed.append(key)
    session.commit()
    return [session.scalar(select(model.id).filter_by(**key)) for key in claimed]
    taken = session.execute(
        update(model)
        .filter_by(**key)
        .where(model.sent_at.is_(None), model.skipped.is_(False), model.claimed_at < now - lease)
        .values(claimed_at=now)
    ).rowcount
    session.commit()
    if taken != 1:
        return None
    return session.scalar(select(model.id).filter_by(**key))
