"""Who may use each route.

Every view carries exactly one of the decorators below, and a test fails for any route that
does not. ``docs/permissions.md`` is the human-readable matrix; the authorisation tests are
generated from it and check each route for every role.

Pages that need the manager or administrator role also need a second factor: until the person
has set one up, those pages send them to set it up.

The read-only API (elearn/api) is the one exception to cookie sessions: its routes take a
personal access token in the ``Authorization: Bearer`` header and nothing else. A browser's
session cookie opens none of them (``ignore_cookies`` makes its person anonymous there), so
in the matrix every column of a token route is refused; the token's own rules are in
docs/api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.extensions import login_manager
from elearn.mfa.services import PRIVILEGED_ROLES, needs_second_factor


@dataclass(frozen=True)
class Access:
    """What a view requires: nothing, a signed-in person, one of some roles, or an API token
    (which no signed-in session stands for)."""

    kind: str  # "public", "signed_in", "roles" or "token"
    roles: frozenset[Role] = frozenset()

    def allows(self, user) -> bool:
        if self.kind == "public":
            return True
        if self.kind == "token" or not user.is_authenticated:
            return False
        return self.kind == "signed_in" or user.has_role(*self.roles)


def _mark(view, access: Access):
    view.access = access
    return view


def public(view):
    """Anyone, signed in or not."""
    return _mark(view, Access("public"))


def signed_in(view):
    """Any signed-in person; others are sent to sign in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, Access("signed_in"))


def roles_required(*roles: Role):
    """A signed-in person holding at least one of ``roles``; others get 403.

    When the roles include manager or administrator, the person must also have a second factor.
    """
    access = Access("roles", frozenset(roles))
    privileged = bool(access.roles & PRIVILEGED_ROLES)

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not access.allows(current_user):
                abort(403)
            if privileged and needs_second_factor(current_user):
                flash(_("Set up a second factor to open the pages of your role."), "info")
                return redirect(url_for("mfa.setup"))
            return view(*args, **kwargs)

        return _mark(wrapper, access)

    return decorator


def token_required(authenticate):
    """Routes of the read-only API: ``authenticate()`` reads the request's bearer token and
    refuses it (401 or 403, with ``WWW-Authenticate: Bearer``) or keeps it in ``g`` for the
    view. Cookies play no part (see ``ignore_cookies``)."""
    access = Access("token")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            authenticate()
            return view(*args, **kwargs)

        return _mark(wrapper, access)

    return decorator


def ignore_cookies():
    """before_request, before every hook that looks at the signed-in person: on a token
    route, nobody is signed in by a cookie, so neither the session's idle timeout nor the
    privacy notice nor anything else acts on a browser that happens to carry one, and a
    session can never stand in for a token (no CSRF risk for the API either)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(access_of(view), "kind", None) == "token":
        # Flask-Login's slot for the request's person: filled, it never reads the session.
        g._login_user = login_manager.anonymous_user()


def confirmed_email_required(view):
    """For actions that need a confirmed email address (enrolling in a course).

    Put it inside one of the decorators above; it sends an unconfirmed person to their account
    page, which offers to send the confirmation link again.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated and not current_user.email_confirmed:
            flash(_("Confirm your email address first: open the link we sent you."), "info")
            return redirect(url_for("accounts.profile"))
        return view(*args, **kwargs)

    return wrapper


def access_of(view) -> Access | None:
    return getattr(view, "access", None)
