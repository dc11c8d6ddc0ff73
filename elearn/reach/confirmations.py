"""Anonymous confirmations of presence at a session, one per phone (docs/reach.md).

A phone is known only by a random value in a cookie of its own; the database keeps a keyed
hash of that value and the session's id (HMAC with the app's secret), so that the same phone
gives a different hash at every session: enough to refuse a second press, nothing to follow a
phone from one session to the next, and nothing that names anyone.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select, update

from elearn.database import insert_once, utcnow
from elearn.extensions import db
from elearn.reach import tally
from elearn.reach.models import DeliveredSession, SessionConfirmation
from elearn.reach.services import confirmation_window

DEVICE_COOKIE = "reach_device"
# A session's code is open from its day to the end of the next (confirmation_window): the
# phone's value is needed no longer than that, so it is not kept longer (GDPR: storage
# limitation). A later session's confirmation sets it again.
DEVICE_COOKIE_DAYS = 3


class Outcome(enum.StrEnum):
    COUNTED = "counted"
    ALREADY = "already"
    FULL = "full"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def new_device_value() -> str:
    return secrets.token_urlsafe(32)


def device_hash(session_id: int, device_value: str) -> str:
    """The keyed hash stored for a phone at one session (64 hex characters)."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"reach-device:{session_id}:{device_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def by_code(code: str) -> DeliveredSession | None:
    """The session still counted that holds ``code`` (already normalised), or None."""
    return db.session.scalar(
        select(DeliveredSession).where(
            DeliveredSession.confirm_code == code, DeliveredSession.replaced_by_id.is_(None)
        )
    )


def state(session: DeliveredSession, now: datetime | None = None) -> Outcome | None:
    """NOT_YET before the session's day, CLOSED after the end of the next day, else None."""
    now = now or utcnow()
    opens, _closes = confirmation_window(session.delivered_on)
    closes = session.confirm_open_until
    if closes is None or now >= closes:
        return Outcome.CLOSED
    if now < opens:
        return Outcome.NOT_YET
    return None


def already_confirmed(session: DeliveredSession, device_value: str | None) -> bool:
    if not device_value:
        return False
    found = db.session.scalar(
        select(SessionConfirmation.id).where(
            SessionConfirmation.session_id == session.id,
            SessionConfirmation.device == device_hash(session.id, device_value),
        )
    )
    return found is not None


def confirm(session: DeliveredSession, device_value: str, now: datetime | None = None) -> Outcome:
    """Count one person present, from one phone, in the caller's transaction.

    The confirmation's row and the session's count move together: the row is inserted once
    per phone (a second press, even at the same moment, inserts nothing), and the count goes
    up by one statement that also checks the cap (never more confirmed than declared), so
    that concurrent presses cannot lose or overshoot a count. Flushes, never commits.
    """
    now = now or utcnow()
    closed = state(session, now)
    if closed is not None:
        return closed
    device = device_hash(session.id, device_value)
    if not insert_once(
        db.session,
        SessionConfirmation,
        ("session_id", "device"),
        session_id=session.id,
        device=device,
        confirmed_at=now,
    ):
        return Outcome.ALREADY
    # The row's summary key comes back with the count, as it is now, so that the monthly
    # summary adds the confirmation where the session is (an edit may have moved it).
    counted = db.session.execute(
        update(DeliveredSession)
        .where(
            DeliveredSession.id == session.id,
            DeliveredSession.confirmed_count < DeliveredSession.declared_count,
        )
        .values(confirmed_count=DeliveredSession.confirmed_count + 1)
        .returning(
            DeliveredSession.delivered_on,
            DeliveredSession.course_id,
            DeliveredSession.profession,
            DeliveredSession.county,
            DeliveredSession.audience,
            DeliveredSession.age_band,
            DeliveredSession.setting,
            DeliveredSession.organisation_id,
            DeliveredSession.replaced_by_id,
        )
        .execution_options(synchronize_session=False)
    ).first()
    if counted is None:
        db.session.execute(
            delete(SessionConfirmation).where(
                SessionConfirmation.session_id == session.id, SessionConfirmation.device == device
            )
        )
        return Outcome.FULL
    tally.confirmed_one(counted)
    return Outcome.COUNTED


def confirmed_count(session_id: int) -> int:
    """The count as it is now in the database (for the page held up at the session)."""
    return db.session.scalar(
        select(DeliveredSession.confirmed_count).where(DeliveredSession.id == session_id)
    )
