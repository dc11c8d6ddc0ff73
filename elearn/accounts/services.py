"""Accounts: registering, confirming email addresses, signing in, passwords and profiles.

Services flush and never commit; the view that calls them commits once.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from elearn.accounts.models import OneTimeClaim, Role, RoleAssignment, User
from elearn.accounts.sessions import end_all_sessions
from elearn.audit.services import email_fingerprint, record
from elearn.database import insert_once, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations.services import change_membership
from elearn.security import hash_password, needs_rehash, verify_password

_RESET_SALT = "elearn.password-reset"
_SETUP_SALT = "elearn.first-administrator"
_CONFIRM_SALT = "elearn.confirm-email"
_CHANGE_SALT = "elearn.change-email"
# Compared against when an address has no account, so that a wrong address takes as long
# to refuse as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


class TokenProblem(DomainError):
    """A link from an email is expired, already used, or not one we made."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _load(salt: str, token: str, max_age: int, *, expired, invalid) -> object:
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenProblem(expired) from None
    except BadSignature:
        raise TokenProblem(invalid) from None


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


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
    email_confirmed: bool = False,
) -> User:
    """Create an account holding ``roles``; choosing an organisation requests membership.

    Raises DomainError if the email is taken (the views never show that message to someone
    registering: they answer the same whether or not the address has an account).
    """
    email = email.strip().lower()
    # Hashed before the address is looked up: the answer takes as long whether or not the
    # address has an account, so its timing does not tell.
    password_hash = hash_password(password)
    if user_by_email(email) is not None:
        raise DomainError(_l("An account with this email address already exists."), field="email")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=password_hash,
        profession=profession,
        county=county,
        preferred_language=preferred_language,
        email_confirmed_at=utcnow() if email_confirmed else None,
    )
    user.role_assignments = [RoleAssignment(role=role) for role in roles]
    try:
        # A savepoint: if another request registered the same address a moment ago, the
        # unique index refuses this one and the answer is the same as above.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise DomainError(
            _l("An account with this email address already exists."), field="email"
        ) from None
    change_membership(user, organisation_id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None (which is audited).

    Deactivated users are returned too, so that the view can say why they cannot sign in;
    only after the right password.
    """
    user = user_by_email(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password("not a real password")
        verify_password(_DUMMY_HASH[method], password)
        record("signin.failed", email_hash=email_fingerprint(email))
        return None
    if not verify_password(user.password_hash, password):
        record(
            "signin.failed",
            target_type="user",
            target_id=user.id,
            email_hash=email_fingerprint(email),
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    db.session.flush()


def set_password(user: User, new_password: str) -> None:
    """Store a new password and end every session of this person.

    The new session generation also starts the account's failed sign-in counters afresh
    (elearn/accounts/throttle.py): a completed reset lifts any block on the account.
    """
    user.password_hash = hash_password(new_password)
    user.session_generation += 1
    end_all_sessions(user)
    record("user.password_changed", actor_id=user.id, target_type="user", target_id=user.id)
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
    weekly_digest: bool | None = None,
) -> None:
    """Save a person's own profile; a new organisation is a new membership request.
    ``weekly_digest`` (None: unchanged) is whether a manager gets the weekly digest."""
    user.full_name = full_name
    user.profession = profession
    user.county = county
    user.preferred_language = preferred_language
    if weekly_digest is not None:
        user.weekly_digest = weekly_digest
    change_membership(user, organisation_id)
    db.session.flush()


# Links sent by email ------------------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, which makes a reset link single-use.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def password_reset_token(user: User) -> str:
    return _serializer(_RESET_SALT).dumps({"user": user.id, "fp": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user a reset link was made for. Raises TokenProblem if it is expired, used or forged."""
    data = _load(
        _RESET_SALT,
        token,
        current_app.config["PASSWORD_RESET_MAX_AGE"],
        expired=_l("This reset link has expired. Ask for a new one."),
        invalid=_l("This reset link is not valid. Ask for a new one."),
    )
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or data.get("fp") != _password_fingerprint(user):
        raise TokenProblem(
            _l("This reset link has already been used. Ask for a new one if you need it.")
        )
    if not user.is_active:
        raise TokenProblem(_l("This account has been deactivated. Contact an administrator."))
    return user


def email_confirmation_token(user: User) -> str:
    return _serializer(_CONFIRM_SALT).dumps({"user": user.id, "email": user.email})


def confirm_email(token: str) -> User:
    """Mark the address a confirmation link was sent to as confirmed.

    Raises TokenProblem for an expired, forged or already used link.
    """
    data = _load(
        _CONFIRM_SALT,
        token,
        current_app.config["UNCONFIRMED_ACCOUNT_DAYS"] * 24 * 3600,
        expired=_l("This confirmation link has expired. Sign in to ask for a new one."),
        invalid=_l("This confirmation link is not valid."),
    )
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("email") or not user.is_active:
        raise TokenProblem(_l("This confirmation link is not valid."))
    if user.email_confirmed_at is not None:
        raise TokenProblem(_l("This email address is already confirmed. You can sign in."))
    mark_email_confirmed(user)
    record("user.email_confirmed", actor_id=user.id, target_type="user", target_id=user.id)
    return user


def mark_email_confirmed(user: User) -> None:
    user.email_confirmed_at = utcnow()
    db.session.flush()


def email_change_token(user: User, new_email: str) -> str:
    return _serializer(_CHANGE_SALT).dumps(
        {"user": user.id, "old": user.email, "new": new_email.strip().lower()}
    )


def request_email_change(user: User, *, new_email: str, password: str) -> str:
    """Check the password and the new address; return the token to mail to the new address.

    Raises DomainError next to the field concerned.
    """
    if not verify_password(user.password_hash, password):
        raise DomainError(_l("The password is not right."), field="password")
    if new_email.strip().lower() == user.email:
        raise DomainError(_l("This is already your email address."), field="email")
    return email_change_token(user, new_email)


def confirm_email_change(token: str) -> User:
    """Move an account to the new address its owner confirmed. Raises TokenProblem."""
    data = _load(
        _CHANGE_SALT,
        token,
        current_app.config["EMAIL_CHANGE_MAX_AGE"],
        expired=_l("This link has expired. Ask for the change again from your account."),
        invalid=_l("This link is not valid."),
    )
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.email != data.get("old"):
        raise TokenProblem(_l("This link has already been used, or the address changed since."))
    if user_by_email(data["new"]) is not None:
        raise TokenProblem(_l("This address now belongs to another account."))
    user.email = data["new"]
    user.email_confirmed_at = utcnow()
    record("user.email_changed", actor_id=user.id, target_type="user", target_id=user.id)
    db.session.flush()
    return user


# The first administrator ---------------------------------------------------------------------


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
    _load(
        _SETUP_SALT,
        token,
        current_app.config["SETUP_LINK_MAX_AGE"],
        expired=_l("This setup link has expired. Run the start command again for a new one."),
        invalid=_l("This setup link is not valid."),
    )


def claim_first_administrator() -> None:
    """Take the one right to create the first administrator, in the current transaction.

    The claim is a row with a fixed primary key: of several requests using the setup link at
    the same moment, one inserts it and the others (which wait for it on PostgreSQL) insert
    nothing and are refused; if the request that claimed it fails, its rollback frees the
    claim. Raises TokenProblem when the claim is taken or an administrator exists.
    """
    taken = not insert_once(db.session, OneTimeClaim, ("key",), key="first-administrator")
    if taken or administrators_exist():
        raise TokenProblem(_l("An administrator already exists. Sign in instead."))
