"""The materials handed out at an event: recorded by its organisers, one number per approved
resource of the library, and counted in the reach figures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.database import utcnow
from elearn.events.models import EventMaterial
from elearn.extensions import db
from elearn.reporting.reach import reach
from elearn.reporting.reach_sql import ReachFilters
from elearn.resources.models import ResourceStatus
from tests.conftest import page_text
from tests.events.test_attendance_factories import add_event
from tests.reporting.reach_factories import resource


@pytest.fixture
def organisation(make) -> int:
    return make.organisation(name="Asociația eLiberare Oradea", kind="ngo")


@pytest.fixture
def setup(app, organisation):
    """An event of the organisation, an approved poster and a flyer still in draft."""
    with app.app_context():
        event = add_event(organisation_id=organisation)
        poster = resource("poster-know-the-signs")
        poster.status = ResourceStatus.APPROVED
        draft = resource("flyer-draft")
        db.session.commit()
        return {"event": event.id, "poster": poster.id, "draft": draft.id}


def _materials(app, event_id: int) -> dict[int, int]:
    with app.app_context():
        rows = db.session.scalars(select(EventMaterial).where(EventMaterial.event_id == event_id))
        return {row.resource_id: row.quantity for row in rows}


def test_an_organiser_records_the_copies_handed_out_and_the_figures_count_them(
    app, client, as_role, organisation, setup
):
    as_role(Role.TRAINER, organisation_id=organisation, language="en")
    url = f"/events/{setup['event']}/materials"
    page = page_text(client.get(url))
    assert "Afiș" in page or "Poster" in page
    assert "flyer-draft" not in page  # only approved materials are offered
    response = client.post(url, data={f"material_{setup['poster']}": "40"})
    assert response.status_code == 302
    assert _materials(app, setup["event"]) == {setup["poster"]: 40}
    with app.app_context():
        assert reach(ReachFilters(), utcnow()).materials == 40
    # Changed, then emptied: the row follows.
    client.post(url, data={f"material_{setup['poster']}": "25"})
    assert _materials(app, setup["event"]) == {setup["poster"]: 25}
    with app.app_context():  # the total kept on the event follows too
        assert reach(ReachFilters(), utcnow()).materials == 25
    client.post(url, data={f"material_{setup['poster']}": ""})
    assert _materials(app, setup["event"]) == {}
    with app.app_context():
        assert reach(ReachFilters(), utcnow()).materials == 0


@pytest.mark.parametrize("copies", ["-1", "many", "100001"])
def test_a_bad_count_is_named_and_nothing_is_saved(
    app, client, as_role, organisation, setup, copies
):
    as_role(Role.TRAINER, organisation_id=organisation, language="en")
    url = f"/events/{setup['event']}/materials"
    client.post(url, data={f"material_{setup['poster']}": "10"})
    response = client.post(url, data={f"material_{setup['poster']}": copies})
    assert response.status_code == 400
    text = page_text(response)
    assert "whole number" in text or "from 0 to 100,000" in text
    assert _materials(app, setup["event"]) == {setup["poster"]: 10}


def test_a_resource_not_approved_is_refused(app, client, as_role, organisation, setup):
    as_role(Role.TRAINER, organisation_id=organisation, language="en")
    response = client.post(
        f"/events/{setup['event']}/materials", data={f"material_{setup['draft']}": "5"}
    )
    # The draft has no field on the form: its value is ignored, nothing is recorded.
    assert response.status_code == 302
    assert _materials(app, setup["event"]) == {}


def test_everyone_but_the_events_organisers_is_refused(client, as_role, make, setup):
    url = f"/events/{setup['event']}/materials"
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    as_role(Role.LEARNER)
    assert client.get(url).status_code == 403
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", county="CJ")
    as_role(Role.MANAGER, organisation_id=other)
    assert client.get(url).status_code == 403
    assert client.post(url, data={f"material_{setup['poster']}": "5"}).status_code == 403


def test_a_missing_event_is_not_found(client, as_role):
    as_role(Role.ADMIN)
    assert client.get("/events/999999/materials").status_code == 404
