"""The pages where managers and administrators make, list and revoke their personal access
tokens for the read-only API (docs/api.md)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.api import services, tokens_bp
from elearn.api.forms import CreateTokenForm, RevokeTokenForm
from elearn.certificates.services import today
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error


def _create_form() -> CreateTokenForm:
    nodes = services.manageable(current_user)
    form = CreateTokenForm(
        organisations=[(n.organisation.id, "— " * n.depth + n.organisation.name) for n in nodes]
    )
    if not form.is_submitted():
        form.expires_on.data = today() + timedelta(days=services.DEFAULT_DAYS)
        if len(nodes) == 1 or (nodes and not current_user.has_role(Role.ADMIN)):
            form.organisations.data = [nodes[0].organisation.id]
    return form


def _page(form: CreateTokenForm, status: int = 200):
    page = render_template(
        "api/tokens.html",
        form=form,
        tokens=services.tokens_of(current_user),
        revoke_form=RevokeTokenForm(),
        now=utcnow(),
        max_days=services.MAX_DAYS,
    )
    return page, status


@tokens_bp.get("/account/api-tokens")
@roles_required(Role.MANAGER, Role.ADMIN)
def list_tokens():
    """One's tokens (never their secrets), and the form to make one."""
    return _page(_create_form())


@tokens_bp.post("/account/api-tokens")
@roles_required(Role.MANAGER, Role.ADMIN)
def create_token():
    """Make a token and show its secret, this once (not stored, not in any address)."""
    form = _create_form()
    if form.validate_on_submit():
        try:
            token, secret = services.create_token(
                current_user,
                name=form.name.data,
                organisation_ids=form.organisations.data,
                expires_on=form.expires_on.data,
                today=today(),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            return render_template("api/token_created.html", token=token, secret=secret)
    return _page(form, 400)


@tokens_bp.post("/account/api-tokens/<int:token_id>/revoke")
@roles_required(Role.MANAGER, Role.ADMIN)
def revoke_token(token_id: int):
    """Revoke one of one's own tokens; it stops working at once."""
    token = services.own_token(current_user, token_id) or abort(404)
    if RevokeTokenForm().validate_on_submit():
        services.revoke_token(token, by_id=current_user.id)
        db.session.commit()
        flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("tokens.list_tokens"))
