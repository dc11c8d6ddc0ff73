"""Managers follow the people of their organisation and of those below it: members, requests
to join (one by one or together), each member's learning, extra attempts and time."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role, User
from elearn.certificates.services import certificates_of, today
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.services import learning_overview
from elearn.learning.summary import summaries_of
from elearn.organisations import bp, services, tree
from elearn.organisations.forms import MembersFilterForm, RequestsForm
from elearn.organisations.models import Organisation
from elearn.quizzes import allowances
from elearn.quizzes import services as quizzes
from elearn.quizzes.forms import member_allowance_form
from elearn.users.forms import ROLE_LABELS, ConfirmForm
from elearn.users.services import members_query

PER_PAGE = 50


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _managed_organisation_or_403(organisation_id: int) -> Organisation:
    organisation = _organisation_or_404(organisation_id)
    if not services.can_manage(current_user, organisation.id):
        abort(403)
    return organisation


@bp.get("/organisations/<int:organisation_id>/people")
@roles_required(Role.MANAGER, Role.ADMIN)
def members(organisation_id: int):
    """The confirmed members of an organisation with their progress, the organisations below
    it, and the requests to join it; for its managers (and those above) and administrators."""
    organisation = _managed_organisation_or_403(organisation_id)
    form = MembersFilterForm(request.args)
    form.validate()
    confirmed = members_query(organisation.id, confirmed=True, search=form.q.data or "")
    if form.profession.data and not form.profession.errors:
        confirmed = confirmed.where(User.profession == form.profession.data)
    page = db.paginate(confirmed, per_page=PER_PAGE, error_out=False)
    pending = db.session.scalars(members_query(organisation.id, confirmed=False).limit(100)).all()
    return render_template(
        "organisations/members.html",
        organisation=organisation,
        lineage=_visible_lineage(organisation),
        below=tree.tree(organisation.id)[1:],
        counts=services.member_counts(),
        form=form,
        page=page,
        progress=summaries_of([person.id for person in page.items]),
        pending=pending,
        requests_form=RequestsForm(),
        confirm_form=ConfirmForm(),
        role_labels=ROLE_LABELS,
    )


@bp.post("/organisations/<int:organisation_id>/people/requests")
@roles_required(Role.MANAGER, Role.ADMIN)
def decide_requests(organisation_id: int):
    """Confirm or refuse several requests to join at once: all of them, or none if one of
    them is not a pending request to this organisation."""
    organisation = _managed_organisation_or_403(organisation_id)
    pending = db.session.scalars(members_query(organisation.id, confirmed=False)).all()
    form = RequestsForm()
    form.person.choices = [(person.id, person.full_name) for person in pending]
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("organisations.members", organisation_id=organisation.id))
    chosen = [person for person in pending if person.id in set(form.person.data)]
    action = (
        services.confirm_membership
        if form.decision.data == "confirm"
        else services.reject_membership
    )
    for person in chosen:
        action(person, organisation.id, by=current_user)
    db.session.commit()
    if form.decision.data == "confirm":
        message = ngettext(
            "%(num)d person is now a confirmed member.",
            "%(num)d people are now confirmed members.",
            len(chosen),
        )
    else:
        message = ngettext(
            "%(num)d request has been refused.", "%(num)d requests have been refused.", len(chosen)
        )
    flash(message, "success")
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


def _visible_lineage(organisation: Organisation) -> list[Organisation]:
    """The organisations above this one that the reader may open, for the breadcrumb."""
    above = tree.lineage(organisation.id)[:-1]
    if current_user.has_role(Role.ADMIN):
        return above
    ids = [item.id for item in above]
    own = current_user.confirmed_organisation_id
    return above[ids.index(own) :] if own in ids else []


def _membership_action(organisation_id: int, user_id: int, action, message: str):
    organisation = _organisation_or_404(organisation_id)
    member = db.session.get(User, user_id) or abort(404)
    try:
        action(member, organisation.id, by=current_user)
    except DomainError as error:
        db.session.commit()  # the refusal is in the audit log
        flash(str(error.message), "error")
        abort(403)
    db.session.commit()
    flash(message % {"name": member.full_name}, "success")
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/people/<int:user_id>/confirm")
@roles_required(Role.MANAGER, Role.ADMIN)
def confirm_member(organisation_id: int, user_id: int):
    return _membership_action(
        organisation_id,
        user_id,
        services.confirm_membership,
        _("%(name)s is now a confirmed member."),
    )


@bp.post("/organisations/<int:organisation_id>/people/<int:user_id>/remove")
@roles_required(Role.MANAGER, Role.ADMIN)
def remove_member(organisation_id: int, user_id: int):
    return _membership_action(
        organisation_id,
        user_id,
        services.reject_membership,
        _("%(name)s is no longer linked to this organisation."),
    )


@bp.get("/organisations/<int:organisation_id>/people/<int:user_id>/learning")
@roles_required(Role.MANAGER, Role.ADMIN)
def member_learning(organisation_id: int, user_id: int):
    """A confirmed member's courses, progress and quiz attempts, for their managers."""
    organisation = _managed_organisation_or_403(organisation_id)
    member = _confirmed_member_or_404(organisation, user_id)
    return _render_member_learning(organisation, member)


@bp.post("/organisations/<int:organisation_id>/people/<int:user_id>/allowance")
@roles_required(Role.MANAGER, Role.ADMIN)
def grant_allowance(organisation_id: int, user_id: int):
    """Extra attempts or time (WCAG 2.2.1) on one of a member's quizzes."""
    organisation = _managed_organisation_or_403(organisation_id)
    member = _confirmed_member_or_404(organisation, user_id)
    entries = learning_overview(member)
    form = member_allowance_form([enrolment for enrolment, _progress in entries])
    if not form.validate_on_submit():
        return _render_member_learning(organisation, member, entries, form, 400)
    enrolment_id, quiz_key = form.quiz.data.split("/", 1)
    enrolment = next(e for e, _progress in entries if e.id == int(enrolment_id))
    allowances.grant_allowance(
        enrolment,
        quiz_key,
        extra_attempts=form.extra_attempts.data,
        extra_minutes=form.extra_minutes.data,
        by_id=current_user.id,
    )
    db.session.commit()
    flash(_("The extra attempts and time have been granted."), "success")
    return redirect(
        url_for("organisations.member_learning", organisation_id=organisation.id, user_id=member.id)
    )


def _render_member_learning(organisation, member, entries=None, form=None, status=200):
    entries = learning_overview(member) if entries is None else entries
    enrolments = [enrolment for enrolment, _progress in entries]
    return render_template(
        "organisations/member_learning.html",
        organisation=organisation,
        member=member,
        entries=entries,
        attempts=quizzes.attempts_of(enrolments),
        allowances=allowances.allowances_of(enrolments),
        certificates=certificates_of(member),
        today=today(),
        form=form or member_allowance_form(enrolments),
    ), status


def _confirmed_member_or_404(organisation: Organisation, user_id: int) -> User:
    member = db.session.get(User, user_id)
    if member is None or member.confirmed_organisation_id != organisation.id:
        abort(404)
    return member
