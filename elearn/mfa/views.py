"""A person sets up their second factor and renews their recovery codes."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, url_for
from flask_login import current_user

from elearn.access import signed_in
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.forms import show_domain_error
from elearn.mfa import services
from elearn.mfa.forms import CodeForm, StartForm

bp = Blueprint("mfa", __name__, url_prefix="/account/second-factor")


@bp.get("/")
@signed_in
def setup():
    factor = services.second_factor_of(current_user)
    context = {"factor": factor, "code_form": CodeForm(), "start_form": StartForm()}
    if factor is not None and factor.confirmed_at is None:
        uri = services.provisioning_uri(current_user, factor)
        context.update(qr_svg=services.qr_svg(uri), secret=factor.secret)
    elif factor is not None:
        context["codes_left"] = services.unused_recovery_codes(current_user)
    return render_template("mfa/setup.html", **context)


@bp.post("/start")
@signed_in
def start():
    try:
        services.start_setup(current_user)
    except DomainError:
        return redirect(url_for("mfa.setup"))
    db.session.commit()
    return redirect(url_for("mfa.setup"))


@bp.post("/confirm")
@signed_in
def confirm():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = services.confirm_setup(current_user, form.code.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            return render_template("mfa/recovery_codes.html", codes=codes, first_time=True)
    factor = services.second_factor_of(current_user)
    if factor is None or factor.confirmed_at is not None:
        return redirect(url_for("mfa.setup"))
    uri = services.provisioning_uri(current_user, factor)
    return render_template(
        "mfa/setup.html",
        factor=factor,
        code_form=form,
        start_form=StartForm(),
        qr_svg=services.qr_svg(uri),
        secret=factor.secret,
    )


def _second_factor_key() -> str:
    # The same counter as the second step of signing in (elearn/accounts/views.py).
    return f"second-factor:{current_user.id}"


@bp.post("/recovery-codes")
@signed_in
@limiter.limit(
    lambda: current_app.config["SECOND_FACTOR_LIMIT"],
    key_func=_second_factor_key,
    deduct_when=lambda response: g.get("wrong_code", False),
)
def renew_codes():
    """Wrong codes count against the person's second-factor limit, like signing in."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = services.renew_recovery_codes(current_user, form.code.data)
        except DomainError as error:
            g.wrong_code = True
            db.session.commit()  # the audit log keeps the failed attempt
            show_domain_error(form, error)
        else:
            db.session.commit()
            return render_template("mfa/recovery_codes.html", codes=codes, first_time=False)
    factor = services.second_factor_of(current_user)
    if factor is None or factor.confirmed_at is None:
        return redirect(url_for("mfa.setup"))
    return render_template(
        "mfa/setup.html",
        factor=factor,
        code_form=form,
        start_form=StartForm(),
        codes_left=services.unused_recovery_codes(current_user),
    )
