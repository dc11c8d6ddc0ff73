"""Counting failed sign-ins without letting a stranger lock the owner out.

The policy (docs/security-accounts.md) follows OWASP's "device cookies":

- A browser that has signed in to an account before holds a signed device cookie for it.
  Its wrong passwords count only against that device (SIGNIN_LIMIT_PER_DEVICE); failures
  from anywhere else never block it.
- Any other browser counts against the account from its own network address
  (SIGNIN_LIMIT_PER_ACCOUNT_AND_ADDRESS) and against the account from every unknown browser
  together (SIGNIN_LIMIT_PER_ACCOUNT). When that second limit trips, the owner gets one email.
- Every failure also counts against its address, whatever the account (SIGNIN_LIMIT_PER_ADDRESS,
  a Flask-Limiter decorator on the view).
- The counters of an account are keyed by its session generation, which a completed password
  reset (or change) bumps: a reset clears every block on the account at once.

Counts live in Flask-Limiter's storage (Redis in production, memory in tests), through the
`limits` library it is built on. With RATELIMIT_ENABLED off (the tests' default) nothing is
counted.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse, parse_many

from elearn.audit.services import email_fingerprint
from elearn.extensions import limiter

log = logging.getLogger(__name__)

DEVICE_COOKIE = "elearn_device"
_DEVICE_SALT = "elearn.device-cookie"
# A device cookie is renewed at each sign-in; one unused this long is forgotten.
DEVICE_COOKIE_DAYS = 180
_ALERT = parse("1 per day")


@dataclass(frozen=True)
class Attempt:
    """Who is trying to sign in to what: the keys their failures are counted under."""

    account: str  # keyed hash of the address typed, and the account's session generation
    address: str
    device: str | None  # the random id of a valid device cookie for this account


def attempt_for(email: str, user, *, cookie: str | None, address: str) -> Attempt:
    """``user`` is the account ``email`` belongs to, or None: an address without an account
    is counted exactly like one with an account, so the answers reveal nothing."""
    fingerprint = email_fingerprint(email)
    generation = user.session_generation if user is not None else 0
    return Attempt(
        account=f"{fingerprint}:{generation}",
        address=address or "unknown",
        device=_device_id(cookie, fingerprint),
    )


def is_known_device(email: str, cookie: str | None) -> bool:
    return _device_id(cookie, email_fingerprint(email)) is not None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_DEVICE_SALT)


def device_cookie_value(email: str) -> str:
    """A new device cookie for the account of ``email``: signed, holding a random id."""
    return _serializer().dumps({"a": email_fingerprint(email), "d": secrets.token_urlsafe(16)})


def _device_id(cookie: str | None, fingerprint: str) -> str | None:
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie, max_age=DEVICE_COOKIE_DAYS * 24 * 3600)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != fingerprint:
        return None
    device = data.get("d")
    return device if isinstance(device, str) and device else None


def give_device_cookie(response, email: str) -> None:
    """Mark this browser as one the owner of ``email`` signs in from."""
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        device_cookie_value(email),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _counters(attempt: Attempt) -> list[tuple[str, tuple[str, ...]]]:
    if attempt.device:
        return [("SIGNIN_LIMIT_PER_DEVICE", ("signin-device", attempt.account, attempt.device))]
    return [
        (
            "SIGNIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
            ("signin-account-address", attempt.account, attempt.address),
        ),
        ("SIGNIN_LIMIT_PER_ACCOUNT", ("signin-account", attempt.account)),
    ]


def _storage_call(method, *args) -> bool | None:
    """A call to the counters' storage; if Redis is down and errors are to be swallowed (as
    Flask-Limiter does), sign-in goes on without these counters rather than failing."""
    try:
        return method(*args)
    except Exception:
        if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS"):
            raise
        log.exception("The sign-in counters could not be reached")
        return None


def is_blocked(attempt: Attempt) -> bool:
    """True while a limit that applies to this attempt is used up."""
    if not limiter.enabled:
        return False
    config = current_app.config
    for setting, key in _counters(attempt):
        for item in parse_many(config[setting]):
            if _storage_call(limiter.limiter.test, item, *key) is False:
                return True
    return False


def count_failure(attempt: Attempt) -> bool:
    """Count a wrong password. True when the owner should be told: this failure used up the
    limit for unknown browsers, and they have not been told of it in the last day."""
    if not limiter.enabled:
        return False
    config = current_app.config
    tripped = False
    for setting, key in _counters(attempt):
        for item in parse_many(config[setting]):
            _storage_call(limiter.limiter.hit, item, *key)
            if setting == "SIGNIN_LIMIT_PER_ACCOUNT":
                tripped |= _storage_call(limiter.limiter.test, item, *key) is False
    if not tripped:
        return False
    return bool(_storage_call(limiter.limiter.hit, _ALERT, "signin-alert", attempt.account))
