"""The donor report page and its CSV (elearn/reporting/donor.py computes it)."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.certificates.services import today
from elearn.database import utcnow
from elearn.i18n import current_language
from elearn.reporting import bp, donor, exports
from elearn.reporting.forms import PeriodForm
from elearn.reporting.views import managed_or_404


@bp.get("/organisations/<int:organisation_id>/donor-report")
@roles_required(Role.MANAGER, Role.ADMIN)
def donor_report(organisation_id: int):
    """For a period: people trained, completions and certificates across the tree, with no
    personal data and no count under five; printable, and as CSV."""
    organisation = managed_or_404(organisation_id)
    form = PeriodForm(request.args)
    day = today()
    if not request.args:
        form.since.data, form.until.data = date(day.year, 1, 1), day
    elif not form.validate():
        return render_template(
            "reporting/donor.html", organisation=organisation, form=form, report=None
        ), 400
    report = donor.donor_report(
        organisation.id, form.since.data, form.until.data, current_language()
    )
    if request.args.get("format") == "csv":
        return Response(
            stream_with_context(exports.csv_chunks(*donor_table(report))),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="donor-report-{organisation.id}'
                f'-{report.start.isoformat()}-{report.end.isoformat()}.csv"'
            },
        )
    return render_template(
        "reporting/donor.html",
        organisation=organisation,
        form=form,
        report=report,
        computed_at=utcnow(),
    )


def donor_table(report) -> tuple[list[str], list[list]]:
    """The donor report as one table: section, row, count (all shown counts are text)."""
    header = [_("Section"), _("Row"), _("Count")]
    rows = [
        [_("Totals"), _("People trained"), report.people_trained],
        [_("Totals"), _("Courses completed"), report.completions],
        [_("Totals"), _("Certificates issued"), report.certificates],
    ]
    for section, table in (
        (_("By course"), report.by_course),
        (_("By profession"), report.by_profession),
        (_("By county"), report.by_county),
        (_("By month"), report.by_month),
    ):
        rows += [[section, label, count] for label, count in table.rows]
    return header, rows
