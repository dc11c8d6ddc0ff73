"""Sessions fit for shared computers.

A session that stays idle longer than IDLE_TIMEOUT_MINUTES ends at the next request. If that
request was a form being submitted, what the person typed (never a password or a token) is
kept as a draft; after they sign in again, the same page opens with it filled in.

"Keep me signed in" is for a computer one uses alone, so it is exempt (up to
REMEMBER_COOKIE_DAYS without activity). Whether a session was kept signed in is read from its
server-side record (elearn/accounts/sessions.py), never from the names of the cookies a
browser sends; the time of the last activity is kept there too, so a copy of an old cookie
cannot pretend to be fresh.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from elearn.accounts.models import FormDraft
from elearn.accounts.sessions import end_session, mark_seen
from elearn.database import utcnow
from elearn.extensions import db

# Write the time of the last activity to the session record at most this often (seconds):
# signed-in requests in between make no write.
_TOUCH_EVERY = 60
# Never kept in a draft.
_SENSITIVE = ("password", "confirm", "csrf_token", "code", "token")


def _keepable(name: str) -> bool:
    return not any(word in name.lower() for word in _SENSITIVE)


def save_draft(user_id: int, path: str, form: MultiDict) -> None:
    data = {name: form.getlist(name) for name in form if _keepable(name)}
    if not data:
        return
    db.session.execute(
        delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.path == path)
    )
    db.session.add(FormDraft(user_id=user_id, path=path, data=data))
    db.session.commit()


def take_draft(user_id: int, path: str) -> MultiDict | None:
    """The draft saved for this person and page, removed as it is handed over."""
    draft = db.session.scalar(
        select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.path == path)
    )
    if draft is None:
        return None
    data = MultiDict([(name, value) for name, values in draft.data.items() for value in values])
    db.session.delete(draft)
    db.session.commit()
    return data


def _idle_limit(remember: bool) -> timedelta:
    if remember:
        return current_app.config["REMEMBER_COOKIE_DURATION"]
    return timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])


def enforce_idle_timeout():
    """before_request: end a session idle for too long, keeping a submitted form as a draft."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    record = current_user.session_record
    now = utcnow()
    idle = now - record.last_seen_at
    if idle > _idle_limit(record.remember):
        return _end_idle_session(record)
    if idle.total_seconds() > _TOUCH_EVERY:
        mark_seen(record, now)
        db.session.commit()
    return None


def _end_idle_session(record):
    user_id = current_user.id
    end_session(record)
    if request.method == "POST" and request.form:
        save_draft(user_id, request.path, request.form)
    db.session.commit()
    language = current_user.preferred_language
    logout_user()
    session.clear()
    session["language"] = language
    session["_remember"] = "clear"  # Flask-Login then deletes a "keep me signed in" cookie
    if request.method == "POST":
        session["draft_path"] = request.path
    minutes = current_app.config["IDLE_TIMEOUT_MINUTES"]
    if not record.remember:
        flash(
            ngettext(
                "You were signed out after %(num)d minute without activity. Sign in to go on.",
                "You were signed out after %(num)d minutes without activity. Sign in to go on.",
                minutes,
            ),
            "info",
        )
    view = current_app.view_functions.get(request.endpoint)
    if getattr(getattr(view, "access", None), "kind", None) == "public":
        return None  # a page for everyone: it simply opens signed out
    target = request.path if request.method != "GET" else request.full_path.rstrip("?")
    return redirect(url_for("accounts.sign_in", next=target), code=303)


def offer_draft():
    """before_request: on the page whose form was interrupted, hand the draft to the form.

    Only that page looks for a draft (the session remembers which), so other pages make no
    extra query.
    """
    if request.method != "GET" or session.get("draft_path") != request.path:
        return
    if not current_user.is_authenticated:
        return
    session.pop("draft_path")
    draft = take_draft(current_user.id, request.path)
    if draft is not None:
        g.form_draft = draft
        flash(
            _("We kept what you typed before you were signed out. Check it and submit again."),
            "info",
        )
