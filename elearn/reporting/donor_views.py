"""The donor report page, its CSV and its XLSX (elearn/reporting/donor.py and reach_donor.py
compute it)."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, send_file, stream_with_context
from flask_babel import gettext as _

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.certificates.services import today
from elearn.database import utcnow
from elearn.i18n import current_language
from elearn.reporting import bp, donor, exports, reach_donor
from elearn.reporting.forms import PeriodForm
from elearn.reporting.reach_kept import kept
from elearn.reporting.reach_sql import ReachFilters
from elearn.reporting.scope import roomy_transaction
from elearn.reporting.views import managed_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/organisations/<int:organisation_id>/donor-report")
@roles_required(Role.MANAGER, Role.ADMIN)
def donor_report(organisation_id: int):
    """For a period: people trained, completions and certificates, sessions, events, people
    reached and materials across the tree, with no personal data and no count under five;
    printable, and as CSV or XLSX."""
    organisation = managed_or_404(organisation_id)
    form = PeriodForm(request.args)
    day = today()
    if not request.args:
        form.since.data, form.until.data = date(day.year, 1, 1), day
    elif not form.validate():
        return render_template(
            "reporting/donor.html", organisation=organisation, form=form, report=None
        ), 400
    roomy_transaction()
    start, end = form.since.data, form.until.data
    report = donor.donor_report(organisation.id, start, end, current_language())
    report.reach, _computed_at = kept(
        "donor",
        ReachFilters(start=start, end=end),
        lambda _now: reach_donor.donor_reach(organisation.id, start, end),
        organisation.id,
        current_language(),
    )
    kind = request.args.get("format")
    if kind in ("csv", "xlsx"):
        name = f"donor-report-{organisation.id}-{start.isoformat()}-{end.isoformat()}.{kind}"
        return _download(report, kind, name)
    return render_template(
        "reporting/donor.html",
        organisation=organisation,
        form=form,
        report=report,
        computed_at=utcnow(),
        reach_columns=[str(heading) for _key, heading in reach_donor.COLUMNS],
        reach_dimensions=reach_donor.DIMENSIONS,
    )


def _download(report, kind: str, name: str):
    """The report as one table (section, row, count), as CSV or XLSX."""
    header, rows = donor_table(report)
    if kind == "csv":
        return Response(
            stream_with_context(exports.csv_chunks(header, rows)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    rows = [[section, row, _number(count)] for section, row, count in rows]
    handle = exports.xlsx_file(header, rows, "donor-report")
    return send_file(handle, mimetype=XLSX, as_attachment=True, download_name=name)


def _number(count: str):
    """A shown count as a number in the spreadsheet; "<5" and "—" stay text."""
    return int(count) if count.isdigit() else count


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
    if report.reach is not None:
        rows += [[_("Reach: totals"), heading, count] for heading, count in report.reach.totals]
        for dimension, heading in reach_donor.DIMENSIONS:
            grid = report.reach.by[dimension]
            for column, (_key, title) in enumerate(reach_donor.COLUMNS):
                section = _("%(figure)s — %(dimension)s", figure=title, dimension=heading)
                rows += [[section, label, counts[column]] for label, counts in grid.rows]
    return header, rows
