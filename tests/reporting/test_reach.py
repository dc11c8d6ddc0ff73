"""The reach figures' definitions (docs/reporting.md, "Reach"), each against counts worked
out by hand: replaced records, cancelled and draft events, unregistered attendees, declared
against confirmed, the local month, the scope of an organisation, the activation window."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from elearn.extensions import db
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.reporting import reach
from elearn.reporting.reach_sql import ReachFilters
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.reach_factories import (
    NOW,
    certify,
    delivered,
    downloaded,
    event,
    replace,
    resource,
)

SPRING = {"start": date(2026, 1, 1), "end": date(2026, 6, 30)}


@pytest.fixture
def network(app, make):
    """A county inspectorate above school A; school B elsewhere; sessions and events of each,
    some that must never count."""
    isj = make.organisation(name="ISJ Bihor")
    school_a = make.organisation(name="Școala A")
    school_b = make.organisation(name="Școala B")
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, school_a), isj, by_id=None)
        poster = resource().id
        delivered(school_a, declared=28, confirmed=20, materials={poster: 30})
        delivered(
            isj,
            on=date(2026, 4, 2),
            declared=15,
            profession="clergy",
            county="CJ",
            audience="parents",
            setting="parish",
        )
        old = delivered(school_a, on=date(2026, 5, 25), declared=10, audience="colleagues")
        replace(old, declared=12)  # the correction counts, the record it replaced does not
        delivered(school_b, declared=40)  # another tree
        delivered(school_a, on=date(2025, 12, 30), declared=9)  # before the period
        event(isj, present=10, absent=2, waiting=4, unregistered=3, materials={poster: 12})
        event(isj, present=5, cancelled=True)
        event(isj, present=5, published=False)
        event(isj, present=5, starts_at=datetime(2026, 6, 20, 9, tzinfo=UTC))  # after NOW
        event(
            isj,
            kind="training",
            audience="specialists",
            starts_at=datetime(2026, 5, 12, 9, tzinfo=UTC),
            present=6,
        )
        # 00:30 on 1 May in Oradea: May, although it is still April in UTC.
        event(isj, starts_at=datetime(2026, 4, 30, 21, 30, tzinfo=UTC), present=1, county=None)
        event(school_b, present=7)
        db.session.commit()
        return {"isj": isj, "a": school_a, "b": school_b, "poster": poster}


def subtree(app, organisation_id):
    with app.app_context():
        return tuple(db.session.scalars(tree.subtree_ids(organisation_id)))


def test_an_organisations_reach_counts_what_its_tree_did_and_nothing_else(app, network):
    ids = subtree(app, network["isj"])
    with app.app_context():
        figures = reach.reach(ReachFilters(organisation_ids=ids, **SPRING), NOW)
    # Sessions of 20 May (28 declared, 20 confirmed), 2 April (15) and the correction (12).
    assert figures.sessions == reach.Sessions(sessions=3, declared=55, confirmed=20, materials=30)
    # The round table (10 present + 3 unregistered), the training (6), the one at midnight (1);
    # not the cancelled, draft, future or other tree's ones, nor the absent or waiting.
    assert figures.events == reach.Events(events=3, present=17, unregistered=3, materials=12)
    assert figures.events.attendance == 20
    assert figures.materials == 42
    by_month = {key: row.sessions for key, row in figures.session_by["month"]}
    assert by_month == {"2026-04": 1, "2026-05": 2}
    assert {key: row.events for key, row in figures.event_by["month"]} == {"2026-05": 3}
    assert {key: row.declared for key, row in figures.session_by["audience"]} == {
        "colleagues": 12,
        "parents": 15,
        "pupils": 28,
    }
    assert [(key, row.sessions) for key, row in figures.session_by["age_band"]] == [("13-15", 1)]
    assert {key: row.sessions for key, row in figures.session_by["profession"]} == {
        "clergy": 1,
        "teacher": 2,
    }
    assert {key: row.events for key, row in figures.event_by["county"]} == {"": 1, "BH": 2}
    assert figures.events_for_specialists() == reach.Events(events=1, present=6)


def test_filters_narrow_by_county_and_period(app, network):
    ids = subtree(app, network["isj"])
    with app.app_context():
        cluj = reach.reach(ReachFilters(organisation_ids=ids, county="CJ", **SPRING), NOW)
        april = reach.reach(
            ReachFilters(organisation_ids=ids, start=date(2026, 4, 1), end=date(2026, 4, 30)), NOW
        )
    assert (cluj.sessions.sessions, cluj.sessions.declared, cluj.events.events) == (1, 15, 0)
    # The event at 00:30 on 1 May (local) is not April's.
    assert (april.sessions.sessions, april.events.events) == (1, 0)


def test_everyones_reach_includes_every_tree(app, network):
    with app.app_context():
        figures = reach.reach(ReachFilters(**SPRING), NOW)
    assert (figures.sessions.sessions, figures.sessions.declared) == (4, 95)
    assert (figures.events.events, figures.events.attendance) == (4, 27)


def test_downloads_are_counted_apart_within_the_period(app, network):
    from elearn.resources.models import Resource

    with app.app_context():
        poster = db.session.get(Resource, network["poster"])
        downloaded(poster, date(2026, 5, 3), 17)
        downloaded(poster, date(2025, 5, 3), 100)
        db.session.commit()
        assert reach.downloads(ReachFilters(**SPRING)) == 17


def test_activation_counts_sessions_up_to_day_90_and_not_day_91(app, make, course):  # noqa: F811
    people = [
        make.user(full_name=f"Persoana {n}", profession=p)
        for n, p in enumerate(["teacher", "teacher", "police_officer", "teacher", "teacher"])
    ]
    # 00:30 on 1 March in Oradea, still 28 February in UTC: day 0 is 1 March, day 90 30 May.
    issued = datetime(2026, 2, 28, 22, 30, tzinfo=UTC)
    with app.app_context():
        for person in people[:4]:
            certify(person.id, course, issued)
        certify(people[4].id, course, datetime(2025, 11, 1, 9, tzinfo=UTC))  # before the period
        delivered(None, user_id=people[0].id, on=date(2026, 5, 30))  # day 90: counts
        delivered(None, user_id=people[1].id, on=date(2026, 5, 31))  # day 91: too late
        old = delivered(None, user_id=people[2].id, on=date(2026, 3, 10))
        replace(old, on=date(2026, 9, 1))  # corrected to a day far outside the window
        delivered(None, user_id=people[4].id, on=date(2026, 3, 2))  # not in the cohort
        db.session.commit()
        figures = reach.activation(ReachFilters(**SPRING))
    total = figures["total"][0][1]
    assert (total.certified, total.active) == (4, 1)
    assert total.rate == 0.25
    assert {key: (row.certified, row.active) for key, row in figures["profession"]} == {
        "police_officer": (1, 0),
        "teacher": (3, 1),
    }
    assert [(key, row.certified) for key, row in figures["county"]] == [("BH", 4)]


def test_the_cascade_counts_trainers_the_trained_and_the_reached(app, make, network, course):  # noqa: F811
    from elearn.accounts.models import Role

    make.user(roles=(Role.LEARNER, Role.TRAINER))
    make.user(roles=(Role.LEARNER, Role.TRAINER), second_factor=False)
    certified = make.user(profession="police_officer", county="CJ")
    with app.app_context():
        certify(certified.id, course, datetime(2026, 3, 3, 9, tzinfo=UTC))
        db.session.commit()
        cascade = reach.cascade(ReachFilters(**SPRING), NOW)
    assert cascade.trainers == 2
    assert (cascade.trainings.events, cascade.trainings.attendance) == (1, 6)
    assert cascade.certified == 1 and cascade.trained == 7
    assert cascade.certified_by == {"profession": [("police_officer", 1)], "county": [("CJ", 1)]}
    # 95 declared at sessions, and the other events' attendance: 13 + 1 + 7.
    assert cascade.reached_declared == 95 + 21
    assert cascade.reached_confirmed == 20 + 21


def test_nobody_is_certified_when_no_certificate_was_issued(app, make):
    """On SQLite the total is a part of a UNION that names no column of its source: it must
    still count the source's rows, not one row of nothing."""
    organisation = make.organisation(name="Asociația (ONG)", kind="ngo")
    with app.app_context():
        delivered(organisation, declared=28, confirmed=20)
        db.session.commit()
        figures = reach.cascade(ReachFilters(start=date(2026, 1, 1), end=date(2026, 12, 31)), NOW)
    assert figures.certified == 0
    assert figures.certified_by == {"profession": [], "county": []}
