"""Administrators manage organisations and arrange them in a tree."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.organisations import bp, services, tree
from elearn.organisations.forms import OrganisationForm
from elearn.organisations.models import Organisation
from elearn.users.forms import ConfirmForm


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _fields(form: OrganisationForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "county": form.county.data}


def _parents(excluding: Organisation | None = None) -> list[tuple[int, str]]:
    """The tree as choices for "Part of", indented; never the organisation itself or one
    below it (that would be a cycle)."""
    below = {node.organisation.id for node in tree.tree(excluding.id)} if excluding else set()
    return [
        (node.organisation.id, "— " * node.depth + node.organisation.name)
        for node in tree.tree()
        if node.organisation.id not in below
    ]


@bp.get("/admin/organisations/")
@roles_required(Role.ADMIN)
def list_organisations():
    return render_template(
        "organisations/list.html", nodes=tree.tree(), counts=services.member_counts()
    )


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_organisation():
    form = OrganisationForm(parents=_parents())
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(**_fields(form), by_id=current_user.id)
            tree.set_parent(organisation, form.parent_id.data or None, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
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
    form = OrganisationForm(obj=organisation, parents=_parents(excluding=organisation))
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, **_fields(form), by_id=current_user.id)
            tree.set_parent(organisation, form.parent_id.data or None, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
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
        services.delete_organisation(organisation, by_id=current_user.id)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("organisations.edit_organisation", organisation_id=organisation_id))
    db.session.commit()
    flash(_("%(name)s has been deleted.", name=name), "success")
    return redirect(url_for("organisations.list_organisations"))
