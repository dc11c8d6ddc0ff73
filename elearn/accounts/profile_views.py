"""A person's own account: profile, password and email address."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import public, signed_in
from elearn.accounts import bp, emails, services
from elearn.accounts.forms import ChangeEmailForm, ChangePasswordForm, ProfileForm
from elearn.accounts.models import Role
from elearn.accounts.services import TokenProblem
from elearn.accounts.views import profile_fields, start_session
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.forms import show_domain_error
from elearn.mfa.services import has_second_factor


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def profile():
    form = ProfileForm(obj=current_user, manager=current_user.has_role(Role.MANAGER))
    if not form.is_submitted():
        form.organisation_id.data = current_user.organisation_id or 0
    if form.validate_on_submit():
        digest = form.weekly_digest.data if "weekly_digest" in form else None
        try:
            services.update_profile(current_user, **profile_fields(form), weekly_digest=digest)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, has_second_factor=has_second_factor(current_user)
    )


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
            # The new session generation signs out every other device; keep this one.
            start_session(current_user._get_current_object())
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@signed_in
@limiter.limit("5 per hour", key_func=lambda: f"email-change:{current_user.id}", methods=["POST"])
def change_email():
    """Ask for a new address: confirmed from the new inbox, announced to the old one."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            token = services.request_email_change(
                current_user, new_email=form.email.data, password=form.password.data
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            emails.send_email_change(current_user, form.email.data, token)
            return render_template("accounts/check_email.html", email=form.email.data)
    return render_template("accounts/change_email.html", form=form)


@bp.get("/account/email/confirm/<token>")
@public
def confirm_email_change(token: str):
    try:
        services.confirm_email_change(token)
    except TokenProblem as problem:
        return render_template("accounts/link_problem.html", message=problem.message), 400
    db.session.commit()
    flash(_("Your email address has been changed."), "success")
    return redirect(url_for("accounts.profile"))
