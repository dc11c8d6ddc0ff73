"""The donor report: a period's figures across the tree, no personal data, small counts
hidden (and one more where subtraction would reveal them), printable and as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from elearn.certificates.services import today as platform_day
from elearn.reporting.donor import HIDDEN, SECONDARY, suppress
from tests.certificates.conftest import complete_course
from tests.conftest import page_text
from tests.reporting.conftest import learner, manager_of

URL = "/organisations/{}/donor-report"


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([12, 9, 7], ["12", "9", "7"]),
        ([12, 3, 7], ["12", HIDDEN, SECONDARY]),  # 3 alone would be total - 19
        ([12, 3, 2], ["12", HIDDEN, HIDDEN]),  # two hidden: neither can be worked out
        ([0, 3, 0], ["0", HIDDEN, "0"]),  # nothing else to hide: the total is "<5" too
        ([6], ["6"]),
    ],
)
def test_small_counts_are_hidden_and_cannot_be_subtracted_out(counts, shown):
    table = suppress([(f"row {i}", count) for i, count in enumerate(counts)])
    assert [value for _label, value in table.rows] == shown
    total = sum(counts)
    assert table.total == (HIDDEN if 0 < total < 5 else str(total))


def test_the_report_counts_the_period_across_the_tree_without_names(app, make, county):
    for index in range(5):  # five more completions in school B: enough to be shown
        _person, browser = learner(app, make, county["b"], name=f"Absolvent {index}")
        complete_course(browser, app)
    client = manager_of(app, make, county["isj"])
    with app.app_context():
        today = platform_day()  # the platform's day, which is not UTC's near midnight
    response = client.get(
        URL.format(county["isj"]) + f"?since={today - timedelta(days=30)}&until={today}"
    )
    assert response.status_code == 200
    text = page_text(response)
    # Csilla (A) and Elena (B) completed 10 and 20 days after enrolling, today; five more in B.
    assert "People trained 7" in text and "Courses completed 7" in text
    assert "Certificates issued 7" in text
    # One profession under five hides the other too: with the total it would give it away.
    assert "Police officer <5" in text and "Teacher — " in text
    for name in ("Csilla", "Elena", "Absolvent"):
        assert name not in text
    assert not re.search(r"person\d+@", text)  # no one's email address
    earlier = client.get(URL.format(county["isj"]) + "?since=2020-01-01&until=2020-12-31")
    assert "People trained 0" in page_text(earlier)


def test_the_csv_holds_the_same_shown_counts(app, make, county):
    client = manager_of(app, make, county["isj"])
    with app.app_context():
        today = platform_day()  # the platform's day, which is not UTC's near midnight
    response = client.get(
        URL.format(county["isj"]) + f"?since={today - timedelta(days=30)}&until={today}&format=csv"
    )
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Row", "Count"]
    assert ["Totals", "People trained", HIDDEN] in rows  # two people: hidden
    assert all("@" not in cell for row in rows for cell in row)


def test_bad_periods_and_other_trees_are_refused(app, make, county):
    school = manager_of(app, make, county["a"])
    assert school.get(URL.format(county["isj"])).status_code == 403
    response = school.get(URL.format(county["a"]) + "?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 400
    assert "The end date must not be before the start date." in page_text(response)
    assert school.get(URL.format(county["a"]) + "?since=yesterday&until=").status_code == 400
    assert school.get(URL.format(county["a"])).status_code == 200  # this year so far
