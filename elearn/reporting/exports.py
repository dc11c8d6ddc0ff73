"""The dashboard's tables and its people, as CSV and XLSX.

The people export has one row per enrolment of the people counted (elearn/reporting/
people_export.py). Its rows come from one query read in batches (``yield_per``): a CSV is
streamed to the browser as it is written, an XLSX is written in XlsxWriter's constant-memory
mode to a temporary file; neither holds 100,000 rows in memory. Text is never turned into a
formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import xlsxwriter
from flask_babel import gettext as _

from elearn.reporting.assigned import DUE_SOON_DAYS
from elearn.text import spreadsheet_cell

TABLES = ("people", "courses", "organisations", "professions", "counties", "months")


def assignment_header() -> list[str]:
    """The assignment figures' columns, after the others in the tables by course,
    organisation, profession and county."""
    return [
        _("Assigned"),
        _("Met on time"),
        _("Met late"),
        _("Overdue"),
        _("Due within %(num)d days", num=DUE_SOON_DAYS),
    ]


def _assignments(row) -> list[int]:
    return [row.assigned, row.met_on_time, row.met_late, row.overdue, row.due_soon]


def table_rows(report, table: str, language: str) -> tuple[list[str], list[list]]:
    """(header, rows) of one of the dashboard's own tables."""
    if table == "courses":
        header = [
            _("Course"),
            _("Enrolled"),
            _("Not started"),
            _("In progress"),
            _("Completed"),
            _("Completion rate (%)"),
            _("Valid certificates"),
            _("Certificates expiring within 60 days"),
            _("Median days to complete"),
            _("Median minutes spent"),
            _("Average best score (%)"),
            *assignment_header(),
        ]
        rows = [
            [
                row.title.get(language) or next(iter(row.title.values()), ""),
                row.enrolled,
                row.not_started,
                row.in_progress,
                row.completed,
                round(100 * row.completion_rate) if row.completion_rate is not None else None,
                row.valid_certificates,
                row.expiring_certificates,
                row.median_days_to_complete,
                row.median_minutes_spent,
                row.average_best_score,
                *_assignments(row),
            ]
            for row in report.courses
        ]
        return header, rows
    if table == "months":
        return [_("Month"), _("Completed")], [[month, count] for month, count in report.by_month]
    source, heading = {
        "organisations": (report.by_organisation, _("Organisation")),
        "professions": (report.by_profession, _("Profession")),
        "counties": (report.by_county, _("County")),
    }[table]
    header = [heading, _("Enrolled"), _("Completed"), _("Completion rate (%)")]
    rows = [
        [
            row.label,
            row.enrolled,
            row.completed,
            round(100 * row.completion_rate) if row.completion_rate is not None else None,
            *_assignments(row),
        ]
        for row in source
    ]
    header += assignment_header()
    return header, rows


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so that Excel reads the diacritics), CRLF, text that
    never runs as a formula; yielded a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(cell) for cell in row])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _csv_value(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date | datetime):
        return cell.isoformat()
    if isinstance(cell, int | float):
        return f"{cell:g}" if isinstance(cell, float) else str(cell)
    return spreadsheet_cell(cell)


def xlsx_file(header: list[str], rows: Iterable[list], sheet: str):
    """A temporary file holding the workbook: a frozen, bold header, typed cells, dates as
    dates; written row by row in constant memory."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, closed with it
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    worksheet.freeze_panes(1, 0)
    worksheet.write_row(0, 0, header, bold)
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, date | datetime):
                worksheet.write_datetime(number, column, _naive(cell), day)
            elif isinstance(cell, int | float):
                worksheet.write_number(number, column, cell)
            else:
                worksheet.write_string(number, column, str(cell))
    workbook.close()
    handle.seek(0)
    return handle


def _naive(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)
