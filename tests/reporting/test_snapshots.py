"""The dashboard's figures kept for a few minutes: shown again with the moment they were
computed, never shared between organisations or filters, computed afresh once they are old,
and computed anyway when the cache cannot be reached."""

from __future__ import annotations

import pytest

from elearn.extensions import cache
from tests.conftest import count_queries, page_text
from tests.reporting.conftest import learner, manager_of
from tests.reporting.test_dashboard import URL, course_row

KEPT = {"REPORTING_CACHE_SECONDS": 300}


def enrolled(client, organisation) -> str:
    return course_row(page_text(client.get(URL.format(organisation)))).split()[0]


@pytest.mark.parametrize("config_overrides", [KEPT], indirect=True)
def test_figures_are_shown_again_until_they_are_old(app, make, county):
    client = manager_of(app, make, county["isj"])
    first = page_text(client.get(URL.format(county["isj"])))
    assert course_row(first).split()[0] == "4"
    assert "They are computed again at most every 5 minutes." in first
    _person, browser = learner(app, make, county["b"], name="Flavia Late")
    browser.post("/courses/test-course/enrol")
    again = page_text(client.get(URL.format(county["isj"]) + "?sort=completed"))
    assert course_row(again).split()[0] == "4"  # sorting does not count again
    moment = first.split("Figures computed at ", 1)[1].split(".", 1)[0]
    assert f"Figures computed at {moment}." in again
    with app.app_context():
        cache.clear()  # as if five minutes had gone by
    assert enrolled(client, county["isj"]) == "5"


@pytest.mark.parametrize("config_overrides", [KEPT], indirect=True)
def test_kept_figures_are_never_shared_between_organisations_or_filters(app, make, county):
    county_manager = manager_of(app, make, county["isj"])
    assert enrolled(county_manager, county["isj"]) == "4"
    school_manager = manager_of(app, make, county["a"])
    assert enrolled(school_manager, county["a"]) == "3"
    narrowed = page_text(county_manager.get(URL.format(county["isj"]) + "?profession=teacher"))
    assert course_row(narrowed).split()[0] == "3"  # Elena, a police officer, is left out


@pytest.mark.parametrize("config_overrides", [KEPT], indirect=True)
def test_a_kept_page_skips_the_counting(app, make, county):
    client = manager_of(app, make, county["isj"])
    page = URL.format(county["isj"])
    first = count_queries(app, lambda: client.get(page))
    second = count_queries(app, lambda: client.get(page))
    assert second < first


@pytest.mark.parametrize("config_overrides", [KEPT], indirect=True)
def test_an_unreachable_cache_only_costs_time(app, make, county, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise ConnectionError("no route to the cache")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    client = manager_of(app, make, county["isj"])
    response = client.get(URL.format(county["isj"]))
    assert response.status_code == 200
    assert course_row(page_text(response)).split()[0] == "4"
    assert "reporting cache could not be read" in caplog.text
