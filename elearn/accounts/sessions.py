"""Server-side records of signed-in browsers: opened at sign-in, ended on the server.

The session cookie carries the record's random id (elearn/accounts/models.py, User.get_id);
the query that loads the signed-in person checks the record in the same statement, so it
costs no extra query per request. Services flush and never commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import update

from elearn.accounts.models import User, UserSession
from elearn.database import utcnow
from elearn.extensions import db


def open_session(user: User, *, remember: bool) -> UserSession:
    """A new record for a browser that has just signed in as ``user``."""
    record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id, remember=remember)
    db.session.add(record)
    db.session.flush()
    return record


def end_session(record: UserSession | None) -> None:
    """Sign-out or idle timeout: this record opens nothing any more, whatever cookie shows it."""
    if record is None:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == record.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """A password changed or reset, an account deactivated: every browser signs in again."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.flush()


def mark_seen(record: UserSession, now: datetime) -> None:
    db.session.execute(
        update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now)
    )
    record.last_seen_at = now
    db.session.flush()
