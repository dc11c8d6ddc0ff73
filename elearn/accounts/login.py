"""Flask-Login: how a session cookie becomes a person, and where others are sent."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from elearn.accounts.models import User, UserSession
from elearn.extensions import db, login_manager


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    # "basic" keeps the session when a phone moves between networks; "strong" would not.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Accept a session only if it carries the account's current session generation and
    points at a server-side session record that has not been ended.

    The session cookie and the "keep me signed in" cookie both carry this id, so both die
    when the record ends (sign-out, idle timeout, password change). One query loads the
    person, their roles and the record: every signed-in request makes it.
    """
    identifier, generation, record_id = [*user_id.split(":"), "", ""][:3]
    if not identifier.isdigit() or not generation.isdigit() or not record_id:
        return None
    row = (
        db.session.execute(
            _person_statement(), {"user_id": int(identifier), "record_id": record_id}
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user, record = row
    if user.session_generation != int(generation) or not user.is_active:
        return None
    user.session_record = record
    return user


@cache
def _person_statement():
    """The statement of load_user, built once per process: every signed-in request runs it,
    and building it anew cost more than sending it."""
    return (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            UserSession.id == bindparam("record_id"),
            UserSession.revoked_at.is_(None),
        )
        .options(joinedload(User.role_assignments))
    )
