"""Security defaults: password policy, password hashing, safe redirects and response headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from elearn.core.errors import NulCharacter
from elearn.text import fold

PASSWORD_MAX_LENGTH = 256
# zxcvbn refuses longer input; past this length guessability is not the risk.
_ZXCVBN_MAX = 72
# zxcvbn scores 0-4; below 2 a password falls to an online or cheap offline attack
# (fewer than 10^8 guesses), which covers the common-password lists it carries.
_MIN_ZXCVBN_SCORE = 2
# What must remain of a password once the person's name and email are taken out of it.
_MIN_OWN_REMAINDER = 6

# No inline script, no inline style, no third-party origin, no plugins, no framing by others.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def password_problem(password: str, *, user_inputs: list[str] | tuple[str, ...] = ()) -> str | None:
    """Say what is wrong with a new password, or return None when it is acceptable.

    The rules follow NIST SP 800-63B: a minimum length, no composition rules, and a check
    against passwords that attackers try first (zxcvbn's lists of leaked passwords, plus the
    person's own name and email address).
    """
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return ngettext(
            "Use at least %(num)d character.", "Use at least %(num)d characters.", min_length
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        return ngettext(
            "Use at most %(num)d character.", "Use at most %(num)d characters.", PASSWORD_MAX_LENGTH
        )
    inputs = sorted(
        {
            part
            for value in user_inputs
            for part in fold(value).replace("@", " ").replace(".", " ").split()
            if len(part) >= 3
        },
        key=len,
        reverse=True,
    )
    folded = fold(password)
    # The person's own name or address with a few characters added is among the first guesses.
    remainder = folded
    for part in inputs:
        remainder = remainder.replace(part, "")
    too_guessable = len(remainder) < _MIN_OWN_REMAINDER
    if not too_guessable:
        too_guessable = (
            zxcvbn(folded[:_ZXCVBN_MAX], user_inputs=inputs)["score"] < _MIN_ZXCVBN_SCORE
        )
    if too_guessable:
        return _(
            "This password is too common or too easy to guess. "
            "Try a longer phrase of three or four unrelated words."
        )
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """True when a stored hash was made with other parameters than the configured ones."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method == "scrypt":
        method = "scrypt:32768:8:1"
    return not password_hash.startswith(method + "$")


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site: no scheme, no host, no protocol-relative tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def set_security_headers(response):
    """Add the headers every response carries (after_request hook)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if current_user.is_authenticated:
        # Pages about a signed-in person must not be kept by a shared computer's browser.
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def refuse_nul_characters() -> None:
    """before_request, first of all: a NUL character in the address, the query or a form is
    refused with 400 before anything reads it (PostgreSQL cannot store one in text, and no
    person types one)."""
    if "\x00" in request.path:
        raise NulCharacter()
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                raise NulCharacter()
    for key, upload in request.files.items(multi=True):
        if "\x00" in key or "\x00" in (upload.filename or ""):
            raise NulCharacter()
