"""Administrators manage organisations; managers see the people of their own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.organisations import services
from elearn.organisations.forms import OrganisationForm
from elearn.organisations.models import Organisation
from elearn.users.forms import ROLE_LABELS, ConfirmForm, PeopleSearchForm
from elearn.users.services import people_query

bp = Blueprint("organisations", __name__)

PER_PAGE = 50


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _fields(form: OrganisationForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "county": form.county.data}


@bp.get("/admin/organisations/")
@roles_required(Role.ADMIN)
def list_organisations():
    rows = services.organisations_with_member_counts()
    return render_template("organisations/list.html", rows=rows)


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(**_fields(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s has been added.", name=organisation.name), "success")
            return redirect(url_for("organisations.list_organisations"))
    return render_template("organisations/edit.html", form=form, organisation=None)


@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_organisation(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, **_fields(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("organisations.list_organisations"))
    return render_template(
        "organisations/edit.html", form=form, organisation=organisation, confirm_form=ConfirmForm()
    )


@bp.post("/admin/organisations/<int:organisation_id>/delete")
@roles_required(Role.ADMIN)
def delete_organisation(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    name = organisation.name
    try:
        services.delete_organisation(organisation)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("organisations.edit_organisation", organisation_id=organisation_id))
    db.session.commit()
    flash(_("%(name)s has been deleted.", name=name), "success")
    return redirect(url_for("organisations.list_organisations"))


@bp.get("/organisations/<int:organisation_id>/people")
@roles_required(Role.MANAGER, Role.ADMIN)
def members(organisation_id: int):
    """A manager sees the people of their own organisation; an administrator, of any."""
    organisation = _organisation_or_404(organisation_id)
    if not current_user.has_role(Role.ADMIN) and current_user.organisation_id != organisation.id:
        abort(403)
    form = PeopleSearchForm(request.args)
    form.validate()
    query = people_query(search=form.q.data or "", organisation_id=organisation.id, status="active")
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template(
        "organisations/members.html",
        organisation=organisation,
        form=form,
        page=page,
        role_labels=ROLE_LABELS,
    )
