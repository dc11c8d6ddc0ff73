"""Registering, signing in and out, resetting a password, and one's own profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from elearn.access import public, signed_in
from elearn.accounts import services
from elearn.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    SignInForm,
)
from elearn.accounts.models import Role
from elearn.accounts.services import TokenProblem
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.mail import send_email
from elearn.security import is_safe_redirect

bp = Blueprint("accounts", __name__)


def _email_key() -> str:
    """Rate-limit key for the account an anonymous form is about."""
    return "account:" + request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    """A sign-in or reset attempt counts against the limits unless it succeeded."""
    return response.status_code != 302


def _limit(setting: str):
    return lambda: current_app.config[setting]


def _profile_fields(form) -> dict:
    return {
        "full_name": form.full_name.data,
        "profession": form.profession.data,
        "county": form.county.data,
        "preferred_language": form.preferred_language.data,
        "organisation_id": form.organisation_id.data,
    }


def _start_session(user, *, remember: bool = False) -> None:
    """Sign ``user`` in on a fresh session, keeping only the language chosen before."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_limit("REGISTER_LIMIT_PER_ADDRESS"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegistrationForm()
    if not form.is_submitted():
        form.preferred_language.data = current_language()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data, password=form.password.data, **_profile_fields(form)
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.full_name), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/register.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_limit("SIGNIN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=_failed)
@limiter.limit(
    _limit("SIGNIN_LIMIT_PER_ACCOUNT"), key_func=_email_key, methods=["POST"], deduct_when=_failed
)
def sign_in():
    target = request.args.get("next")
    if not is_safe_redirect(target):
        target = url_for("core.home")
    if current_user.is_authenticated:
        return redirect(target)
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email address or the password is not right."))
        elif not user.is_active:
            form.form_errors.append(
                _("This account has been deactivated. Contact an administrator of the platform.")
            )
        else:
            services.record_sign_in(user)
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            return redirect(target)
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
@signed_in
def sign_out():
    language = current_user.preferred_language
    logout_user()
    session.clear()
    session["language"] = language
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
            send_email(
                to=user.email,
                language=user.preferred_language,
                subject=_l("Reset your password"),
                template="reset_password",
                user=user,
                link=url_for(
                    "accounts.reset_password",
                    token=services.password_reset_token(user),
                    _external=True,
                ),
                minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
            )
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
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def profile():
    form = ProfileForm(obj=current_user)
    if not form.is_submitted():
        form.organisation_id.data = current_user.organisation_id or 0
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, **_profile_fields(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm(known_inputs=[current_user.full_name, current_user.email])
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.password.data,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            # The new session generation signs out every other device; keep this one.
            _start_session(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


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
            user = services.register_user(
                email=form.email.data,
                password=form.password.data,
                roles=(Role.LEARNER, Role.ADMIN),
                **_profile_fields(form),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("You are the platform's first administrator."), "success")
            return redirect(url_for("users.list_users"))
    return render_template("accounts/first_administrator.html", form=form)
