"""The monthly summary (reach_session_months) stays equal to the ledger through every kind of
change its writers make, and the network-wide figures read from it equal those counted on the
ledger, whatever the period's edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.reach import catalogue, confirmations, services, tally
from elearn.reach.models import DeliveredSession, SessionMonth
from elearn.reporting.reach import reach
from elearn.reporting.reach_sql import ReachFilters
from tests.reach.conftest import add_resource
from tests.reach.test_services import NOON, data


def summary(app) -> set[tuple]:
    """The summary's rows that count something, as (key..., measures...)."""
    with app.app_context():
        rows = db.session.scalars(select(SessionMonth)).all()
        return {
            tuple(getattr(row, name) for name in (*tally.KEY, *tally.MEASURES))
            for row in rows
            if any(getattr(row, name) for name in tally.MEASURES)
        }


def ledger(app) -> set[tuple]:
    with app.app_context():
        return {tuple(row) for row in db.session.execute(tally.from_ledger())}


def test_every_writer_keeps_the_summary_equal_to_the_ledger(app, teacher, course_with_plan):
    poster = add_resource(app)
    with app.app_context():
        user = db.session.get(User, teacher.id)
        options = catalogue.course_options(teacher.id, date(2027, 3, 10), "en")
        ids = []
        for changes in (
            {},
            {"delivered_on": date(2027, 2, 27), "audience": "parents", "age_band": None},
            {"delivered_on": date(2027, 3, 1), "materials": {poster: 30}},
            {"setting": "parish", "declared_count": 12},
        ):
            session = services.record_session(
                user, data(app, course_with_plan, **changes), options, NOON
            )
            ids.append(session.id)
        db.session.commit()
    assert summary(app) == ledger(app)
    assert sum(row[len(tally.KEY)] for row in summary(app)) == 4  # four sessions

    # Confirmations from three phones (one of them twice), counted where the session is.
    with app.app_context():
        first = db.session.get(DeliveredSession, ids[0])
        outcomes = [
            confirmations.confirm(first, device, NOON)
            for device in ("phone-a", "phone-b", "phone-a", "phone-c")
        ]
        db.session.commit()
        assert outcomes.count(confirmations.Outcome.COUNTED) == 3
        assert confirmations.confirmed_count(ids[0]) == 3
    assert summary(app) == ledger(app)

    # An edit that moves a session to another month, audience and materials.
    with app.app_context():
        session = db.session.get(DeliveredSession, ids[0])
        changed = data(
            app,
            course_with_plan,
            delivered_on=date(2027, 2, 14),
            audience="colleagues",
            age_band=None,
            materials={poster: 5},
        )
        services.update_session(session, changed, options, NOON)
        db.session.commit()
    assert summary(app) == ledger(app)

    # A correction after the editing window: the old record leaves, the new one counts.
    later = NOON + timedelta(days=45)
    with app.app_context():
        user = db.session.get(User, teacher.id)
        session = db.session.get(DeliveredSession, ids[3])
        options = catalogue.course_options(teacher.id, date(2027, 4, 24), "en")
        services.correct_session(
            user, session, data(app, course_with_plan, declared_count=9), options, later
        )
        db.session.commit()
    assert summary(app) == ledger(app)
    assert sum(row[len(tally.KEY)] for row in summary(app)) == 4

    # Made again from the ledger, it is the same.
    with app.app_context():
        tally.recount()
        db.session.commit()
    assert summary(app) == ledger(app)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, None),
        (date(2027, 1, 1), date(2027, 12, 31)),  # whole months only: the summary alone
        (date(2027, 2, 20), date(2027, 3, 5)),  # parts of two months, no whole one
        (date(2027, 1, 15), date(2027, 3, 1)),  # a part, a whole month, a part
        (date(2027, 2, 1), None),
        (None, date(2027, 2, 27)),
        (date(2027, 3, 10), date(2027, 3, 10)),  # one day
    ],
)
def test_everyones_figures_from_the_summary_equal_the_ledgers(app, make, start, end):
    from tests.reporting.reach_factories import delivered, replace

    school = make.organisation()
    other = make.organisation(name="Liceul Teoretic Beiuș")  # with no session of its own
    with app.app_context():
        for day, audience, county in (
            (date(2027, 1, 14), "pupils", "BH"),
            (date(2027, 1, 31), "parents", "CJ"),
            (date(2027, 2, 1), "pupils", "BH"),
            (date(2027, 2, 20), "community", "BH"),
            (date(2027, 2, 28), "colleagues", "SM"),
            (date(2027, 3, 1), "pupils", "BH"),
            (date(2027, 3, 10), "parents", "BH"),
        ):
            delivered(school, on=day, audience=audience, county=county, confirmed=3)
        replace(delivered(school, on=date(2027, 2, 10)), declared=11, on=date(2027, 3, 2))
        db.session.commit()
        now = datetime(2027, 6, 1, 12, 0).astimezone()
        for county in (None, "BH"):
            everyone = reach(ReachFilters(start=start, end=end, county=county), now)
            # Every session has the organisation: its figures are counted on the ledger.
            ledgers = reach(
                ReachFilters(organisation_ids=(school,), start=start, end=end, county=county),
                now,
            )
            assert everyone.sessions == ledgers.sessions
            assert everyone.session_by == ledgers.session_by
        # A session of nobody's organisation: everyone's, but not every organisation's (both
        # organisations together, as a root above all would be: read from the summary too).
        delivered(None, on=date(2027, 2, 15))
        db.session.commit()
        both = ReachFilters(organisation_ids=(school, other), start=start, end=end)
        school_only = ReachFilters(organisation_ids=(school,), start=start, end=end)
        assert reach(both, now).sessions == reach(school_only, now).sessions
        assert reach(both, now).session_by == reach(school_only, now).session_by
        assert reach(ReachFilters(), now).sessions.sessions == 9


def test_a_deleted_organisations_sessions_stay_counted_without_it(app, make):
    from elearn.organisations import services as organisations
    from elearn.organisations.models import Organisation
    from tests.reporting.reach_factories import delivered

    school = make.organisation()
    with app.app_context():
        delivered(school, on=date(2027, 1, 14), confirmed=4)
        delivered(school, on=date(2027, 1, 20), audience="parents")
        db.session.commit()
        organisations.delete_organisation(db.session.get(Organisation, school), by_id=None)
        db.session.commit()
        assert db.session.scalars(select(DeliveredSession.organisation_id)).all() == [None, None]
    assert summary(app) == ledger(app)
    assert {row[tally.KEY.index("organised")] for row in summary(app)} == {0}


def test_the_recount_command_makes_the_summary_again(app, runner):
    from tests.reporting.reach_factories import delivered

    with app.app_context():
        delivered(None, on=date(2027, 1, 14))
        delivered(None, on=date(2027, 1, 20), declared=5)
        db.session.execute(SessionMonth.__table__.delete())  # lost, say, by a restore by hand
        db.session.commit()
    assert summary(app) == set()
    result = runner.invoke(args=["reach", "recount"])
    assert result.exit_code == 0, result.output
    assert "1 monthly rows" in result.output
    assert summary(app) == ledger(app) and len(ledger(app)) == 1
