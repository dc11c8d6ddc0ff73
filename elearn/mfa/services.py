"""Setting up and checking second factors.

Codes follow RFC 6238 (TOTP, 30-second steps, 6 digits) through pyotp. A code is accepted for
the current step and one step either side (clock drift), and never twice: the last accepted
step is stored, so a code seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.mfa.models import RecoveryCode, SecondFactor

PRIVILEGED_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
# Crockford's base32 alphabet: no I, L, O or U, so codes read aloud or copied by hand survive.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12  # 60 bits
_STEP_WINDOW = 1


def second_factor_of(user: User) -> SecondFactor | None:
    return db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))


def has_second_factor(user: User) -> bool:
    factor = second_factor_of(user)
    return factor is not None and factor.confirmed_at is not None


def needs_second_factor(user: User) -> bool:
    """Managers and administrators must have a second factor before their pages open."""
    return user.has_role(*PRIVILEGED_ROLES) and not has_second_factor(user)


def start_setup(user: User) -> SecondFactor:
    """Give ``user`` a new, unconfirmed secret (replacing an unconfirmed one)."""
    factor = second_factor_of(user)
    if factor is not None and factor.confirmed_at is not None:
        raise DomainError(_l("A second factor is already set up for this account."))
    if factor is None:
        factor = SecondFactor(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(factor)
    else:
        factor.secret = pyotp.random_base32()
    db.session.flush()
    return factor


def provisioning_uri(user: User, factor: SecondFactor) -> str:
    issuer = current_app.config["SITE_NAME"]
    return pyotp.TOTP(factor.secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The setup QR code as inline SVG (no image request, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, title="QR")


def _step_matching(factor: SecondFactor, code: str, at: datetime | None = None) -> int | None:
    """The time step ``code`` belongs to, within the drift window, or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(factor.secret)
    now = at or utcnow()
    current = totp.timecode(now)
    for step in range(current - _STEP_WINDOW, current + _STEP_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_setup(user: User, code: str) -> list[str]:
    """Confirm the unconfirmed secret with a code from the app; return new recovery codes.

    Raises DomainError, next to the code field, when the code is wrong.
    """
    factor = second_factor_of(user)
    if factor is None or factor.confirmed_at is not None:
        raise DomainError(_l("Start the set-up again."))
    step = _step_matching(factor, code)
    if step is None:
        raise DomainError(
            _l("That code is not right. Check the time on your phone and try the newest code."),
            field="code",
        )
    factor.confirmed_at = utcnow()
    factor.last_used_step = step
    codes = _new_recovery_codes(user)
    record("second_factor.enabled", actor_id=user.id, target_type="user", target_id=user.id)
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def renew_recovery_codes(user: User, code: str) -> list[str]:
    """Replace every recovery code, after a current authenticator code proves it is the person."""
    if not verify(user, code, allow_recovery=False):
        record("signin.second_factor_failed", target_type="user", target_id=user.id)
        raise DomainError(_l("That code is not right."), field="code")
    codes = _new_recovery_codes(user)
    record(
        "second_factor.recovery_codes_renewed",
        actor_id=user.id,
        target_type="user",
        target_id=user.id,
    )
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def verify(user: User, code: str, *, allow_recovery: bool = True) -> bool:
    """True if ``code`` is a fresh authenticator code or an unused recovery code of ``user``.

    Either is used up by succeeding: the same code never works twice.
    """
    factor = second_factor_of(user)
    if factor is None or factor.confirmed_at is None:
        return False
    step = _step_matching(factor, code)
    if step is not None:
        return _use_step(factor, step)
    if not allow_recovery:
        return False
    normalised = _normalise(code)
    if len(normalised) != _CODE_LENGTH:
        return False
    used = _used_in_one_statement(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .returning(RecoveryCode.id)
    )
    if used:
        record("signin.recovery_code_used", actor_id=user.id, target_type="user", target_id=user.id)
    return used


def _used_in_one_statement(statement) -> bool:
    """Run a conditional UPDATE ... RETURNING: True if it changed a row.

    Two requests with the same code at the same moment both run it; on PostgreSQL the second
    waits for the first's row lock, then finds the condition false and changes nothing (on
    SQLite writers take turns). RETURNING, not rowcount, decides: some drivers report rows
    matched rather than changed.
    """
    changed = db.session.execute(statement.execution_options(synchronize_session=False))
    return changed.first() is not None


def _use_step(factor: SecondFactor, step: int) -> bool:
    """Accept the code of ``step`` once: only if no code of that step or a later one was."""
    used = _used_in_one_statement(
        update(SecondFactor)
        .where(
            SecondFactor.id == factor.id,
            or_(SecondFactor.last_used_step.is_(None), SecondFactor.last_used_step < step),
        )
        .values(last_used_step=step)
        .returning(SecondFactor.id)
    )
    if used:
        factor.last_used_step = step
    return used


def reset(user: User, *, by: User) -> None:
    """Remove a person's second factor (a lost phone); they set up a new one at next sign-in."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    user.session_generation += 1
    record("second_factor.reset", actor_id=by.id, target_type="user", target_id=user.id)
    db.session.flush()
