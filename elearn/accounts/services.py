"""Accounts: registering, signing in, passwords and profiles.

Services flush and never commit; the view that calls them commits once.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations.services import organisation_or_none
from elearn.security import hash_password, needs_rehash, verify_password

_RESET_SALT = "elearn.password-reset"
_SETUP_SALT = "elearn.first-administrator"
# Compared against when an address has no account, so that a wrong address takes as long
# to refuse as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


class TokenProblem(DomainError):
    """A link from an email is expired, already used, or not one we made."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _organisation_id(organisation_id: int | None) -> int | None:
    organisation = organisation_or_none(organisation_id)
    return organisation.id if organisation else None


def register_user(
    *,
    email: str,
    full_name: str,
    password: str,
    profession: str,
    county: str,
    preferred_language: str,
    organisation_id: int | None = None,
    roles: tuple[Role, ...] = (Role.LEARNER,),
) -> User:
    """Create an account holding ``roles``. Raises DomainError if the email is taken."""
    email = email.strip().lower()
    if user_by_email(email) is not None:
        raise DomainError(_l("An account with this email address already exists."), field="email")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        profession=profession,
        county=county,
        preferred_language=preferred_language,
        organisation_id=_organisation_id(organisation_id),
    )
    user.role_assignments = [RoleAssignment(role=role) for role in roles]
    try:
        # A savepoint: if another request registered the same address a moment ago, the
        # unique index refuses this one and the message is the same as above.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise DomainError(
            _l("An account with this email address already exists."), field="email"
        ) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None. Deactivated users are returned
    too, so that the view can say why they cannot sign in; only after the right password."""
    user = user_by_email(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password("not a real password")
        verify_password(_DUMMY_HASH[method], password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    db.session.flush()


def set_password(user: User, new_password: str) -> None:
    """Store a new password and end every other session of this person."""
    user.password_hash = hash_password(new_password)
    user.session_generation += 1
    db.session.flush()


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Raises DomainError, next to the current-password field, if it is wrong."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_l("The current password is not right."), field="current_password")
    set_password(user, new_password)


def update_profile(
    user: User,
    *,
    full_name: str,
    profession: str,
    county: str,
    preferred_language: str,
    organisation_id: int | None,
) -> None:
    user.full_name = full_name
    user.profession = profession
    user.county = county
    user.preferred_language = preferred_language
    user.organisation_id = _organisation_id(organisation_id)
    db.session.flush()


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, which makes a reset link single-use.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def password_reset_token(user: User) -> str:
    return _serializer(_RESET_SALT).dumps({"user": user.id, "fp": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user a reset link was made for. Raises TokenProblem if it is expired, used or forged."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer(_RESET_SALT).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenProblem(_l("This reset link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise TokenProblem(_l("This reset link is not valid. Ask for a new one.")) from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or data.get("fp") != _password_fingerprint(user):
        raise TokenProblem(
            _l("This reset link has already been used. Ask for a new one if you need it.")
        )
    if not user.is_active:
        raise TokenProblem(_l("This account has been deactivated. Contact an administrator."))
    return user


def administrators_exist() -> bool:
    return (
        db.session.scalar(
            select(RoleAssignment.id).where(RoleAssignment.role == Role.ADMIN).limit(1)
        )
        is not None
    )


def first_administrator_token() -> str:
    """A signed, time-limited link to create the first administrator.

    It works only while no administrator exists, so it can be used once.
    """
    return _serializer(_SETUP_SALT).dumps("first-administrator")


def check_first_administrator_token(token: str) -> None:
    """Raises TokenProblem unless the token is ours, fresh, and no administrator exists yet."""
    if administrators_exist():
        raise TokenProblem(_l("An administrator already exists. Sign in instead."))
    try:
        _serializer(_SETUP_SALT).loads(token, max_age=current_app.config["SETUP_LINK_MAX_AGE"])
    except SignatureExpired:
        raise TokenProblem(
            _l("This setup link has expired. Run the start command again for a new one.")
        ) from None
    except BadSignature:
        raise TokenProblem(_l("This setup link is not valid.")) from None
