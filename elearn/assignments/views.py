"""Managers assign courses and paths within their tree, follow who has met them, and remove
them; administrators anywhere."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.assignments import bp, queries, services
from elearn.assignments.forms import AssignmentForm
from elearn.certificates.services import today
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.organisations.models import Organisation
from elearn.organisations.services import can_manage
from elearn.users.forms import ConfirmForm

MANAGERS = (Role.MANAGER, Role.ADMIN)


def _managed_or_403(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not can_manage(current_user, organisation.id):
        abort(403)
    return organisation


def _assignment_or_404(organisation: Organisation, assignment_id: int):
    return queries.assignment_within(organisation.id, assignment_id) or abort(404)


def _what_titles(assignments) -> dict[int, str]:
    return queries.course_titles(
        [assignment.course_id for assignment in assignments if assignment.course_id],
        current_language(),
    )


@bp.get("/organisations/<int:organisation_id>/assignments")
@roles_required(*MANAGERS)
def list_assignments(organisation_id: int):
    """The assignments made here and below, each with its people, met and overdue."""
    organisation = _managed_or_403(organisation_id)
    page = db.paginate(
        queries.assignments_below(organisation.id), per_page=queries.PER_PAGE, error_out=False
    )
    return render_template(
        "assignments/list.html",
        organisation=organisation,
        page=page,
        counts=queries.counts([assignment.id for assignment in page.items], today()),
        titles=_what_titles(page.items),
        language=current_language(),
    )


def _form(organisation: Organisation) -> AssignmentForm:
    language = current_language()
    return AssignmentForm(
        courses=queries.course_choices(language),
        paths=queries.path_choices(language),
        cohorts=queries.cohort_choices(organisation.id),
        organisations=queries.organisation_choices(organisation.id),
    )


@bp.route("/organisations/<int:organisation_id>/assignments/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_assignment(organisation_id: int):
    organisation = _managed_or_403(organisation_id)
    form = _form(organisation)
    if form.validate_on_submit():
        try:
            assigned = services.assign(organisation, by=current_user, **form.chosen())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Assigned to %(num)d person.", "Assigned to %(num)d people.", assigned.people
                ),
                "success",
            )
            return redirect(
                url_for(
                    "assignments.assignment",
                    organisation_id=organisation.id,
                    assignment_id=assigned.assignment.id,
                )
            )
    status = 400 if form.errors else 200
    return render_template("assignments/new.html", organisation=organisation, form=form), status


@bp.get("/organisations/<int:organisation_id>/assignments/<int:assignment_id>")
@roles_required(*MANAGERS)
def assignment(organisation_id: int, assignment_id: int):
    """One assignment's people, a page at a time, with their due dates and states."""
    organisation = _managed_or_403(organisation_id)
    found = _assignment_or_404(organisation, assignment_id)
    page = db.paginate(queries.people_of(found.id), per_page=queries.PER_PAGE, error_out=False)
    day = today()
    return render_template(
        "assignments/assignment.html",
        organisation=organisation,
        assignment=found,
        page=page,
        counts=queries.counts([found.id], day).get(found.id, queries.Counts()),
        states={row.id: queries.state(row, day) for row in page.items},
        titles=queries.course_titles({row.course_id for row in page.items}, current_language()),
        what=_what_titles([found]),
        language=current_language(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/organisations/<int:organisation_id>/assignments/<int:assignment_id>/remove")
@roles_required(*MANAGERS)
def remove_assignment(organisation_id: int, assignment_id: int):
    organisation = _managed_or_403(organisation_id)
    found = _assignment_or_404(organisation, assignment_id)
    try:
        services.remove_assignment(found, by=current_user)
    except DomainError as error:
        flash(str(error.message), "error")
        abort(403)
    db.session.commit()
    flash(_("The assignment has been removed. The learners keep their progress."), "success")
    return redirect(url_for("assignments.list_assignments", organisation_id=organisation.id))
