"""Cohort pages for the managers of an organisation (and those above it) and administrators:
the list, adding, renaming and deleting a cohort, and its members."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.cohorts import bp, services
from elearn.cohorts.forms import CohortForm, CohortSearchForm, PeopleForm
from elearn.cohorts.models import Cohort
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.organisations.models import Organisation
from elearn.organisations.services import can_manage
from elearn.users.forms import ConfirmForm

PER_PAGE = 50
CANDIDATES_SHOWN = 50
MANAGERS = (Role.MANAGER, Role.ADMIN)


def managed_organisation_or_403(organisation_id: int) -> Organisation:
    """The organisation, if the reader manages it (or one above it) or is an administrator."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not can_manage(current_user, organisation.id):
        abort(403)
    return organisation


def _cohort_or_404(organisation_id: int, cohort_id: int) -> tuple[Organisation, Cohort]:
    organisation = managed_organisation_or_403(organisation_id)
    cohort = services.cohort_of(organisation.id, cohort_id) or abort(404)
    return organisation, cohort


def _to_cohort(cohort: Cohort):
    return redirect(
        url_for("cohorts.members", organisation_id=cohort.organisation_id, cohort_id=cohort.id)
    )


@bp.get("/organisations/<int:organisation_id>/cohorts/")
@roles_required(*MANAGERS)
def list_cohorts(organisation_id: int):
    organisation = managed_organisation_or_403(organisation_id)
    return render_template(
        "cohorts/list.html",
        organisation=organisation,
        cohorts=services.cohorts_with_counts(organisation.id),
    )


@bp.route("/organisations/<int:organisation_id>/cohorts/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create_cohort(organisation_id: int):
    organisation = managed_organisation_or_403(organisation_id)
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(organisation.id, form.name.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The cohort %(name)s has been added.", name=cohort.name), "success")
            return _to_cohort(cohort)
    return render_template("cohorts/edit.html", organisation=organisation, form=form, cohort=None)


@bp.route(
    "/organisations/<int:organisation_id>/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"]
)
@roles_required(*MANAGERS)
def edit_cohort(organisation_id: int, cohort_id: int):
    organisation, cohort = _cohort_or_404(organisation_id, cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        try:
            services.rename_cohort(cohort, form.name.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return _to_cohort(cohort)
    return render_template(
        "cohorts/edit.html",
        organisation=organisation,
        form=form,
        cohort=cohort,
        delete_form=ConfirmForm(),
    )


@bp.post("/organisations/<int:organisation_id>/cohorts/<int:cohort_id>/delete")
@roles_required(*MANAGERS)
def delete_cohort(organisation_id: int, cohort_id: int):
    organisation, cohort = _cohort_or_404(organisation_id, cohort_id)
    name = cohort.name
    try:
        services.delete_cohort(cohort, by_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(
            url_for("cohorts.members", organisation_id=organisation.id, cohort_id=cohort_id)
        )
    db.session.commit()
    flash(_("The cohort %(name)s has been deleted.", name=name), "success")
    return redirect(url_for("cohorts.list_cohorts", organisation_id=organisation.id))


@bp.get("/organisations/<int:organisation_id>/cohorts/<int:cohort_id>")
@roles_required(*MANAGERS)
def members(organisation_id: int, cohort_id: int):
    """The cohort's members (paged, searchable) and a search for people to add."""
    organisation, cohort = _cohort_or_404(organisation_id, cohort_id)
    search = CohortSearchForm(request.args)
    search.validate()
    page = db.paginate(
        services.members_query(cohort, search="" if search.q.errors else search.q.data or ""),
        per_page=PER_PAGE,
        error_out=False,
    )
    candidates = None
    if search.find.data and not search.find.errors:
        query = services.candidates_query(cohort, search=search.find.data)
        candidates = db.session.scalars(query.limit(CANDIDATES_SHOWN + 1)).all()
    return render_template(
        "cohorts/cohort.html",
        organisation=organisation,
        cohort=cohort,
        search=search,
        page=page,
        candidates=candidates,
        shown=CANDIDATES_SHOWN,
        people_form=PeopleForm(),
    )


@bp.post("/organisations/<int:organisation_id>/cohorts/<int:cohort_id>/members/add")
@roles_required(*MANAGERS)
def add_members(organisation_id: int, cohort_id: int):
    _organisation, cohort = _cohort_or_404(organisation_id, cohort_id)
    form = PeopleForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return _to_cohort(cohort)
    added = services.add_members(cohort, form.person.data, by_id=current_user.id)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d person has been added to the cohort.",
            "%(num)d people have been added to the cohort.",
            len(added),
        ),
        "success" if added else "info",
    )
    return _to_cohort(cohort)


@bp.post("/organisations/<int:organisation_id>/cohorts/<int:cohort_id>/members/remove")
@roles_required(*MANAGERS)
def remove_members(organisation_id: int, cohort_id: int):
    _organisation, cohort = _cohort_or_404(organisation_id, cohort_id)
    form = PeopleForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return _to_cohort(cohort)
    removed = services.remove_members(cohort, form.person.data, by_id=current_user.id)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d person has been removed from the cohort.",
            "%(num)d people have been removed from the cohort.",
            removed,
        ),
        "success",
    )
    return _to_cohort(cohort)
