"""The draft's own page, starting a draft, and moving a draft in and out of zips."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.authoring import bp, lookup, rights, services
from elearn.authoring.forms import DiscardForm, ImportZipForm, StartDraftForm
from elearn.content.problems import PackageError
from elearn.content.source import read_zip
from elearn.courses.views import zip_response
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error

EDITORS = (Role.TRAINER, Role.ADMIN)


@bp.post("/manage/courses/<int:course_id>/draft")
@roles_required(*EDITORS)
def start_draft(course_id: int):
    """Open the course's draft, starting one from the latest published version if needed."""
    course = lookup.course_for_editing(course_id)
    if StartDraftForm().validate_on_submit():
        try:
            draft = services.start_draft(course, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("courses.manage_list"))
        db.session.commit()
        return redirect(url_for("authoring.draft", draft_id=draft.id))
    flash(_("The form had expired; please try again."), "error")
    return redirect(url_for("courses.manage_list"))


@bp.get("/manage/drafts/<int:draft_id>")
@roles_required(*EDITORS)
def draft(draft_id: int):
    draft = lookup.draft_for_reading(draft_id)
    return _render(draft, import_form=ImportZipForm())


def _render(draft, status: int = 200, problems=(), **forms):
    package = services.load_draft(draft)
    return render_template(
        "authoring/draft.html",
        draft=draft,
        package=package,
        states=services.translation_states(draft, package),
        may_edit=rights.can_edit(current_user, draft.course),
        problems=list(problems),
        discard_form=DiscardForm(),
        **forms,
    ), status


@bp.get("/manage/drafts/<int:draft_id>/export")
@roles_required(*EDITORS)
def export_draft(draft_id: int):
    """The draft as a package zip, to edit in a text editor or keep in git."""
    draft = lookup.draft_for_reading(draft_id)
    name = f"{draft.course.slug}-{draft.label}-draft.zip"
    return zip_response(lambda target: services.export_draft(draft, target), name)


@bp.post("/manage/drafts/<int:draft_id>/import")
@roles_required(*EDITORS)
def import_zip(draft_id: int):
    """A zip edited outside the browser replaces the draft's files, all or nothing."""
    draft = lookup.draft_for_editing(draft_id)
    form = ImportZipForm()
    problems = []
    if form.validate_on_submit():
        try:
            files = read_zip(form.package.data.stream, origin=form.package.data.filename or "zip")
            services.replace_files(draft, files.files, by_id=current_user.id)
        except PackageError as error:
            db.session.rollback()
            problems = error.problems
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The zip was checked and is now the draft."), "success")
            return redirect(url_for("authoring.draft", draft_id=draft.id))
    return _render(draft, 400, problems=problems, import_form=form)


@bp.post("/manage/drafts/<int:draft_id>/discard")
@roles_required(*EDITORS)
def discard_draft(draft_id: int):
    draft = lookup.draft_for_editing(draft_id)
    if DiscardForm().validate_on_submit():
        try:
            services.discard(draft, by_id=current_user.id)
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The draft was discarded. The published version is unchanged."), "success")
    return redirect(url_for("courses.manage_list"))


DRAFT_STATUS_LABELS = {
    "editing": _l("being written"),
    "in_review": _l("waiting for review"),
    "changes_requested": _l("sent back for changes"),
    "approved": _l("approved, ready to publish"),
    "published": _l("published"),
    "discarded": _l("discarded"),
}
TRANSLATION_STATE_LABELS = {
    "source": _l("source"),
    "current": _l("up to date"),
    "out_of_date": _l("out of date"),
    "missing": _l("missing"),
}


@bp.app_context_processor
def _authoring_helpers() -> dict:
    return {
        "can_edit_course": lambda course: rights.can_edit(current_user, course),
        "open_draft": services.open_draft,
        "start_draft_form": StartDraftForm,
        "draft_status_label": lambda status: str(DRAFT_STATUS_LABELS.get(status, status)),
        "translation_state_label": lambda state: str(TRANSLATION_STATE_LABELS.get(state, state)),
    }
