"""The suite's snapshots of built fixtures (tests/snapshots.py) put back exactly what the build
made, keep ids running from there, and never replay a build that changed what it found."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.organisations.models import Organisation
from tests.conftest import _empty_tables
from tests.snapshots import _rows, built_once


@pytest.fixture
def fixture_request(request):
    """A fixture's own request, as `built_once` gets it inside a fixture."""
    return request


def start_again(app) -> None:
    """Empty tables and restarted ids, as at the start of the next test."""
    with app.app_context():
        db.session.remove()
        _empty_tables()


def everything(app) -> dict:
    with app.app_context():
        return _rows()


def test_a_replayed_build_puts_back_the_same_rows_and_ids_go_on_after_them(
    app, make, fixture_request
):
    builds = []

    def build():
        builds.append(1)
        school = make.organisation(name="Școala Gimnazială nr. 1 Beiuș", county="BH")
        person = make.user(organisation_id=school, full_name="Ilona Kovács", language="hu")
        return {"school": school, "person": person.id}

    built = built_once(fixture_request, app, build)
    rows = everything(app)
    start_again(app)
    replayed = built_once(fixture_request, app, build)

    assert builds == [1]
    assert replayed == built
    assert everything(app) == rows
    assert rows["users"] and rows["organisations"]
    later = make.organisation(name="Liceul Teoretic Beiuș")
    assert later == built["school"] + 1  # the sequence goes on after the rows put back
    with app.app_context():
        names = db.session.scalars(select(Organisation.name).order_by(Organisation.id)).all()
    assert names == ["Școala Gimnazială nr. 1 Beiuș", "Liceul Teoretic Beiuș"]


def test_a_build_that_changes_a_row_it_found_runs_every_time(app, make, fixture_request):
    builds = []

    def build():
        builds.append(1)
        with app.app_context():
            school = db.session.scalar(select(Organisation))
            school.name = "Renamed"
            db.session.commit()

    make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    built_once(fixture_request, app, build)
    start_again(app)
    make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    built_once(fixture_request, app, build)

    assert builds == [1, 1]
    with app.app_context():
        assert db.session.scalar(select(Organisation.name)) == "Renamed"


def test_a_different_starting_state_builds_afresh(app, make, fixture_request):
    builds = []

    def build():
        builds.append(1)
        make.organisation(name="Added by the build")

    built_once(fixture_request, app, build)
    start_again(app)
    make.organisation(name="Already there")  # one more row than the first time
    built_once(fixture_request, app, build)

    assert builds == [1, 1]
    with app.app_context():
        names = set(db.session.scalars(select(Organisation.name)))
    assert names == {"Already there", "Added by the build"}
