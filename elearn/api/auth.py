"""How an API request proves who it comes for: the bearer token, checked on every request,
and the rate limit counted per token."""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from elearn.access import token_required
from elearn.api import errors, services
from elearn.database import utcnow
from elearn.extensions import db, limiter


def bearer_secret() -> str | None:
    """The token of ``Authorization: Bearer <token>``; None without one."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_key() -> str:
    """Flask-Limiter's key: the token's hash (never the token), else the client's address."""
    secret = bearer_secret()
    if secret:
        return f"api-token:{services.hash_secret(secret)}"
    return f"api-address:{get_remote_address()}"


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def authenticate() -> None:
    """Check the token and its owner, note its use and keep in ``g``: ``api_token``,
    ``api_owner`` and ``api_roots`` (the organisations it reaches today). The one commit of
    an API request (they only read otherwise)."""
    now = utcnow()
    try:
        token, owner = services.authenticate(bearer_secret(), now)
    except services.TokenRefused as refusal:
        errors.refuse_token(refusal.status, refusal.error, refusal.message)
    g.api_token, g.api_owner = token, owner
    g.api_roots = services.reachable_roots(token, owner)
    services.touch(
        token,
        now,
        endpoint=request.endpoint,
        organisation_id=(request.view_args or {}).get("organisation_id"),
    )
    db.session.commit()


api_token = token_required(authenticate)
# One budget per token across every route of the API (a limit per route would multiply it).
api_limit = limiter.shared_limit(rate_limit, scope="api", key_func=rate_key)
