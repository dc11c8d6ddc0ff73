"""Issue 12's "done when": with an inspectorate, three schools and 50 members at every stage,
every dashboard figure computed by hand from the raw rows (tests/reporting/agreement_data.py)
is what the page shows, what the CSV and XLSX exports hold (the XLSX read back with openpyxl)
and what the API answers — with no filter, and with filters of each kind."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import openpyxl
import pytest
from flask_babel import force_locale

from elearn.certificates.services import today
from elearn.extensions import db
from elearn.reference import COUNTIES, PROFESSIONS
from tests.api.conftest import bearer, token_for
from tests.conftest import sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.agreement_data import build, expected, second_course

COURSE_COLUMNS = (
    "enrolled",
    "not_started",
    "in_progress",
    "completed",
    "completion_rate",
    "valid_certificates",
    "expiring_certificates",
    "median_days_to_complete",
    "median_minutes_spent",
    "average_best_score",
)
ASSIGNMENT_COLUMNS = ("assigned", "met_on_time", "met_late", "overdue", "due_soon")
CERTIFICATE_STATUSES = {
    "valid": "valid",
    "expired": "expired",
    "revoked": "revoked",
    "replaced by a newer certificate": "superseded",
}
STATUSES = {
    "completed": "completed",
    "in progress": "in_progress",
    "not started": "not_started",
    "not enrolled": "not_enrolled",
}
ASSIGNMENT_STATES = {
    "met on time": "met_on_time",
    "met late": "met_late",
    "overdue": "overdue",
    "due within 14 days": "due_soon",
    "due later": "due_later",
}


class Tables(HTMLParser):
    """Each <table> of a page, by its caption: rows of cell texts (header row left out)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._cell = None
        self._rows: list | None = None
        self._row: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._name = [], ""
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._name, self._caption = self._caption.strip(), None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.tables[self._name] = self._rows[1:]


def number(text):
    """A figure as the page or a CSV writes it: "—" or "" is None, "50%" is 50."""
    if text is None or text in ("—", ""):
        return None
    if isinstance(text, int | float):
        return text
    return float(text.rstrip("%"))


def percent(rate):
    return round(100 * rate) if rate is not None else None


def course_table(expect, columns=COURSE_COLUMNS + ASSIGNMENT_COLUMNS) -> dict:
    """The course table as the exports show it (the page: ``columns``), rates as whole
    percentages."""
    return {
        title: [percent(row[c]) if c == "completion_rate" else row[c] for c in columns]
        for title, row in expect.courses.items()
    }


def assignment_table(expect) -> dict:
    """The page's assignments by course: the courses with any."""
    table = course_table(expect, ASSIGNMENT_COLUMNS)
    return {title: row for title, row in table.items() if row[0]}


def breakdown_table(counts: dict, labels, part="both") -> dict:
    """A breakdown as the exports show it; the page has its completion ("completion") and its
    assignments ("assignments", the rows with any but for organisations) apart."""
    table = {}
    for key, (enrolled, completed, *assignments) in counts.items():
        completion = [enrolled, completed, percent(completed / enrolled if enrolled else None)]
        if part == "completion":
            table[labels(key)] = completion
        elif part == "assignments":
            if assignments[0] or labels is _same:
                table[labels(key)] = assignments
        else:
            table[labels(key)] = completion + assignments
    return table


def _same(name):
    return name


def english(labels: dict, key) -> str:
    with force_locale("en"):
        return str(labels[key])


def check_page(client, url, expect, label_of):
    response = client.get(url)
    assert response.status_code == 200, response.headers.get("Location")
    html = response.get_data(as_text=True)
    tables = Tables(html).tables
    members = int(re.search(r"(\d+) (?:people|person) counted", html).group(1))
    assert members == expect.members
    shown = {row[0]: [number(cell) for cell in row[1:]] for row in tables["Completion by course"]}
    assert shown == course_table(expect, COURSE_COLUMNS)
    shown = {row[0]: [number(cell) for cell in row[1:]] for row in tables["Assignments by course"]}
    assert shown == assignment_table(expect)
    for caption, counts, labels in (
        ("by profession", expect.professions, label_of["professions"]),
        ("by county", expect.counties, label_of["counties"]),
        ("by organisation (each with the organisations below it)", expect.organisations, _same),
    ):
        for part, heading in (("completion", "Completion "), ("assignments", "Assignments ")):
            found = tables.get(heading + caption, [])
            rows = {row[0]: [number(cell) for cell in row[1:]] for row in found}
            assert rows == breakdown_table(counts, labels, part), heading + caption
    months = re.findall(r'aria-label="(\d{4}-\d{2}): (\d+)"', html)
    assert [(month, int(count)) for month, count in months] == expect.months


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[1:]


def read_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def check_exports(client, base, query, expect, label_of):
    for kind, read in (("csv", read_csv), ("xlsx", read_xlsx)):

        def table(name, kind=kind, read=read):
            url = f"{base}/export?{urlencode({**query, 'table': name, 'format': kind})}"
            with client.get(url) as response:
                assert response.status_code == 200, url
                return read(response)

        rows = {row[0]: [number(cell) for cell in row[1:]] for row in table("courses")}
        assert rows == course_table(expect), kind
        for name, counts, labels in (
            ("professions", expect.professions, label_of["professions"]),
            ("counties", expect.counties, label_of["counties"]),
            ("organisations", expect.organisations, _same),
        ):
            rows = {row[0]: [number(cell) for cell in row[1:]] for row in table(name)}
            assert rows == breakdown_table(counts, labels), (kind, name)
        months = [(row[0], int(number(row[1]))) for row in table("months")]
        assert months == expect.months, kind
        people = sorted(_person_from_file(row, kind) for row in table("people"))
        assert people == sorted(_person_expected(row) for row in expect.people), kind


