"""Flask-Login: how a session cookie becomes a person, and where others are sent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from elearn.accounts.models import User
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
    """Accept a session only if it carries the account's current session generation."""
    identifier, _, generation = user_id.partition(":")
    if not identifier.isdigit() or not generation.isdigit():
        return None
    # One query for the person, their organisation and their roles: every request makes it.
    user = (
        db.session.execute(
            select(User)
            .where(User.id == int(identifier))
            .options(joinedload(User.role_assignments))
        )
        .unique()
        .scalar_one_or_none()
    )
    if user is None or user.session_generation != int(generation) or not user.is_active:
        return None
    return user
