"""The managers' invitation pages: the list with each invitation's state, inviting one person,
sending again and withdrawing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.cohorts import services as cohorts
from elearn.cohorts.views import managed_organisation_or_403
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.invitations import bp, services
from elearn.invitations.forms import NO_COHORT, InvitationFilterForm, InviteForm
from elearn.invitations.spreadsheet import N_
from elearn.users.forms import ConfirmForm

PER_PAGE = 50
MANAGERS = (Role.MANAGER, Role.ADMIN)


def _to_list(organisation_id: int):
    return redirect(url_for("invitations.list_invitations", organisation_id=organisation_id))


@bp.get("/organisations/<int:organisation_id>/invitations/")
@roles_required(*MANAGERS)
def list_invitations(organisation_id: int):
    organisation = managed_organisation_or_403(organisation_id)
    form = InvitationFilterForm(request.args)
    form.validate()
    query = services.invitations_query(
        organisation.id,
        state="" if form.state.errors else form.state.data or "",
        search="" if form.q.errors else form.q.data or "",
    )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template(
        "invitations/list.html",
        organisation=organisation,
        form=form,
        page=page,
        cohort_names=cohorts.names_by_id(invitation.cohort_id for invitation in page.items),
        counts=services.state_counts(organisation.id),
        now=utcnow(),
        action_form=ConfirmForm(),
    )


_OUTCOMES = {
    "invited": N_("The invitation has been sent to %(email)s."),
    "renewed": N_("The expired invitation to %(email)s has been renewed and sent again."),
    "member": N_("%(email)s is already a member here: nobody was invited."),
    "cohort": N_("%(email)s is already a member here and has been added to the cohort."),
}


@bp.route("/organisations/<int:organisation_id>/invitations/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def invite(organisation_id: int):
    """Invite one person (by email, into the organisation and perhaps a cohort)."""
    organisation = managed_organisation_or_403(organisation_id)
    form = InviteForm(cohorts=cohorts.cohort_choices(organisation.id))
    if not form.is_submitted():
        form.language.data = current_language()
        form.cohort_id.data = request.args.get("cohort_id", NO_COHORT, type=int)
    if form.validate_on_submit():
        cohort = cohorts.cohort_of(organisation.id, form.cohort_id.data)
        try:
            done = services.invite_person(
                organisation.id,
                full_name=form.full_name.data,
                email=form.email.data,
                profession=form.profession.data,
                county=form.county.data,
                cohort=cohort,
                language=form.language.data,
                by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_(_OUTCOMES[done.outcome], email=form.email.data), "success")
            return _to_list(organisation.id)
    return render_template("invitations/invite.html", organisation=organisation, form=form)


def _act(organisation_id: int, invitation_id: int, action, message: str):
    organisation = managed_organisation_or_403(organisation_id)
    invitation = services.invitation_of(organisation.id, invitation_id) or abort(404)
    try:
        action(invitation, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message % {"email": invitation.email}, "success")
    return _to_list(organisation.id)


@bp.post("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/resend")
@roles_required(*MANAGERS)
def resend(organisation_id: int, invitation_id: int):
    return _act(
        organisation_id,
        invitation_id,
        services.resend,
        _("The invitation has been sent again to %(email)s, with a new link."),
    )


@bp.post("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke")
@roles_required(*MANAGERS)
def revoke(organisation_id: int, invitation_id: int):
    return _act(
        organisation_id,
        invitation_id,
        services.revoke,
        _("The invitation to %(email)s has been withdrawn: its link no longer works."),
    )
