"""Review of a draft: ask for it, read the changes, sign off languages, approve or send
back, publish. Someone who may read the draft but not review it (its own authors, a trainer
without the reviewer right) is refused with the reason; anyone else gets 403."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.authoring import bp, lookup, review, rights
from elearn.authoring.models import DraftStatus
from elearn.authoring.review_forms import (
    AskForReviewForm,
    PublishDraftForm,
    SendBackForm,
    sign_off_form,
)
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error

EDITORS = (Role.TRAINER, Role.ADMIN)


def _to_review(draft_id: int, error: DomainError | None = None):
    if error is not None:
        flash(str(error.message), "error")
    return redirect(url_for("authoring.review_draft", draft_id=draft_id))


@bp.post("/manage/drafts/<int:draft_id>/submit")
@roles_required(*EDITORS)
def submit_draft(draft_id: int):
    """Send the draft to its reviewers, who are emailed."""
    draft = lookup.draft_for_editing(draft_id)
    if not AskForReviewForm().validate_on_submit():
        flash(_("The form had expired; please try again."), "error")
        return redirect(url_for("authoring.draft", draft_id=draft.id))
    try:
        reviewers = review.submit(draft, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("authoring.draft", draft_id=draft_id))
    db.session.commit()
    flash(
        _("The draft is with the reviewers (%(num)d can review it).", num=len(reviewers)),
        "success",
    )
    return redirect(url_for("authoring.draft", draft_id=draft.id))


@bp.get("/manage/drafts/<int:draft_id>/review")
@roles_required(*EDITORS)
def review_draft(draft_id: int):
    """The changes against the version the draft started from, language by language."""
    return _render(lookup.draft_for_reading(draft_id))


def _render(draft, status: int = 200, **forms):
    diff = review.draft_diff(draft)
    forms.setdefault("signoff_form", sign_off_form(diff.changed_languages, draft.revision))
    forms.setdefault("send_back_form", SendBackForm())
    forms.setdefault("publish_form", PublishDraftForm())
    signed = review.current_signoffs(draft)
    return render_template(
        "authoring/review.html",
        draft=draft,
        diff=diff,
        signed=signed,
        signers=review.names({s.reviewer_id for s in signed.values()}),
        **forms,
    ), status


@bp.post("/manage/drafts/<int:draft_id>/sign-off")
@roles_required(*EDITORS)
def sign_off_draft(draft_id: int):
    """Record that the reviewer read the ticked languages' text at this revision."""
    draft = lookup.draft_for_reading(draft_id)
    form = sign_off_form(review.draft_diff(draft).changed_languages, draft.revision)
    if not form.validate_on_submit():
        return _render(draft, 400, signoff_form=form)
    if not form.checked():
        form.form_errors.append(_("Tick each language whose text you reviewed."))
        return _render(draft, 400, signoff_form=form)
    try:
        review.sign_off(draft, form.checked(), by=current_user, revision=form.revision.data)
    except DomainError as error:
        db.session.rollback()
        return _to_review(draft_id, error)
    db.session.commit()
    flash(_("Your sign-off is recorded."), "success")
    return _to_review(draft_id)


@bp.post("/manage/drafts/<int:draft_id>/approve")
@roles_required(*EDITORS)
def approve_draft(draft_id: int):
    """Sign off the ticked languages and approve: every changed language must be signed."""
    draft = lookup.draft_for_reading(draft_id)
    form = sign_off_form(review.draft_diff(draft).changed_languages, draft.revision)
    if not form.validate_on_submit():
        return _render(draft, 400, signoff_form=form)
    try:
        review.approve(
            draft, by=current_user, languages=form.checked(), revision=form.revision.data
        )
    except DomainError as error:
        db.session.rollback()
        if error.field != "languages":
            return _to_review(draft_id, error)
        draft = lookup.draft_for_reading(draft_id)
        form.form_errors.append(error.message)
        return _render(draft, 400, signoff_form=form)
    db.session.commit()
    flash(_("The draft is approved. A reviewer can publish it now."), "success")
    return _to_review(draft_id)


@bp.post("/manage/drafts/<int:draft_id>/send-back")
@roles_required(*EDITORS)
def send_back_draft(draft_id: int):
    """Return the draft to its authors with a comment, which they receive by email."""
    draft = lookup.draft_for_reading(draft_id)
    form = SendBackForm()
    if not form.validate_on_submit():
        return _render(draft, 400, send_back_form=form)
    try:
        review.send_back(draft, by=current_user, comment=form.comment.data)
    except DomainError as error:
        db.session.rollback()
        if error.field != "comment":
            return _to_review(draft_id, error)
        show_domain_error(form, error)
        return _render(lookup.draft_for_reading(draft_id), 400, send_back_form=form)
    db.session.commit()
    flash(_("The draft is sent back to its authors."), "success")
    return _to_review(draft_id)


@bp.post("/manage/drafts/<int:draft_id>/publish")
@roles_required(*EDITORS)
def publish_draft(draft_id: int):
    """Publish an approved draft as the course's new version."""
    draft = lookup.draft_for_reading(draft_id)
    if not PublishDraftForm().validate_on_submit():
        flash(_("The form had expired; please try again."), "error")
        return _to_review(draft_id)
    try:
        version = review.publish(draft, by=current_user)
    except DomainError as error:
        db.session.rollback()
        return _to_review(draft_id, error)
    db.session.commit()
    flash(_("Version %(label)s is published.", label=version.label), "success")
    return redirect(url_for("authoring.history", course_id=draft.course_id))


@dataclass
class ReviewState:
    """What the draft page's review section shows to the person reading it."""

    draft: object
    may_edit: bool
    may_review: bool
    why_not: object  # a lazy string, or None when they may review
    reviewers: list = field(default_factory=list)
    story: list = field(default_factory=list)

    @property
    def can_submit(self) -> bool:
        return self.may_edit and self.draft.status in (
            DraftStatus.EDITING,
            DraftStatus.CHANGES_REQUESTED,
        )

    @property
    def can_publish(self) -> bool:
        return self.may_review and self.draft.status == DraftStatus.APPROVED


@bp.app_template_global()
def draft_review_state(draft) -> ReviewState:
    """The review state of ``draft`` for the signed-in person (the draft page's review part)."""
    why_not = review.why_not_reviewer(current_user, draft)
    return ReviewState(
        draft=draft,
        may_edit=rights.can_edit(current_user, draft.course),
        may_review=why_not is None,
        why_not=why_not,
        reviewers=review.draft_reviewers(draft),
        story=review.story(draft),
    )


DIFF_AREAS = {
    "course": _l("Course"),
    "module": _l("Module"),
    "lesson": _l("Lesson"),
    "quiz": _l("Quiz"),
    "question": _l("Question"),
    "media": _l("Media file"),
    "file": _l("File"),
}
DIFF_CHANGES = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
DRAFT_EVENTS = {
    "created": _l("Draft started"),
    "submitted": _l("Sent for review"),
    "sent_back": _l("Sent back with comments"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "discarded": _l("Discarded"),
}


@bp.app_context_processor
def _review_labels() -> dict:
    return {
        "diff_area_label": lambda area: str(DIFF_AREAS.get(area, area)),
        "diff_change_label": lambda change: str(DIFF_CHANGES.get(change, change)),
        "draft_event_label": lambda kind: str(DRAFT_EVENTS.get(kind, kind)),
    }
