"""The reach benchmark's generator and measurement (bench/reach.py) on a tiny dataset, so that
they keep working; the figures at full size are docs/performance.md's business."""

from __future__ import annotations

from sqlalchemy import func, select

from bench import reach as bench_reach
from elearn.accounts.models import Role
from elearn.events.models import Event
from elearn.extensions import db
from elearn.reach.models import DeliveredSession
from tests.conftest import sign_in
from tests.reporting.conftest import manager_of


def test_the_reach_benchmark_generates_its_data_and_measures_every_page(app, make):
    root = make.organisation(name="Rețeaua națională")
    schools = [make.organisation(name=f"Școala {n}") for n in range(3)]
    with app.app_context():
        made = bench_reach.generate(db, schools, sessions=250, events=12)
        replaced = db.session.scalar(
            select(func.count()).where(DeliveredSession.replaced_by_id.is_not(None))
        )
        cancelled = db.session.scalar(select(func.count()).where(Event.cancelled_at.is_not(None)))
    assert made == {"sessions": 250, "events": 12, "resources": 5}
    assert 1 <= replaced <= 3  # one in a hundred (by id), never the last
    admin = app.test_client()
    sign_in(admin, make.user(roles=(Role.LEARNER, Role.ADMIN)))
    manager = manager_of(app, make, schools[0])
    results = bench_reach.measure(app, admin, manager, root, schools[0], repeat=2)
    pages = ("coordinator's view", "cascade", "county's view", "donor report, national root")
    for mode in ("counted on every view", "figures kept"):
        for name in pages:
            assert results[mode][name]["p95_ms"] > 0, (mode, name)
    assert results["counted"]["sessions"] == 250 - replaced
    assert results["counted"]["events"] == 12 - cancelled
    assert results["counted"]["attendance"] > 0
