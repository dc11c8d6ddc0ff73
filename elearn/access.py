"""Who may use each route.

Every view carries exactly one of the decorators below, and a test fails for any route that
does not. ``docs/permissions.md`` is the human-readable matrix; the authorisation tests are
generated from it and check each route for every role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.extensions import login_manager


@dataclass(frozen=True)
class Access:
    """What a view requires: nothing, a signed-in person, or one of some roles."""

    kind: str  # "public", "signed_in" or "roles"
    roles: frozenset[Role] = frozenset()

    def allows(self, user) -> bool:
        if self.kind == "public":
            return True
        if not user.is_authenticated:
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
    """A signed-in person holding at least one of ``roles``; others get 403."""
    access = Access("roles", frozenset(roles))

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not access.allows(current_user):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, access)

    return decorator


def access_of(view) -> Access | None:
    return getattr(view, "access", None)
