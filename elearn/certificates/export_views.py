"""Managers: their organisation's members' certificates, and their bulk export."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.certificates import exports, services
from elearn.certificates.forms import (
    CertificateFilterForm,
    ExportForm,
    course_choices,
)
from elearn.certificates.models import (
    CertificateExport,
)
from elearn.certificates.views import bp, course_title_of
from elearn.extensions import db
from elearn.i18n import current_language
from elearn.organisations.models import Organisation
from elearn.organisations.services import can_manage

# Managers: their organisation's certificates, and bulk export ----------------------------------


def _managed_organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not can_manage(current_user, organisation.id):
        abort(403)
    return organisation


def _course_options(held) -> list[tuple[str, str]]:
    """The filter's courses, by title, from ``exports.held_by_course``'s rows."""
    titles = ((str(row.course_id), course_title_of(row)) for row in held)
    return sorted(titles, key=lambda pair: pair[1].casefold())


def _filters(form) -> tuple[int | None, date | None, date | None]:
    return (int(form.course.data) if form.course.data else None, form.since.data, form.until.data)


@bp.get("/organisations/<int:organisation_id>/certificates")
@roles_required(Role.MANAGER, Role.ADMIN)
def organisation_certificates(organisation_id: int):
    """The certificates of an organisation's confirmed members, filtered, with the export."""
    organisation = _managed_organisation(organisation_id)
    form = CertificateFilterForm(request.args)
    # The options and the count in one statement: the period as asked, counted beside the
    # whole, because the choices must be known before the form can be checked.
    held = exports.held_by_course(organisation.id, form.since.data, form.until.data)
    courses = _course_options(held)
    course_choices(form, courses)
    valid = form.validate() if request.args else True
    course_id, since, until = _filters(form) if valid else (None, None, None)
    page = db.paginate(
        exports.matching(organisation.id, course_id, since, until),
        per_page=50,
        error_out=False,
        count=False,
    )
    # As Flask-SQLAlchemy's own prev() and next() give a page its total.
    page.total = sum(
        row.in_period if valid else row.held for row in held if course_id in (None, row.course_id)
    )
    export_form = ExportForm(formdata=None, course=form.course.data, since=since, until=until)
    course_choices(export_form, courses)
    return render_template(
        "certificates/organisation.html",
        organisation=organisation,
        form=form,
        page=page,
        export_form=export_form,
        today=services.today(),
    )


@bp.post("/organisations/<int:organisation_id>/certificates/export")
@roles_required(Role.MANAGER, Role.ADMIN)
def start_export(organisation_id: int):
    organisation = _managed_organisation(organisation_id)
    form = ExportForm()
    course_choices(form, _course_options(exports.held_by_course(organisation.id, None, None)))
    if not form.validate_on_submit():
        flash(
            _(
                "Check the filter: %(problems)s",
                problems=" ".join(
                    str(error) for errors in form.errors.values() for error in errors
                ),
            ),
            "error",
        )
        return redirect(
            url_for("certificates.organisation_certificates", organisation_id=organisation.id)
        )
    course_id, since, until = _filters(form)
    export = exports.create(
        organisation.id,
        course_id=course_id,
        start=since,
        end=until,
        language=current_language(),
        by_id=current_user.id,
    )
    db.session.commit()
    return redirect(
        url_for("certificates.export_status", organisation_id=organisation.id, export_id=export.id)
    )


def _export_or_404(organisation_id: int, export_id: int) -> CertificateExport:
    export = db.session.get(CertificateExport, export_id)
    if export is None or export.organisation_id != organisation_id:
        abort(404)
    return export


@bp.get("/organisations/<int:organisation_id>/certificates/exports/<int:export_id>")
@roles_required(Role.MANAGER, Role.ADMIN)
def export_status(organisation_id: int, export_id: int):
    """Builds the next slice of the export, then shows how far it is."""
    organisation = _managed_organisation(organisation_id)
    export = _export_or_404(organisation.id, export_id)
    if exports.claim(export):
        # Two commits, on purpose: the lease must be visible to other requests before the
        # slow part, and the slice's progress saved after it.
        db.session.commit()
        exports.build_slice(export)
        db.session.commit()
    return render_template("certificates/export.html", organisation=organisation, export=export)


@bp.get("/organisations/<int:organisation_id>/certificates/exports/<int:export_id>/download")
@roles_required(Role.MANAGER, Role.ADMIN)
def download_export(organisation_id: int, export_id: int):
    organisation = _managed_organisation(organisation_id)
    export = _export_or_404(organisation.id, export_id)
    path = exports.path_of(export)
    if export.ready_at is None or not path.exists():
        return redirect(
            url_for(
                "certificates.export_status", organisation_id=organisation.id, export_id=export.id
            )
        )
    return send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        # The platform's day, as the page shows it: after midnight in Bucharest, not UTC's.
        download_name=(
            f"certificates-{organisation.id}-{services.local_day(export.created_at):%Y-%m-%d}.zip"
        ),
    )
