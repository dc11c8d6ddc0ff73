"""The reach pages: an organisation's (its managers and administrators), everyone's and the
cascade (administrators only): who may see them, what they show, bad filters, and as many
queries with much data as with little."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from elearn.accounts.models import Role
from elearn.extensions import db
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from tests.conftest import count_queries, page_text, sign_in
from tests.reporting.conftest import manager_of
from tests.reporting.reach_factories import delivered, event

ORGANISATION = "/organisations/{}/reach"
OVERVIEW = "/reporting/reach"
CASCADE = "/reporting/reach/cascade"


@pytest.fixture
def trees(app, make):
    isj = make.organisation(name="ISJ Bihor")
    school = make.organisation(name="Școala A")
    other = make.organisation(name="Altă școală", county="CJ")
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, school), isj, by_id=None)
        delivered(school, declared=28, confirmed=20)
        delivered(isj, on=date(2026, 4, 2), declared=15, audience="parents", setting="parish")
        delivered(other, declared=99, county="CJ")
        event(isj, present=10, absent=2, unregistered=3)
        event(other, present=50, county="CJ")
        db.session.commit()
    return {"isj": isj, "school": school, "other": other}


def administrator(app, make):
    client = app.test_client()
    sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN), language="en"))
    return client


def test_a_manager_sees_their_trees_reach_and_nothing_of_another(app, make, trees):
    client = manager_of(app, make, trees["isj"])
    response = client.get(ORGANISATION.format(trees["isj"]) + "?since=2026-01-01")
    assert response.status_code == 200
    text = page_text(response)
    assert "Sessions delivered 2" in text
    assert "People reached (declared) 43" in text
    assert "People reached (confirmed) 20" in text
    assert "Events 1" in text and "Event attendance 13" in text
    assert "Parish or church 1 15 0 0" in text and "13–15 years 1 28 20 0" in text
    # Nothing of the other tree. (Times of day, such as "computed at 10:43:50", are not counts.)
    counts = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", "", text)
    assert "99" not in counts and "50" not in counts
    assert "(counted apart)" not in text  # the coordinator's view only
    assert client.get(ORGANISATION.format(trees["other"])).status_code == 403
    school = manager_of(app, make, trees["school"])
    assert school.get(ORGANISATION.format(trees["isj"])).status_code == 403
    school_text = page_text(school.get(ORGANISATION.format(trees["school"])))
    assert "Sessions delivered 1" in school_text and "Events 0" in school_text


def test_only_administrators_see_everyones_reach_and_the_cascade(app, make, trees):
    manager = manager_of(app, make, trees["isj"])
    assert manager.get(OVERVIEW).status_code == 403
    assert manager.get(CASCADE).status_code == 403
    admin = administrator(app, make)
    text = page_text(admin.get(OVERVIEW))
    assert "Sessions delivered 3" in text and "People reached (declared) 142" in text
    assert "Events 2" in text and "Event attendance 63" in text
    assert "Downloads of the library's files (counted apart) 0" in text
    cascade = page_text(admin.get(CASCADE + "?since=2026-01-01&until=2026-12-31"))
    assert "Sessions delivered 3" in cascade
    assert "Reached in all (declared) 205" in cascade  # 142 at sessions, 63 at events
    assert admin.get(ORGANISATION.format(trees["other"])).status_code == 200


def test_anonymous_visitors_and_learners_are_refused(app, client, as_role, trees):
    for url in (ORGANISATION.format(trees["isj"]), OVERVIEW, CASCADE):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    as_role(Role.TRAINER)
    for url in (ORGANISATION.format(trees["isj"]), OVERVIEW, CASCADE):
        assert client.get(url).status_code == 403


def test_a_missing_organisation_is_not_found(app, make, trees):
    assert administrator(app, make).get(ORGANISATION.format(999_999)).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=2026-05-01&until=2026-04-01", "The end date must not be before the start date."),
        ("?county=XX", "Choose a county from the list."),
        ("?course=12345", "Choose a course from the list."),
        ("?since=yesterday", "Not a valid date value."),
    ],
)
def test_bad_filters_are_explained_not_obeyed(app, make, trees, query, message):
    admin = administrator(app, make)
    for url in (ORGANISATION.format(trees["isj"]), OVERVIEW, CASCADE):
        response = admin.get(url + query)
        assert response.status_code == 400
        assert message in page_text(response)


def test_the_pages_ask_as_many_queries_for_much_data_as_for_little(app, make, trees):
    admin = administrator(app, make)
    manager = manager_of(app, make, trees["isj"])
    pages = [
        (manager, ORGANISATION.format(trees["isj"])),
        (admin, OVERVIEW),
        (admin, CASCADE),
    ]
    for client, url in pages:
        client.get(url)  # the first request of a session reads what later ones keep
    before = [count_queries(app, lambda c=c, u=u: c.get(u)) for c, u in pages]
    with app.app_context():
        for day in range(1, 25):
            delivered(trees["school"], on=date(2026, 1, day), county="SM", audience="community")
            event(trees["isj"], starts_at=datetime(2026, 2, day, 9, tzinfo=UTC), present=2)
        db.session.commit()
    assert [count_queries(app, lambda c=c, u=u: c.get(u)) for c, u in pages] == before


@pytest.mark.parametrize("config_overrides", [{"REPORTING_CACHE_SECONDS": 300}], indirect=True)
def test_figures_are_kept_for_a_few_minutes_when_the_platform_says_so(app, make, trees):
    admin = administrator(app, make)
    assert "Sessions delivered 3" in page_text(admin.get(OVERVIEW))
    with app.app_context():
        delivered(trees["school"], declared=5)
        db.session.commit()
    text = page_text(admin.get(OVERVIEW))
    assert "Sessions delivered 3" in text  # kept: not counted again
    assert "They are computed again at most every 5 minutes." in text
    # Other filters are other figures, counted now.
    assert "Sessions delivered 4" in page_text(admin.get(OVERVIEW + "?since=2026-01-01"))
