"""The activation rate as shown: small groups hidden with their figures, and no hidden count
that the others and the total would give away."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from elearn.accounts.models import Role
from elearn.extensions import db
from elearn.reporting.donor import HIDDEN, SECONDARY
from elearn.reporting.reach import Activation
from elearn.reporting.reach_shown import activation_rows
from tests.conftest import page_text, sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.reach_factories import certify, delivered


@pytest.mark.parametrize(
    ("groups", "shown"),
    [
        # Big enough groups: every figure and the rate.
        ([(20, 10), (8, 0)], [("20", "10", "50%"), ("8", "0", "0%")]),
        # One small group hides the next smallest too, with their actives and rates.
        (
            [(20, 10), (9, 5), (2, 1)],
            [("20", "10", "50%"), (SECONDARY, SECONDARY, "—"), (HIDDEN, HIDDEN, "—")],
        ),
        # A small active count alone hides the next smallest active count.
        ([(20, 3), (10, 6)], [("20", HIDDEN, "—"), ("10", SECONDARY, "—")]),
        ([(3, 1)], [(HIDDEN, HIDDEN, "—")]),
    ],
)
def test_small_activation_counts_are_hidden(groups, shown):
    rows = [
        (f"group {i}", Activation(certified, active))
        for i, (certified, active) in enumerate(groups)
    ]
    assert [row[1:] for row in activation_rows(rows)] == shown


def test_the_coordinator_sees_the_activation_rate_by_profession(app, make, course):  # noqa: F811
    teachers = [make.user(full_name=f"Profesor {n}") for n in range(6)]
    officer = make.user(full_name="Agent", profession="police_officer")
    issued = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with app.app_context():
        for person in [*teachers, officer]:
            certify(person.id, course, issued)
        for person in teachers[:5]:
            delivered(None, user_id=person.id, on=date(2026, 4, 1))
        delivered(None, user_id=officer.id, on=date(2026, 4, 1))
        db.session.commit()
    client = app.test_client()
    sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN), language="en"))
    text = page_text(client.get("/reporting/reach?since=2026-01-01&until=2026-06-30"))
    assert "6 of the 7 people certified for the first time in the period delivered" in text
    assert "a session within 90 days (86%)." in text
    # The officer alone would be 7 - 6: the teachers' figures are hidden too.
    assert f"Police officer {HIDDEN} {HIDDEN} —" in text
    assert f"Teacher {SECONDARY} {SECONDARY} —" in text
    cascade = page_text(client.get("/reporting/reach/cascade?since=2026-01-01&until=2026-06-30"))
    assert "Everyone 7 6 86%" in cascade
    assert (
        page_text(client.get("/reporting/reach?since=2025-01-01&until=2025-12-31")).count(
            "Fewer than five people were certified for the first time in the period"
        )
        == 1
    )
