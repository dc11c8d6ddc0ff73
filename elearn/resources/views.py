"""The public library: the list of approved resources with its filters, a resource's page,
and its files' downloads (counted by day, never by person). No sign-in needed: multipliers
share the links."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, render_template, request
from flask_login import current_user

from elearn.access import public
from elearn.accounts.models import Role
from elearn.courses.media import blob_chunks
from elearn.courses.models import Blob
from elearn.extensions import db
from elearn.resources import bp, library, services
from elearn.resources.forms import FilterForm, ReviewForm
from elearn.resources.models import Resource, ResourceStatus


def visible_or_404(key: str) -> Resource:
    """The resource if the reader may see it; 404 otherwise, so that drafts stay unseen."""
    resource = services.resource_by_key(key)
    if resource is None or not services.may_see(resource, current_user):
        abort(404)
    return resource


def is_staff() -> bool:
    return current_user.is_authenticated and current_user.has_role(Role.TRAINER, Role.ADMIN)


@bp.get("/")
@public
def library_list():
    """Approved resources, filtered by audience, language and kind, a page at a time."""
    form = FilterForm(formdata=request.args)
    valid = form.validate()
    filters = {name: form[name].data or None for name in ("audience", "language", "kind")}
    query = library.library_query(**filters) if valid else library.library_query()
    page = db.paginate(query, per_page=library.PER_PAGE, error_out=False)
    totals = library.download_totals([r.id for r in page.items]) if is_staff() else None
    page_html = render_template("resources/library.html", form=form, page=page, totals=totals)
    return page_html, 200 if valid else 400


def show_page(resource: Resource, review_form=None, status: int = 200):
    admin = current_user.is_authenticated and current_user.has_role(Role.ADMIN)
    if review_form is None and admin and resource.status == ResourceStatus.IN_REVIEW:
        review_form = ReviewForm(formdata=None)
    return render_template(
        "resources/show.html",
        resource=resource,
        totals=library.file_totals(resource) if is_staff() else None,
        may_edit=current_user.is_authenticated and services.may_edit(resource, current_user),
        admin=admin,
        review_form=review_form,
    ), status


@bp.get("/<resource_key>")
@public
def show(resource_key: str):
    return show_page(visible_or_404(resource_key))


def _disposition(name: str) -> str:
    if name.isascii() and name.isprintable() and not set(name) & set('"\\;'):
        return f'attachment; filename="{name}"'
    return f"attachment; filename*=UTF-8''{quote(name, safe='')}"


@bp.get("/<resource_key>/files/<language>")
@public
def download(resource_key: str, language: str):
    """The file, always as an attachment; one more download on today's count when the
    resource is approved (a reviewer's look at a draft is not counted) and this address has
    not had its share counted already (library.counts_from_here)."""
    resource = visible_or_404(resource_key)
    file = next((f for f in resource.files if f.language == language), None)
    if file is None:
        abort(404)
    blob = db.session.get(Blob, file.blob_sha256)
    counted = resource.status == ResourceStatus.APPROVED and request.method == "GET"
    if counted and library.counts_from_here(file):
        library.count_download(file)
        db.session.commit()
    response = Response(
        blob_chunks(blob, 0, blob.size),
        mimetype=file.media_type,
        headers={
            "Content-Disposition": _disposition(file.file_name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
        direct_passthrough=True,
    )
    response.content_length = blob.size
    return response


from elearn.resources import manage_views  # noqa: E402, F401 - its routes are on bp too