def _day(value):
    if value in (None, ""):
        return None
    return value.date() if hasattr(value, "date") else date.fromisoformat(value)


def _person_from_file(row, kind) -> tuple:
    return (
        row[1],
        row[5],
        _day(row[7]),
        STATUSES[row[8]],
        int(number(row[9])),
        int(number(row[10])),
        _day(row[11]),
        number(row[12]),
        int(number(row[13])),
        row[15] or None,  # row[14] is the time on lessons, as text ("57 min")
        CERTIFICATE_STATUSES.get(row[16]),
        _day(row[18]),
        ASSIGNMENT_STATES.get(row[19]),
    )


def _person_expected(row) -> tuple:
    return (
        row["name"],
        row["course"],
        row["enrolled_on"],
        row["status"],
        row["lessons_completed"],
        row["required_lessons"],
        row["completed_on"],
        row["best_score"],
        row["minutes_spent"],
        row["certificate_code"],
        row["certificate_status"],
        row["due_on"],
        row["assignment_status"],
    )


def check_api(client, secret, root, query, expect):
    base = f"/api/v1/organisations/{root}"
    qs = urlencode(query)
    figures = client.get(f"{base}/figures?{qs}", headers=bearer(secret)).get_json()
    assert figures["members"] == expect.members
    answered = {
        row["title"]["en"]: {column: row[column] for column in COURSE_COLUMNS + ASSIGNMENT_COLUMNS}
        for row in figures["courses"]
    }
    assert answered == expect.courses
    for row in figures["courses"]:
        assert all(isinstance(row[c], int) for c in COURSE_COLUMNS[:4] + COURSE_COLUMNS[5:7])
    for dimension, counts in (
        ("professions", expect.professions),
        ("counties", expect.counties),
        ("organisations", expect.organisations),
    ):
        body = client.get(f"{base}/breakdowns/{dimension}?{qs}", headers=bearer(secret))
        rows = body.get_json()["rows"]
        key = "label" if dimension == "organisations" else "key"
        got = {
            row[key]: (row["enrolled"], row["completed"], *(row[c] for c in ASSIGNMENT_COLUMNS))
            for row in rows
        }
        assert got == counts, dimension
        for row in rows:
            rate = row["completed"] / row["enrolled"] if row["enrolled"] else None
            assert row["completion_rate"] == rate, row
    months = client.get(f"{base}/breakdowns/months?{qs}", headers=bearer(secret)).get_json()
    assert [(row["month"], row["completed"]) for row in months["rows"]] == expect.months
    people, url = [], f"{base}/people?{urlencode({**query, 'per_page': 17})}"
    while url:
        page = client.get(url, headers=bearer(secret)).get_json()
        assert page["total"] == len(expect.people)
        people += page["people"]
        url = page["next"]
    got = sorted(
        (
            row["name"],
            row["course_title"]["en"],
            _day(row["enrolled_on"]),
            row["status"],
            row["lessons_completed"],
            row["required_lessons"],
            _day(row["completed_on"]),
            row["best_score"],
            row["minutes_spent"],
            row["certificate_code"],
            row["certificate_status"],
            _day(row["due_on"]),
            row["assignment_status"],
        )
        for row in people
    )
    assert got == sorted(_person_expected(row) for row in expect.people)


@pytest.fixture
def world(app, make, course):  # noqa: F811 - the fixture imported above
    return build(app, make, [course, second_course(app)])


def test_the_page_the_exports_and_the_api_agree_with_the_raw_rows(app, make, world):
    manager = world["manager"]
    browser = app.test_client()
    sign_in(browser, manager)
    secret = token_for(app, manager, [world["isj"]])
    api = app.test_client()
    with app.app_context():
        day = today()
        second_course_id = db.session.execute(
            db.text("SELECT id FROM courses WHERE slug = 'second-course'")
        ).scalar()
        since = (day - timedelta(days=200)).isoformat()
        until = (day - timedelta(days=60)).isoformat()
        filter_sets = [
            {},
            {"profession": "teacher", "county": "BH"},
            {"organisation": world["schools"][1], "course": second_course_id},
            {"since": since, "until": until},
        ]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        names = {
            "professions": {code: english(PROFESSIONS, code) for code in PROFESSIONS},
            "counties": {code: english(COUNTIES, code) for code in COUNTIES},
        }
    label_of = {dimension: labels.__getitem__ for dimension, labels in names.items()}
    for query in filter_sets:
        with app.app_context():
            expect = expected(app, root=world["isj"], filters=query, today=day)
        assert expect.people, query  # every pass counts someone
        base = f"/organisations/{world['isj']}/dashboard"
        check_page(browser, f"{base}?{urlencode(query)}", expect, label_of)
        check_exports(browser, base, query, expect, label_of)
        check_api(api, secret, world["isj"], query, expect)
    # The world holds what the definitions distinguish (else the test would prove little).
    with app.app_context():
        everything = expected(app, root=world["isj"], filters={}, today=day)
    figures = list(everything.courses.values())
    assert everything.members == 51  # the 50 and their manager; never the four others
    for column in ("not_started", "in_progress", "completed", "expiring_certificates"):
        assert all(row[column] > 0 for row in figures), column
    statuses = {row["certificate_status"] for row in everything.people}
    assert {"valid", "expired", "revoked"} <= statuses
    states = {row["assignment_status"] for row in everything.people}
    assert {"met_on_time", "met_late", "overdue", "due_soon", "due_later"} <= states
    assert "not_enrolled" in {row["status"] for row in everything.people}
