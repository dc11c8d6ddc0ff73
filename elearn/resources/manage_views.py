"""Trainers and administrators upload resources, describe them, submit them for review;
administrators approve them, send them back with a note, or withdraw them. Every change is a
POST form that works without JavaScript."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import Form, show_domain_error
from elearn.resources import bp, library, services
from elearn.resources import files as resource_files
from elearn.resources.choices import LANGUAGE_CODES
from elearn.resources.forms import NewResourceForm, ResourceForm, ReviewForm
from elearn.resources.models import Resource
from elearn.resources.views import show_page

UPLOADERS = (Role.TRAINER, Role.ADMIN)


def _editable_or_404(key: str) -> Resource:
    resource = services.resource_by_key(key) or abort(404)
    if not services.may_edit(resource, current_user):
        abort(403)
    return resource


def _checked_files(form: ResourceForm) -> dict | None:
    """The uploaded files, checked and cleaned, by language; None with each refusal next to
    its field."""
    checked, refused = {}, False
    limit = resource_files.LIMITS.max_file_bytes
    for code in LANGUAGE_CODES:
        field = form[f"file_{code}"]
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            continue
        data = upload.stream.read(limit + 1)
        try:
            checked[code] = resource_files.check_upload(upload.filename, data)
        except resource_files.FileRefused as refusal:
            field.errors = [*field.errors, refusal.message]
            refused = True
    return None if refused else checked


def _attempt(form, action) -> bool:
    """Run a service; True when it went through (and was committed)."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False
    db.session.commit()
    return True


def _described(form: ResourceForm) -> dict:
    return {
        "kind": form.kind.data,
        "audience": form.audience.data,
        "title": form.texts("title"),
        "description": form.texts("description"),
        "licence": form.licence.data,
        "attribution": form.attribution.data,
    }


@bp.get("/manage/")
@roles_required(*UPLOADERS)
def manage():
    """A trainer's own resources; for an administrator every one, those in review first."""
    page = db.paginate(
        library.workbench_query(current_user), per_page=library.PER_PAGE, error_out=False
    )
    return render_template(
        "resources/manage.html",
        page=page,
        totals=library.download_totals([resource.id for resource in page.items]),
        waiting=library.review_queue_count(),
    )


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required(*UPLOADERS)
def create():
    form = NewResourceForm()
    if form.validate_on_submit() and (files := _checked_files(form)) is not None:
        created = []

        def action():
            created.append(
                services.create_resource(
                    key=form.key.data, files=files, by=current_user, **_described(form)
                )
            )

        if _attempt(form, action):
            flash(_("The resource was saved as a draft."), "success")
            return redirect(url_for("resources.show", resource_key=created[0].key))
    status = 400 if form.is_submitted() else 200
    return render_template("resources/edit.html", form=form, resource=None), status


@bp.route("/manage/<resource_key>/edit", methods=["GET", "POST"])
@roles_required(*UPLOADERS)
def edit(resource_key: str):
    resource = _editable_or_404(resource_key)
    form = ResourceForm()
    if form.validate_on_submit() and (files := _checked_files(form)) is not None:

        def action():
            services.update_resource(resource, files=files, **_described(form))

        if _attempt(form, action):
            flash(_("The resource was saved."), "success")
            return redirect(url_for("resources.show", resource_key=resource.key))
    if not form.is_submitted():
        form.fill(resource)
    status = 400 if form.is_submitted() else 200
    return render_template("resources/edit.html", form=form, resource=resource), status


def _act(resource: Resource, action, done: str, form=None):
    """A one-button decision: done, or the resource's page again with the refusal."""
    form = form or Form()
    if form.validate_on_submit() and _attempt(form, action):
        flash(done, "success")
        return redirect(url_for("resources.show", resource_key=resource.key))
    if form.errors.get("csrf_token"):
        form.form_errors.append(_("The form expired: please try again."))
    if isinstance(form, ReviewForm):
        return show_page(resource, review_form=form, status=400)
    for message in form.form_errors:
        flash(message, "error")
    return show_page(resource, status=400)


@bp.post("/manage/<resource_key>/submit")
@roles_required(*UPLOADERS)
def submit(resource_key: str):
    resource = _editable_or_404(resource_key)
    return _act(
        resource,
        lambda: services.submit_for_review(resource),
        _("The resource was submitted for review."),
    )


@bp.post("/manage/<resource_key>/review")
@roles_required(Role.ADMIN)
def review(resource_key: str):
    resource = services.resource_by_key(resource_key) or abort(404)
    form = ReviewForm()

    def action():
        if form.decision.data == "approve":
            services.approve(resource, by=current_user)
        else:
            services.send_back(resource, note=form.note.data or "", by=current_user)

    done = _("The decision was recorded.")
    return _act(resource, action, done, form)


@bp.post("/manage/<resource_key>/withdraw")
@roles_required(Role.ADMIN)
def withdraw(resource_key: str):
    resource = services.resource_by_key(resource_key) or abort(404)
    return _act(
        resource,
        lambda: services.withdraw(resource, by=current_user),
        _("The resource was withdrawn."),
    )
