"""The page an invitation's link opens (public: the link's secret is the key).

- Not signed in, no account for the address: a registration form with the address fixed and
  what the organisation gave prefilled; the new account joins at once.
- Not signed in, an account exists: sign in first (the sign-in page brings them back here).
- Signed in as the invited address: "Join <organisation>?", saying when they will move.
- Signed in as someone else: told so; nothing changes.
- Expired, withdrawn or used: told so; nothing changes.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from elearn.access import public
from elearn.accounts.services import user_by_email
from elearn.accounts.views import start_session
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.forms import show_domain_error
from elearn.invitations import acceptance, bp
from elearn.invitations.acceptance import InvitationProblem, WrongPerson
from elearn.invitations.forms import InvitedRegistrationForm, JoinForm
from elearn.organisations.models import Organisation


def _other(title: str, message: str, status: int, link=None):
    return render_template(
        "invitations/accept_other.html", title=title, message=message, link=link
    ), status


def _cannot_be_used(message: str, status: int):
    return _other(_("This invitation cannot be used"), message, status)


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_ADDRESS"], methods=["POST"])
def accept(secret: str):
    invitation = acceptance.invitation_for(secret)
    if invitation is None:
        return _cannot_be_used(
            _("This link is not valid. Check that you opened the whole address from the email."),
            404,
        )
    try:
        acceptance.check_open(invitation)
    except InvitationProblem as problem:
        return _cannot_be_used(str(problem.message), 410)
    organisation = db.session.get(Organisation, invitation.organisation_id)
    if current_user.is_authenticated:
        return _join(invitation, organisation)
    if "language" not in session:  # speak the invitation's language until they choose
        session["language"] = invitation.language
        refresh()
    if user_by_email(invitation.email) is not None:
        return _other(
            _("Sign in to join %(organisation)s", organisation=organisation.name),
            _("You already have an account with this email address: sign in, and accept."),
            200,
            link=(url_for("accounts.sign_in", next=request.path), _("Sign in")),
        )
    return _register(invitation, organisation)


def _join(invitation, organisation):
    """The signed-in person accepts with their account, if it is the invited address."""
    if current_user.email != invitation.email:
        return _other(
            _("This invitation is for another email address"),
            _(
                "You are signed in as %(email)s, and the invitation was sent to another "
                "address. Nothing has changed. Sign out, then open the link again.",
                email=current_user.email,
            ),
            403,
        )
    form = JoinForm()
    if form.validate_on_submit():
        try:
            acceptance.accept_as_member(invitation, current_user)
        except (InvitationProblem, WrongPerson) as problem:
            db.session.rollback()
            return _cannot_be_used(str(problem.message), 410)
        db.session.commit()
        flash(_("You are now a member of %(name)s.", name=organisation.name), "success")
        return redirect(url_for("core.home"))
    moving_from = current_user.organisation if current_user.organisation_id else None
    if moving_from is not None and moving_from.id == organisation.id:
        moving_from = None
    return render_template(
        "invitations/accept_join.html",
        invitation=invitation,
        organisation=organisation,
        moving_from=moving_from,
        form=form,
    )


def _register(invitation, organisation):
    """Someone without an account registers from the invitation and joins."""
    form = InvitedRegistrationForm(
        email=invitation.email,
        data={
            "full_name": invitation.full_name,
            "profession": invitation.profession or "",
            "county": invitation.county or "",
            "preferred_language": invitation.language,
        },
    )
    if form.validate_on_submit():
        try:
            user = acceptance.accept_as_new_person(
                invitation,
                full_name=form.full_name.data,
                password=form.password.data,
                profession=form.profession.data,
                county=form.county.data,
                preferred_language=form.preferred_language.data,
            )
        except InvitationProblem as problem:
            db.session.rollback()
            return _cannot_be_used(str(problem.message), 410)
        except DomainError as error:  # the address got an account a moment ago
            db.session.rollback()
            show_domain_error(form, error)
        else:
            start_session(user)
            db.session.commit()
            welcome = _("Welcome! You are now a member of %(name)s.", name=organisation.name)
            flash(welcome, "success")
            return redirect(url_for("core.home"))
    return render_template(
        "invitations/accept_register.html",
        invitation=invitation,
        organisation=organisation,
        form=form,
    )
