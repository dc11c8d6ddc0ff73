"""Exports of the dashboard: CSV (BOM, no formulas) and XLSX (typed cells, frozen header),
the same people and figures as the page, audited, refused outside the manager's tree."""

from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import select, update

from elearn.accounts.models import User
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from tests.reporting.conftest import manager_of

URL = "/organisations/{}/dashboard/export"


def csv_rows(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_people_export_has_one_row_per_enrolment_counted(app, make, county):
    with app.app_context():
        db.session.execute(
            update(User).where(User.full_name == "Ana Enrolled").values(full_name="=HYPERLINK(1)")
        )
        db.session.commit()
    client = manager_of(app, make, county["isj"])
    response = client.get(URL.format(county["isj"]) + "?table=people&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = csv_rows(response)
    assert rows[0][:3] == ["Organisation", "Name", "Email address"]
    names = {row[1] for row in rows[1:]}
    assert names == {"'=HYPERLINK(1)", "Bogdan Started", "Csilla Completed", "Elena Police"}
    by_name = {row[1]: row for row in rows[1:]}
    csilla = by_name["Csilla Completed"]
    assert csilla[0] == "Inspectoratul Școlar Județean Bihor › Școala Gimnazială nr. 11 Oradea"
    assert csilla[8] == "completed" and csilla[12] == "100" and csilla[16] == "valid"
    assert csilla[13:15] == ["20", "20 min"]  # minutes spent, and time on lessons
    assert len(csilla[15]) > 10  # the certificate code
    assert by_name["Bogdan Started"][8] == "in progress"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.exported"))
        assert event.details["table"] == "people" and event.details["format"] == "csv"


def test_the_xlsx_export_is_typed_with_a_frozen_header(app, make, county):
    client = manager_of(app, make, county["isj"])
    with client.get(URL.format(county["isj"]) + "?table=people&format=xlsx") as response:
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[7] == "Enrolled on"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    completed = next(row for row in rows if row[1] == "Csilla Completed")
    assert completed[7].year >= 2026 and isinstance(completed[12], int | float)


def test_each_dashboard_table_exports_what_the_page_shows(app, make, county):
    client = manager_of(app, make, county["isj"])
    courses = csv_rows(client.get(URL.format(county["isj"]) + "?table=courses&format=csv"))
    assert courses[1][1:6] == ["4", "1", "1", "2", "50"]
    organisations = csv_rows(
        client.get(URL.format(county["isj"]) + "?table=organisations&format=csv")
    )
    assert ["Liceul Teoretic Beiuș", "1", "1", "100", "0", "0", "0", "0", "0"] in organisations
    for table in ("professions", "counties", "months"):
        with client.get(URL.format(county["isj"]) + f"?table={table}&format=xlsx") as response:
            assert response.status_code == 200


def test_exports_refuse_other_trees_and_unknown_tables(app, make, county):
    school = manager_of(app, make, county["a"])
    assert school.get(URL.format(county["isj"]) + "?table=people").status_code == 403
    assert school.get(URL.format(county["a"]) + f"?organisation={county['b']}").status_code == 404
    assert school.get(URL.format(county["a"]) + "?table=secrets").status_code == 404
    assert school.get(URL.format(county["a"]) + "?format=pdf").status_code == 404
    rows = csv_rows(school.get(URL.format(county["a"]) + "?table=people"))
    assert "Elena Police" not in {row[1] for row in rows}
