"""Registering, confirming an email address, signing in and out, resetting a password."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from elearn.access import public, signed_in
from elearn.accounts import bp, emails, services, sessions, throttle
from elearn.accounts.forms import (
    ForgotPasswordForm,
    RegistrationForm,
    ResetPasswordForm,
    SecondFactorForm,
    SignInForm,
)
from elearn.accounts.models import Role, User
from elearn.accounts.services import TokenProblem
from elearn.audit.services import record
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.mfa.services import has_second_factor, verify
from elearn.privacy.notice import accept_notice
from elearn.security import is_safe_redirect

# A password accepted for an account with a second factor waits this long for the code.
_PENDING_SECONDS = 300
# Kept across the fresh session that signing in starts.
_KEPT_IN_SESSION = ("language", "draft_path")


def _email_key() -> str:
    """Rate-limit key for the account an anonymous form is about."""
    return "account:" + request.form.get("email", "").strip().lower()


def _pending_key() -> str:
    return "second-factor:" + str(session.get("pending_sign_in", {}).get("user", ""))


def _failed(response) -> bool:
    """A sign-in or reset attempt counts against the limits unless it succeeded."""
    return response.status_code not in (302, 303)


def _limit(setting: str):
    return lambda: current_app.config[setting]


def profile_fields(form) -> dict:
    return {
        "full_name": form.full_name.data,
        "profession": form.profession.data,
        "county": form.county.data,
        "preferred_language": form.preferred_language.data,
        "organisation_id": form.organisation_id.data,
    }


def start_session(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on a fresh session, keeping only the language and a pending draft.

    Opens the session's server-side record (flushed: the caller commits).
    """
    kept = {key: session[key] for key in _KEPT_IN_SESSION if key in session}
    session.clear()
    session.update(kept)
    user.session_record = sessions.open_session(user, remember=remember)
    login_user(user, remember=remember)


def end_session() -> None:
    """Sign the current person out here and on the server (the caller commits)."""
    language = current_user.preferred_language
    sessions.end_session(current_user.session_record)
    logout_user()
    session.clear()
    session["language"] = language
    session["_remember"] = "clear"  # Flask-Login then deletes a "keep me signed in" cookie


def _next_url(user: User | None = None) -> str:
    """The safe ``next`` the sign-in page was given, else where ``user`` (by default the one
    signed in) lands."""
    target = request.args.get("next")
    return target if is_safe_redirect(target) else _landing(user or current_user)


def _landing(user) -> str:
    """A learner lands on My learning, where their courses and path are; anyone who also
    trains, manages or administers lands on the home page, as before."""
    if user.is_authenticated and not user.has_role(Role.TRAINER, Role.MANAGER, Role.ADMIN):
        return url_for("learning.my_learning")
    return url_for("core.home")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_limit("REGISTER_LIMIT_PER_ADDRESS"), methods=["POST"])
# Each registration mails the address; this keeps anyone from flooding someone's inbox.
@limiter.limit(_limit("RESET_LIMIT_PER_ACCOUNT"), key_func=_email_key, methods=["POST"])
def register():
    """Create an account, or tell the owner of an address that already has one; the page
    answers the same either way, so nobody learns who has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegistrationForm()
    if not form.is_submitted():
        form.preferred_language.data = current_language()
    if not form.validate_on_submit():
        return render_template("accounts/register.html", form=form)
    try:
        user = services.register_user(
            email=form.email.data, password=form.password.data, **profile_fields(form)
        )
    except DomainError as error:
        if error.field != "email":
            show_domain_error(form, error)
            return render_template("accounts/register.html", form=form)
        db.session.rollback()
        emails.send_already_registered(services.user_by_email(form.email.data))
    else:
        accept_notice(user)
        db.session.commit()
        emails.send_confirmation(user)
    return render_template("accounts/check_email.html", email=form.email.data)


@bp.get("/confirm/<token>")
@public
def confirm_email(token: str):
    try:
        user = services.confirm_email(token)
    except TokenProblem as problem:
        return render_template("accounts/link_problem.html", message=problem.message), 400
    db.session.commit()
    flash(_("Thank you: your email address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.sign_in"))


@bp.post("/account/confirm/resend")
@signed_in
@limiter.limit("3 per hour", key_func=lambda: f"confirm:{current_user.id}")
def resend_confirmation():
    if not current_user.email_confirmed:
        emails.send_confirmation(current_user)
        flash(_("We sent the link again to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.profile"))


def _known_device() -> bool:
    """The browser holds a device cookie for the account typed in: it has its own limit, and
    others' failures from the same (perhaps shared) address do not block it."""
    return throttle.is_known_device(
        request.form.get("email", ""), request.cookies.get(throttle.DEVICE_COOKIE)
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    _limit("SIGNIN_LIMIT_PER_ADDRESS"),
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_known_device,
)
def sign_in():
    """Failed attempts are limited per address, and per account as docs/security-accounts.md
    says: never at the expense of the owner's own browsers."""
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = SignInForm()
    if form.validate_on_submit():
        attempt = throttle.attempt_for(
            form.email.data,
            services.user_by_email(form.email.data),
            cookie=request.cookies.get(throttle.DEVICE_COOKIE),
            address=get_remote_address(),
        )
        if throttle.is_blocked(attempt):
            form.form_errors.append(
                _(
                    "Too many attempts to sign in to this account from here. Wait a while and "
                    "try again, or reset your password by email."
                )
            )
            return render_template("accounts/sign_in.html", form=form), 429
        response = _password_step(form, attempt)
        if response is not None:
            return response
    return render_template("accounts/sign_in.html", form=form)


