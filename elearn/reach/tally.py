"""The monthly summary of the ledger (reach_session_months), kept in step by its writers.

Every statement that adds a counted session, changes one, replaces one by a correction or
confirms a person present also adds to (or takes from) its month's row here, in the same
transaction, by one INSERT ... ON CONFLICT DO UPDATE that concurrent requests cannot
interleave. ``recount`` makes the whole table again from the ledger (after a bulk load, or
to check it: tests/reach/test_tally.py compares the two after every kind of change).
"""

from __future__ import annotations

from sqlalchemy import case, delete, func, insert, literal, select, text

from elearn.database import add_to_columns
from elearn.extensions import db
from elearn.reach.models import SESSION_MONTH_KEY, DeliveredSession, SessionMonth

KEY = SESSION_MONTH_KEY
MEASURES = ("sessions", "declared", "confirmed", "materials")


def _key(row) -> dict:
    """The summary's key of a session (a DeliveredSession, or a row with the same names)."""
    return {
        "month": row.delivered_on.strftime("%Y-%m"),
        "course_id": row.course_id or 0,
        "profession": row.profession,
        "county": row.county,
        "audience": row.audience,
        "age_band": row.age_band or "",
        "setting": row.setting,
        "organised": 0 if row.organisation_id is None else 1,
    }


def _add(key: dict, **measures: int) -> None:
    values = {name: measures.get(name, 0) for name in MEASURES}
    add_to_columns(db.session, SessionMonth, KEY, MEASURES, **key, **values)


def count(session: DeliveredSession, sign: int) -> None:
    """Add a counted session to its month (``sign`` 1), or take it away (-1) before it
    changes or leaves the figures. A replaced session is not counted: nothing to do."""
    if session.replaced_by_id is not None:
        return
    _add(
        _key(session),
        sessions=sign,
        declared=sign * session.declared_count,
        confirmed=sign * session.confirmed_count,
        materials=sign * session.materials_count,
    )


def confirmed_one(counted_row) -> None:
    """One more person confirmed at the session whose key ``counted_row`` holds (the values
    the confirming UPDATE returned, so that an edit made meanwhile cannot misplace it)."""
    if counted_row.replaced_by_id is None:
        _add(_key(counted_row), confirmed=1)


def organisation_deleting(_sender, *, organisation_id: int, **_details) -> None:
    """An organisation is about to go, and its sessions to have none: move them in the
    summary from "organised" to not (one statement reads them, one upsert per key)."""
    rows = db.session.execute(
        from_ledger().where(DeliveredSession.organisation_id == organisation_id)
    ).all()
    for row in rows:
        key = {name: getattr(row, name) for name in KEY}
        measures = {name: getattr(row, name) for name in MEASURES}
        _add(key, **{name: -value for name, value in measures.items()})
        _add({**key, "organised": 0}, **measures)


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def from_ledger():
    """The summary as the ledger gives it: a SELECT with KEY and MEASURES' columns."""
    key = [
        _month(DeliveredSession.delivered_on).label("month"),
        func.coalesce(DeliveredSession.course_id, 0).label("course_id"),
        DeliveredSession.profession.label("profession"),
        DeliveredSession.county.label("county"),
        DeliveredSession.audience.label("audience"),
        func.coalesce(DeliveredSession.age_band, literal("")).label("age_band"),
        DeliveredSession.setting.label("setting"),
        case((DeliveredSession.organisation_id.is_(None), 0), else_=1).label("organised"),
    ]
    return (
        select(
            *key,
            func.count().label("sessions"),
            func.sum(DeliveredSession.declared_count).label("declared"),
            func.sum(DeliveredSession.confirmed_count).label("confirmed"),
            func.sum(DeliveredSession.materials_count).label("materials"),
        )
        .where(DeliveredSession.replaced_by_id.is_(None))
        .group_by(*key)
    )


def recount() -> int:
    """Make the summary again from the ledger, in the caller's transaction; its rows.

    On PostgreSQL the ledger is locked against writes until the caller commits (reading stays
    open), so that no session is recorded or confirmed between the summary's reading of the
    ledger and its commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE delivered_sessions IN SHARE MODE"))
    db.session.execute(delete(SessionMonth))
    db.session.execute(insert(SessionMonth).from_select([*KEY, *MEASURES], from_ledger()))
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(SessionMonth))
