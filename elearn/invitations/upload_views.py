"""Inviting many people from a spreadsheet: upload (checked whole), preview (counts and every
problem), then import all, import the good rows only, or discard. Works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from elearn.access import roles_required
from elearn.cohorts.views import managed_organisation_or_403
from elearn.core.errors import handle_http_error
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import current_language
from elearn.invitations import bp, uploads
from elearn.invitations.forms import DecisionForm, UploadForm
from elearn.invitations.services import vocabularies
from elearn.invitations.views import MANAGERS
from elearn.organisations.services import can_manage
from elearn.users.forms import ConfirmForm

PROBLEMS_PER_PAGE = 200


def _render_upload(organisation, form, status=200):
    professions, counties = vocabularies()
    return render_template(
        "invitations/upload.html",
        organisation=organisation,
        form=form,
        professions=professions,
        counties=counties,
    ), status


@bp.route("/organisations/<int:organisation_id>/invitations/upload", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def upload(organisation_id: int):
    organisation = managed_organisation_or_403(organisation_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_upload(organisation, form)
    file = form.spreadsheet.data
    checked, roster = uploads.check_upload(
        organisation.id, file.filename, file.read(), by_id=current_user.id
    )
    db.session.commit()
    if roster.encoding:
        flash(_read_as(roster), "info")
    return redirect(
        url_for("invitations.preview_upload", organisation_id=organisation.id, upload_id=checked.id)
    )


def _read_as(roster) -> str:
    separators = {";": _("semicolons"), ",": _("commas"), "\t": _("tabs")}
    message = _(
        "The file was read as %(encoding)s, with columns separated by %(separator)s.",
        encoding=roster.encoding.upper(),
        separator=separators[roster.separator],
    )
    if roster.ignored_columns:
        # A few names only: the message travels in the session cookie.
        names = roster.ignored_columns[:5] + (["…"] if len(roster.ignored_columns) > 5 else [])
        message += " " + _("These columns were ignored: %(columns)s.", columns=", ".join(names))
    return message


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A file over the limit gets the upload page with a message, not a bare 413."""
    if request.endpoint == "invitations.upload":
        organisation_id = (request.view_args or {}).get("organisation_id")
        if current_user.is_authenticated and can_manage(current_user, organisation_id):
            organisation = managed_organisation_or_403(organisation_id)
            form = UploadForm(formdata=None)
            form.spreadsheet.errors = [
                _("The file is larger than 10 MB. Split it into smaller files.")
            ]
            return _render_upload(organisation, form, 413)
    return handle_http_error(error)


@dataclass
class ListPage:
    """One page of a list held in memory, for the pagination macro."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def _own_upload_or_404(organisation_id: int, upload_id: int):
    organisation = managed_organisation_or_403(organisation_id)
    found = uploads.upload_of(organisation.id, upload_id, current_user.id) or abort(404)
    return organisation, found


@bp.get("/organisations/<int:organisation_id>/invitations/uploads/<int:upload_id>")
@roles_required(*MANAGERS)
def preview_upload(organisation_id: int, upload_id: int):
    """What importing would do, and every problem found, by line and column."""
    organisation, checked = _own_upload_or_404(organisation_id, upload_id)
    problems = uploads.problems_of(checked)
    number = max(1, request.args.get("page", 1, type=int))
    start = (number - 1) * PROBLEMS_PER_PAGE
    page = ListPage(
        problems[start : start + PROBLEMS_PER_PAGE], number, PROBLEMS_PER_PAGE, len(problems)
    )
    importable = uploads.is_importable(checked)
    return render_template(
        "invitations/preview.html",
        organisation=organisation,
        upload=checked,
        page=page,
        bad_lines=uploads.bad_line_count(checked),
        plan=uploads.plan(organisation.id, checked.rows, utcnow()) if importable else None,
        importable=importable,
        decision_form=DecisionForm(),
        discard_form=ConfirmForm(),
        upload_form=UploadForm(formdata=None),
        translate=gettext,
    )


@bp.post("/organisations/<int:organisation_id>/invitations/uploads/<int:upload_id>/import")
@roles_required(*MANAGERS)
def import_upload(organisation_id: int, upload_id: int):
    organisation, checked = _own_upload_or_404(organisation_id, upload_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = uploads.import_upload(
            checked,
            skip_bad=form.decision.data == "skip",
            language=current_language(),
            by=current_user,
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(
            url_for(
                "invitations.preview_upload", organisation_id=organisation.id, upload_id=upload_id
            )
        )
    db.session.commit()
    counts = plan.counts()
    flash(
        _(
            "Imported: %(invited)d invitations queued (they go out within the hour), "
            "%(waiting)d already waiting, %(added)d members added to a cohort.",
            invited=counts["invite"] + counts["invite_to_join"] + counts["renew"],
            waiting=counts["waiting"],
            added=counts["to_cohort"],
        ),
        "success",
    )
    return redirect(url_for("invitations.list_invitations", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/invitations/uploads/<int:upload_id>/discard")
@roles_required(*MANAGERS)
def discard_upload(organisation_id: int, upload_id: int):
    organisation, checked = _own_upload_or_404(organisation_id, upload_id)
    uploads.discard(checked, by_id=current_user.id)
    db.session.commit()
    flash(_("The file has been discarded: nothing was imported."), "success")
    return redirect(url_for("invitations.upload", organisation_id=organisation.id))
