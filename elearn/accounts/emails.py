"""The messages accounts send. Every link is built from BASE_URL (elearn/links.py)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from elearn.accounts import services
from elearn.links import external_url
from elearn.mail import send_email


def send_confirmation(user) -> None:
    send_email(
        to=user.email,
        language=user.preferred_language,
        subject=_l("Confirm your email address"),
        template="confirm_email",
        user=user,
        link=external_url("accounts.confirm_email", token=services.email_confirmation_token(user)),
        days=current_app.config["UNCONFIRMED_ACCOUNT_DAYS"],
    )


def send_already_registered(user) -> None:
    """Someone registered with an address that has an account: tell its owner, nobody else."""
    send_email(
        to=user.email,
        language=user.preferred_language,
        subject=_l("Someone tried to register with your email address"),
        template="already_registered",
        user=user,
        sign_in=external_url("accounts.sign_in"),
        reset=external_url("accounts.forgot_password"),
    )


def send_password_reset(user) -> None:
    send_email(
        to=user.email,
        language=user.preferred_language,
        subject=_l("Reset your password"),
        template="reset_password",
        user=user,
        link=external_url("accounts.reset_password", token=services.password_reset_token(user)),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def send_sign_in_alert(user) -> None:
    """Many wrong passwords for this account from unknown browsers: tell its owner, once."""
    send_email(
        to=user.email,
        language=user.preferred_language,
        subject=_l("Someone is trying to sign in to your account"),
        template="sign_in_alert",
        user=user,
        reset=external_url("accounts.forgot_password"),
    )


def send_email_change(user, new_email: str, token: str) -> None:
    """Ask the new address to confirm, and tell the old one that a change was asked for."""
    send_email(
        to=new_email,
        language=user.preferred_language,
        subject=_l("Confirm your new email address"),
        template="confirm_email_change",
        user=user,
        link=external_url("accounts.confirm_email_change", token=token),
        hours=current_app.config["EMAIL_CHANGE_MAX_AGE"] // 3600,
    )
    send_email(
        to=user.email,
        language=user.preferred_language,
        subject=_l("A change of your email address was requested"),
        template="email_change_notice",
        user=user,
        new_email=mask_email(new_email),
        reset=external_url("accounts.forgot_password"),
    )


def mask_email(address: str) -> str:
    """'maria.pop@example.org' -> 'm***@example.org': enough for the owner to recognise it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
