"""The donor report's reach: sessions, events, people reached (declared and confirmed) and
materials by county, audience and month, with small counts hidden (and one more where
subtraction would reveal them); the page, the CSV and the XLSX show the same figures."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import openpyxl
import pytest

from elearn.extensions import db
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.reporting.donor import HIDDEN, SECONDARY
from tests.conftest import count_queries, page_text
from tests.reporting.conftest import manager_of
from tests.reporting.reach_factories import delivered, event, resource

URL = "/organisations/{}/donor-report?since=2026-01-01&until=2026-06-30"


@pytest.fixture
def donor_tree(app, make):
    """ISJ Bihor above a school: the issue's session (28 pupils aged 13–15 in Oradea, 20 of
    them confirmed on their phones) and round table (12 registered, 10 present); two more
    sessions in Cluj; a session and an event of another tree."""
    isj = make.organisation(name="ISJ Bihor")
    school = make.organisation(name="Școala A")
    other = make.organisation(name="Altă școală")
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, school), isj, by_id=None)
        poster = resource().id
        delivered(school, declared=28, confirmed=20, materials={poster: 30})
        for day in (3, 4):
            delivered(school, on=date(2026, 3, day), county="CJ", audience="parents", declared=9)
        event(isj, present=10, absent=2, materials={poster: 12})
        delivered(other, declared=99)
        event(other, present=50)
        db.session.commit()
    return {"isj": isj, "school": school, "other": other}


def reach_rows(rows: list[list[str]]) -> dict[tuple[str, str], str]:
    return {
        (section, row): count
        for section, row, count in rows
        if "—" in section or section == "Reach: totals"
    }


def test_the_report_shows_the_trees_reach_with_small_counts_hidden(app, make, donor_tree):
    client = manager_of(app, make, donor_tree["isj"])
    response = client.get(URL.format(donor_tree["isj"]))
    assert response.status_code == 200
    text = page_text(response)
    # Three sessions (hidden: under five), 28 + 9 + 9 declared, 20 confirmed; one event with
    # ten present; 30 + 12 materials. Nothing of the other tree.
    assert "Sessions <5" in text
    assert "People reached (declared) 46" in text
    assert "People reached (confirmed) 20" in text
    assert "Events <5" in text and "Event attendance 10" in text
    assert "Materials handed out 42" in text
    # (Times of day, such as "computed at 16:50:50", are not counts.)
    counts = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", "", text)
    assert "99" not in counts and "50" not in counts
    # By county: Bihor 28 declared, Cluj 18; sessions 1 and 2, both hidden.
    assert "Bihor <5 28 20 <5 10 42" in text
    assert "Cluj <5 18 0 0 0 0" in text
    # By month: March 2 sessions (hidden), May 1 (hidden) and the event.
    assert "2026-03 <5 18 0 0 0 0" in text


def test_a_single_small_count_beside_others_hides_the_next_smallest(app, make, donor_tree):
    with app.app_context():
        for day in range(5, 12):  # seven more sessions in Cluj: shown; Bihor's one is not
            delivered(donor_tree["school"], on=date(2026, 3, day), county="CJ", declared=9)
        db.session.commit()
    client = manager_of(app, make, donor_tree["isj"])
    text = page_text(client.get(URL.format(donor_tree["isj"])))
    assert f"Bihor {HIDDEN} 28" in text
    assert f"Cluj {SECONDARY} 81" in text  # 9 sessions: hidden, or Bihor's 1 = 10 - 9
    assert "Total 10 109" in text


def test_the_csv_and_the_xlsx_hold_the_pages_figures(app, make, donor_tree):
    client = manager_of(app, make, donor_tree["isj"])
    url = URL.format(donor_tree["isj"])
    rows = list(
        csv.reader(io.StringIO(client.get(url + "&format=csv").get_data().decode("utf-8-sig")))
    )
    assert rows[0] == ["Section", "Row", "Count"]
    figures = reach_rows(rows[1:])
    assert figures[("Reach: totals", "Sessions")] == HIDDEN
    assert figures[("Reach: totals", "People reached (declared)")] == "46"
    assert figures[("Reach: totals", "People reached (confirmed)")] == "20"
    assert figures[("Reach: totals", "Event attendance")] == "10"
    assert figures[("Reach: totals", "Materials handed out")] == "42"
    assert figures[("People reached (declared) — County", "Cluj")] == "18"
    assert figures[("Event attendance — Audience", "Community")] == "10"
    assert figures[("Sessions — Month", "2026-05")] == HIDDEN
    with client.get(url + "&format=xlsx") as response:
        assert response.status_code == 200
        assert response.mimetype.endswith("spreadsheetml.sheet")
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    cells = [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == rows  # numbers as numbers, the same figures
    assert isinstance(sheet.cell(row=2, column=3).value, int | str)


def test_the_report_asks_the_same_number_of_queries_with_more_data(app, make, donor_tree):
    client = manager_of(app, make, donor_tree["isj"])
    url = URL.format(donor_tree["isj"])
    client.get(url)  # the first request of a session reads what later ones keep
    before = count_queries(app, lambda: client.get(url))
    with app.app_context():
        for day in range(1, 20):
            delivered(
                donor_tree["school"], on=date(2026, 2, day), county="SM", audience="community"
            )
            event(donor_tree["isj"], starts_at=datetime(2026, 4, day, 9, tzinfo=UTC), present=3)
        db.session.commit()
    assert count_queries(app, lambda: client.get(url)) == before


def test_another_trees_manager_is_refused(app, make, donor_tree):
    client = manager_of(app, make, donor_tree["other"])
    with client.get(URL.format(donor_tree["isj"]) + "&format=xlsx") as response:
        assert response.status_code == 403
