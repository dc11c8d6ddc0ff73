"""Administrators' pages for people: search, roles, organisation, deactivation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role, User
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.mfa.services import has_second_factor
from elearn.mfa.services import reset as reset_factor
from elearn.users import services
from elearn.users.forms import (
    ROLE_DESCRIPTIONS,
    ROLE_LABELS,
    ConfirmForm,
    PeopleSearchForm,
    UserAccessForm,
)

bp = Blueprint("users", __name__, url_prefix="/admin/people")

PER_PAGE = 50


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get("/")
@roles_required(Role.ADMIN)
def list_users():
    form = PeopleSearchForm(request.args)
    form.validate()
    query = services.people_query(
        search=form.q.data or "",
        role=form.role.data or "",
        organisation_id=form.organisation.data if form.organisation.data != -1 else None,
        status=form.status.data or "",
    )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("users/list.html", form=form, page=page, role_labels=ROLE_LABELS)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserAccessForm(obj=user)
    if not form.is_submitted():
        form.roles.data = [role.value for role in user.roles]
        form.organisation_id.data = user.organisation_id or 0
    if form.validate_on_submit():
        try:
            services.set_roles(user, {Role(r) for r in form.roles.data}, granted_by=current_user)
            services.set_organisation(user, form.organisation_id.data, by=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes to %(name)s have been saved.", name=user.full_name), "success")
            return redirect(url_for("users.edit_user", user_id=user.id))
    return render_template(
        "users/edit.html",
        user=user,
        form=form,
        confirm_form=ConfirmForm(),
        role_labels=ROLE_LABELS,
        role_descriptions=ROLE_DESCRIPTIONS,
        has_second_factor=has_second_factor(user),
    )


@bp.post("/<int:user_id>/deactivate")
@roles_required(Role.ADMIN)
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.deactivate(user, by=current_user)
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s can no longer sign in.", name=user.full_name), "success")
    return redirect(url_for("users.edit_user", user_id=user.id))


@bp.post("/<int:user_id>/reactivate")
@roles_required(Role.ADMIN)
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.reactivate(user, by=current_user)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.full_name), "success")
    return redirect(url_for("users.edit_user", user_id=user.id))


@bp.post("/<int:user_id>/reset-second-factor")
@roles_required(Role.ADMIN)
def reset_second_factor(user_id: int):
    """For a lost phone: the person sets up a new second factor at their next sign-in."""
    user = _user_or_404(user_id)
    reset_factor(user, by=current_user)
    db.session.commit()
    flash(_("The second factor of %(name)s has been removed.", name=user.full_name), "success")
    return redirect(url_for("users.edit_user", user_id=user.id))