def _password_step(form, attempt):
    """Check the password: a response when the person goes on, None to show the form again."""
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        if throttle.count_failure(attempt):
            owner = services.user_by_email(form.email.data)
            if owner is not None and owner.is_active:
                emails.send_sign_in_alert(owner)
        db.session.commit()  # the audit log keeps the failed attempt
        form.form_errors.append(_("The email address or the password is not right."))
        return None
    if not user.is_active:
        form.form_errors.append(
            _("This account has been deactivated. Contact an administrator of the platform.")
        )
        return None
    if has_second_factor(user):
        session["pending_sign_in"] = {
            "user": user.id,
            "generation": user.session_generation,
            "remember": form.remember.data,
            "next": _next_url(user),
            "at": time.time(),
        }
        db.session.commit()
        return redirect(url_for("accounts.second_factor"), code=303)
    services.record_sign_in(user)
    start_session(user, remember=form.remember.data)
    db.session.commit()
    response = redirect(_next_url(user))
    throttle.give_device_cookie(response, user.email)
    return response


def _pending_user() -> User | None:
    pending = session.get("pending_sign_in")
    if not pending or time.time() - pending.get("at", 0) > _PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.is_active or user.session_generation != pending["generation"]:
        return None
    return user


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(
    _limit("SECOND_FACTOR_LIMIT"), key_func=_pending_key, methods=["POST"], deduct_when=_failed
)
def second_factor():
    """The second step of signing in, for accounts with a second factor."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    user = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        return render_template("accounts/sign_in_expired.html")
    form = SecondFactorForm()
    if form.validate_on_submit():
        if verify(user, form.code.data):
            pending = session.pop("pending_sign_in")
            services.record_sign_in(user)
            start_session(user, remember=pending["remember"])
            db.session.commit()
            response = redirect(pending["next"] if is_safe_redirect(pending["next"]) else "/")
            throttle.give_device_cookie(response, user.email)
            return response
        record("signin.second_factor_failed", target_type="user", target_id=user.id)
        db.session.commit()
        show_domain_error(form, DomainError(_("That code is not right."), field="code"))
    return render_template("accounts/second_factor.html", form=form)


@bp.post("/sign-out")
@signed_in
def sign_out():
    """Ends the session on the server too: a copy of the cookies opens nothing afterwards."""
    end_session()
    db.session.commit()
    flash(_("You have signed out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_limit("RESET_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_ACCOUNT"), key_func=_email_key, methods=["POST"])
def forgot_password():
    """Send a reset link if the address has an account; answer the same either way."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.user_by_email(form.email.data)
        if user is not None and user.is_active:
            emails.send_password_reset(user)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except TokenProblem as problem:
        return render_template("accounts/link_problem.html", message=problem.message), 400
    form = ResetPasswordForm(known_inputs=[user.full_name, user.email])
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        # Following the emailed link proves the address is the person's own.
        if user.email_confirmed_at is None:
            services.mark_email_confirmed(user)
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/setup/<token>", methods=["GET", "POST"])
@public
def create_first_administrator(token: str):
    """The one-time page, linked from the start command, that creates the first administrator."""
    try:
        services.check_first_administrator_token(token)
    except TokenProblem as problem:
        return render_template("accounts/link_problem.html", message=problem.message), 400
    form = RegistrationForm()
    if not form.is_submitted():
        form.preferred_language.data = current_language()
    if form.validate_on_submit():
        try:
            services.claim_first_administrator()
            user = services.register_user(
                email=form.email.data,
                password=form.password.data,
                roles=(Role.LEARNER, Role.ADMIN),
                # The operator ran the start command on the server: that proves enough.
                email_confirmed=True,
                **profile_fields(form),
            )
        except TokenProblem as problem:
            db.session.rollback()
            return render_template("accounts/link_problem.html", message=problem.message), 400
        except DomainError as error:
            db.session.rollback()  # frees the claim for a corrected form
            show_domain_error(form, error)
        else:
            accept_notice(user)
            start_session(user)
            db.session.commit()
            flash(
                _("You are the platform's first administrator. Now set up a second factor."),
                "success",
            )
            return redirect(url_for("mfa.setup"))
    return render_template("accounts/first_administrator.html", form=form)
