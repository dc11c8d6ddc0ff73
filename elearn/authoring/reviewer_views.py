"""Administrators give trainers the reviewer right (review and publish their organisation's
course drafts) and take it back."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.authoring import bp, review
from elearn.authoring.review_forms import ReviewerForm, RevokeReviewerForm
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error


@bp.get("/manage/reviewers")
@roles_required(Role.ADMIN)
def reviewers():
    return _render(ReviewerForm())


def _render(form: ReviewerForm, status: int = 200):
    return render_template(
        "authoring/reviewers.html",
        form=form,
        holders=review.reviewer_rights(),
        revoke_form=RevokeReviewerForm(formdata=None),
    ), status


@bp.post("/manage/reviewers/grant")
@roles_required(Role.ADMIN)
def grant_reviewer():
    form = ReviewerForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    try:
        user = review.grant_reviewer(form.email.data, by_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return _render(form, 400)
    db.session.commit()
    flash(_("%(name)s can now review course drafts.", name=user.full_name), "success")
    return redirect(url_for("authoring.reviewers"))


@bp.post("/manage/reviewers/revoke")
@roles_required(Role.ADMIN)
def revoke_reviewer():
    form = RevokeReviewerForm()
    if form.validate_on_submit():
        try:
            user = review.revoke_reviewer(form.email.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s no longer reviews course drafts.", name=user.full_name), "success")
    else:
        flash(_("The form had expired; please try again."), "error")
    return redirect(url_for("authoring.reviewers"))
