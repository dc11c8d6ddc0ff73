"""Personal access tokens: making, revoking and checking them, and what a token reaches.

A token is ``elearn_pat_`` followed by 256 random bits (URL-safe base64). Only its SHA-256
hash is stored; it is shown once, when it is made. Each token names the organisations it was
given (each with everything below it), within what its owner manages, and an expiry date at
most MAX_DAYS ahead. Every request checks again that the owner is active, still holds the
manager or administrator role with a second factor, and still manages each organisation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from elearn.accounts.models import Role, User
from elearn.api.models import ApiToken
from elearn.audit.services import record
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.mfa.services import needs_second_factor
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.organisations.services import can_manage

PREFIX = "elearn_pat_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_ACTIVE = 10  # tokens a person may hold at once
# last_used_at is written at most this often; an audit entry at most once per clock hour.
TOUCH_EVERY = timedelta(minutes=1)


class TokenRefused(Exception):
    """A request's token cannot be used: ``status`` 401 (no token, or not a valid one) or 403
    (valid, but its owner may no longer read reports). ``error`` is RFC 6750's code."""

    def __init__(self, status: int, error: str | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def manageable(owner: User) -> list[tree.Node]:
    """The organisations ``owner`` may give a token, in display order: every organisation
    for an administrator; a manager's own (confirmed) organisation and those below it."""
    if owner.has_role(Role.ADMIN):
        return tree.tree()
    own = owner.confirmed_organisation_id
    if not owner.has_role(Role.MANAGER) or own is None:
        return []
    return tree.tree(own)


def expiry_moment(day: date) -> datetime:
    """The end of ``day`` where the platform is: the token works through that whole day."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


def active_count(owner: User, now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).where(
            ApiToken.user_id == owner.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
    )


def create_token(
    owner: User, *, name: str, organisation_ids: list[int], expires_on: date, today: date
) -> tuple[ApiToken, str]:
    """Make a token and return it with its secret (shown once, never stored); audited.

    Raises DomainError for an organisation the owner does not manage, an expiry that is not
    between tomorrow and MAX_DAYS ahead, or a person who holds MAX_ACTIVE tokens already.
    """
    allowed = {node.organisation.id: node.organisation for node in manageable(owner)}
    chosen = [allowed[i] for i in dict.fromkeys(organisation_ids) if i in allowed]
    if not chosen or len(chosen) != len(set(organisation_ids)):
        raise DomainError(_l("Choose organisations from the list."), field="organisations")
    if not today < expires_on <= today + timedelta(days=MAX_DAYS):
        raise DomainError(
            _l("Choose an expiry date from tomorrow to %(days)d days ahead.", days=MAX_DAYS),
            field="expires_on",
        )
    if active_count(owner, utcnow()) >= MAX_ACTIVE:
        raise DomainError(
            _l(
                "You have %(num)d tokens in use. Revoke one you no longer need first.",
                num=MAX_ACTIVE,
            )
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id,
        name=name,
        secret_hash=hash_secret(secret),
        hint=secret[: len(PREFIX) + 4],
        expires_at=expiry_moment(expires_on),
        organisations=chosen,
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api_token.created",
        actor_id=owner.id,
        target_type="api_token",
        target_id=token.id,
        organisation_ids=[organisation.id for organisation in chosen],
        expires_on=expires_on.isoformat(),
    )
    return token, secret


def tokens_of(owner: User) -> list[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones too)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == owner.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def own_token(owner: User, token_id: int) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == owner.id)
    )


def revoke_token(token: ApiToken, *, by_id: int) -> None:
    """Revoke a token at once (a second revocation changes nothing); audited."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    record("api_token.revoked", actor_id=by_id, target_type="api_token", target_id=token.id)
    db.session.flush()


def authenticate(secret: str | None, now: datetime) -> tuple[ApiToken, User]:
    """The token a request carries and its owner (one query, two with the second-factor
    check). Raises TokenRefused with 401 for no token, an unknown, revoked or expired one,
    or an owner who can no longer sign in; with 403 for an owner who no longer holds the
    manager or administrator role or has no second factor."""
    if not secret:
        raise TokenRefused(401, None, "Send a personal access token: Authorization: Bearer ...")
    row = (
        db.session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.secret_hash == hash_secret(secret))
            .options(joinedload(User.role_assignments))
        )
        .unique()
        .first()
    )
    if row is None:
        raise TokenRefused(401, "invalid_token", "The token is not valid.")
    token, owner = row
    if token.revoked_at is not None:
        raise TokenRefused(401, "invalid_token", "The token has been revoked.")
    if token.expires_at <= now:
        raise TokenRefused(401, "invalid_token", "The token has expired.")
    if not owner.is_active:
        raise TokenRefused(401, "invalid_token", "The token's owner can no longer sign in.")
    if not owner.has_role(Role.MANAGER, Role.ADMIN) or needs_second_factor(owner):
        raise TokenRefused(
            403,
            "insufficient_scope",
            "The token's owner no longer holds the manager or administrator role with a "
            "second factor.",
        )
    return token, owner


def reachable_roots(token: ApiToken, owner: User) -> list[Organisation]:
    """The token's organisations that its owner still manages today."""
    return [o for o in token.organisations if can_manage(owner, o.id)]


def reached(roots: list[Organisation], organisation_id: int) -> Organisation | None:
    """The organisation if it is one of ``roots`` or below one of them, else None (a query
    per root; a token names few)."""
    for root in roots:
        if root.id == organisation_id or tree.is_within(organisation_id, root.id):
            return db.session.get(Organisation, organisation_id)
    return None


def reached_tree(roots: list[Organisation]) -> list[tree.Node]:
    """Every organisation the roots reach, each once, in display order below its root."""
    seen: set[int] = set()
    nodes = []
    for root in roots:
        for node in tree.tree(root.id):
            if node.organisation.id not in seen:
                seen.add(node.organisation.id)
                nodes.append(node)
    return nodes


def touch(token: ApiToken, now: datetime, **details) -> None:
    """Note that the token was used: ``last_used_at`` at most once a minute, and an audit
    entry (with ``details``) for the first use in each clock hour, so that a script polling
    every few seconds neither writes at every request nor floods the audit log. Conditional
    UPDATEs: two requests at the same moment write (and audit) once."""
    last = token.last_used_at
    if last is not None and now - last < TOUCH_EVERY:
        return
    updated = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    hour = now.replace(minute=0, second=0, microsecond=0)
    if updated and (last is None or last < hour):
        record(
            "api_token.used",
            actor_id=token.user_id,
            target_type="api_token",
            target_id=token.id,
            **details,
        )


def forget_tokens(_user, *, user_id: int, **_details) -> None:
    """Erasure deletes the person's tokens (their scopes go with them)."""
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))


def tokens_in_download(user, **_details) -> dict:
    """The person's tokens for their data download: names, organisations and dates; never a
    secret or its hash."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "api_tokens.json": [
            {
                "name": token.name,
                "starts_with": token.hint,
                "organisations": [organisation.name for organisation in token.organisations],
                "created_at": iso(token.created_at),
                "expires_at": iso(token.expires_at),
                "last_used_at": iso(token.last_used_at),
                "revoked_at": iso(token.revoked_at),
            }
            for token in tokens_of(user)
        ]
    }
