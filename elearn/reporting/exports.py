"""The dashboard's tables and its people, as CSV and XLSX.

The people export has one row per enrolment of the people counted. Its rows come from one
query read in batches (``yield_per``): a CSV is streamed to the browser as it is written, an
XLSX is written in XlsxWriter's constant-memory mode to a temporary file; neither holds
100,000 rows in memory. Text is never turned into a formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import xlsxwriter
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.courses.models import CourseVersion, Lesson
from elearn.extensions import db
from elearn.organisations.tree import tree
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting.scope import Filters, enrolments, roomy_transaction
from elearn.text import spreadsheet_cell

BATCH = 1000
TABLES = ("people", "courses", "organisations", "professions", "counties", "months")


def _label(labels: dict, key) -> str:
    return str(labels.get(key, key or ""))


def organisation_paths(root_id: int) -> dict[int, str]:
    """'Parent › Child › Grandchild' for every organisation of the subtree (one query)."""
    paths: dict[int, str] = {}
    trail: list[str] = []
    for node in tree(root_id):
        trail[node.depth :] = [node.organisation.name]
        paths[node.organisation.id] = " › ".join(trail)
    return paths


def people_header() -> list[str]:
    return [
        _("Organisation"),
        _("Name"),
        _("Email address"),
        _("Profession"),
        _("County"),
        _("Course"),
        _("Version"),
        _("Enrolled on"),
        _("Status"),
        _("Lessons completed"),
        _("Required lessons"),
        _("Completed on"),
        _("Best score (%)"),
        _("Minutes spent"),
        _("Certificate code"),
        _("Certificate status"),
        _("Certificate expires on"),
    ]


def people_rows(filters: Filters, today: date, language: str) -> Iterator[list]:
    """One row per enrolment of the people counted, by organisation and name, typed (dates
    as dates, numbers as numbers); read in batches of BATCH rows."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    scoped = enrolments(filters).subquery()
    required = (
        select(Lesson.version_id, func.count().label("required"))
        .where(Lesson.required.is_(True))
        .group_by(Lesson.version_id)
        .subquery()
    )
    current = (
        select(func.max(Certificate.id))
        .where(Certificate.superseded_by_id.is_(None))
        .group_by(Certificate.enrolment_id)
    )
    query = (
        select(
            User.organisation_id,
            User.full_name,
            User.email,
            User.profession,
            User.county,
            CourseVersion.title,
            CourseVersion.label,
            scoped.c.enrolled_at,
            scoped.c.completed_at,
            scoped.c.lessons_completed.label("done"),
            required.c.required,
            scoped.c.best_score.label("best"),
            scoped.c.seconds_on_lessons.label("seconds"),
            scoped.c.quiz_attempts.label("attempts"),
            Certificate.code,
            Certificate.expires_on,
            Certificate.revoked_at,
            Certificate.superseded_by_id,
        )
        .join(scoped, scoped.c.user_id == User.id)
        .join(CourseVersion, CourseVersion.id == scoped.c.version_id)
        .outerjoin(required, required.c.version_id == scoped.c.version_id)
        .outerjoin(
            Certificate,
            (Certificate.enrolment_id == scoped.c.id) & Certificate.id.in_(current),
        )
        .order_by(User.organisation_id, User.search_key, User.id, scoped.c.course_id)
        .execution_options(yield_per=BATCH)
    )
    roomy_transaction()
    paths = organisation_paths(filters.organisation_id)
    # Every word translated once, not once a row (100,000 rows: seconds of gettext).
    statuses = {
        "valid": _("valid"),
        "expired": _("expired"),
        "revoked": _("revoked"),
        "superseded": _("replaced by a newer certificate"),
    }
    progress = {"completed": _("completed"), True: _("in progress"), False: _("not started")}
    professions = {key: str(label) for key, label in PROFESSIONS.items()}
    counties = {key: str(label) for key, label in COUNTIES.items()}
    for row in db.session.execute(query):
        if row.completed_at is not None:
            status = progress["completed"]
        else:
            status = progress[bool(row.done or row.seconds or row.attempts)]
        certified = row.code is not None
        yield [
            paths.get(row.organisation_id, ""),
            row.full_name,
            row.email,
            professions.get(row.profession, row.profession or ""),
            counties.get(row.county, row.county or ""),
            row.title.get(language) or next(iter(row.title.values()), ""),
            row.label,
            row.enrolled_at.astimezone(zone).date(),
            status,
            row.done or 0,
            row.required or 0,
            row.completed_at.astimezone(zone).date() if row.completed_at else None,
            row.best,
            round((row.seconds or 0) / 60),
            row.code,
            # The certificate's own rule, read from the row's columns (no object per row).
            statuses[Certificate.status(row, today)] if certified else None,
            row.expires_on if certified else None,
        ]


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
        ]
        for row in source
    ]
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
