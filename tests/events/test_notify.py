"""The reminder the day before, by `elearn notify`, with the usual guarantees: claimed before
it is sent, sent once, released when the mail server refuses it, taken over after a run died;
only to people with a place, in their language, never for a cancelled event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from elearn.accounts.models import Role
from elearn.events import notify, services
from elearn.events.models import Event, EventRegistration
from elearn.extensions import db
from tests.events.event_factories import make_event, register

# 10:00 in Oradea on Thursday 18 March 2027 (UTC+2 in March).
STARTS = datetime(2027, 3, 18, 8, 0, tzinfo=UTC)
THE_DAY_BEFORE = "2027-03-17 07:00:00"


@pytest.fixture
def event_id(app, make):
    organisation = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation)
    with freeze_time("2027-03-01 09:00:00"):
        return make_event(
            app,
            organisation,
            trainer.id,
            capacity=1,
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=2),
        )


def run(app) -> dict:
    with app.app_context():
        return notify.send_event_reminders()


def reminder_of(app, registration_id: int) -> EventRegistration:
    with app.app_context():
        return db.session.get(EventRegistration, registration_id)


def test_the_reminder_goes_the_day_before_once_only_to_people_with_a_place(
    app, make, event_id, outbox
):
    with freeze_time("2027-03-02 09:00:00"):
        placed = register(app, event_id, make.user(email="ilona@example.org", language="hu").id)
        register(app, event_id, make.user(email="waiting@example.org").id)
    with freeze_time("2027-03-16 07:00:00"):  # two days before: not yet
        assert run(app) == {"sent": 0, "failed": 0}
    with freeze_time(THE_DAY_BEFORE):
        assert run(app) == {"sent": 1, "failed": 0}
        assert run(app) == {"sent": 0, "failed": 0}
    assert [m.to for m in outbox] == [["ilona@example.org"]]
    assert outbox[0].subject != "Your event is coming soon"  # Hungarian
    assert "Masă rotundă" in outbox[0].body
    sent = reminder_of(app, placed.id)
    assert sent.reminder_claimed_at is not None and sent.reminder_sent_at is not None


def test_no_reminder_for_a_cancelled_event_or_registration(app, make, event_id, outbox):
    with freeze_time("2027-03-02 09:00:00"):
        person = make.user()
        register(app, event_id, person.id)
        with app.app_context():
            from elearn.accounts.models import User

            services.cancel_registration(
                db.session.get(Event, event_id), db.session.get(User, person.id)
            )
            db.session.commit()
        register(app, event_id, make.user().id)
        with app.app_context():
            services.cancel_event(db.session.get(Event, event_id))
            db.session.commit()
    with freeze_time(THE_DAY_BEFORE):
        assert run(app) == {"sent": 0, "failed": 0}
    assert outbox == []


def test_a_refused_send_releases_the_claim_for_the_next_run(
    app, make, event_id, outbox, monkeypatch
):
    with freeze_time("2027-03-02 09:00:00"):
        placed = register(app, event_id, make.user().id)
    with freeze_time(THE_DAY_BEFORE):
        monkeypatch.setattr(notify, "send_email", lambda **_kwargs: False)
        assert run(app) == {"sent": 0, "failed": 1}
        assert reminder_of(app, placed.id).reminder_claimed_at is None
        monkeypatch.undo()
        assert run(app) == {"sent": 1, "failed": 0}
    assert len(outbox) == 1


def test_a_claim_left_by_a_run_that_died_is_taken_over_after_the_lease(app, make, event_id, outbox):
    with freeze_time("2027-03-02 09:00:00"):
        placed = register(app, event_id, make.user().id)
    with freeze_time(THE_DAY_BEFORE) as clock:
        with app.app_context():
            row = db.session.get(EventRegistration, placed.id)
            row.reminder_claimed_at = datetime.now(UTC)  # a run that died after claiming
            db.session.commit()
        assert run(app) == {"sent": 0, "failed": 0}  # another run may be sending it now
        clock.tick(notify.LEASE + timedelta(minutes=1))
        assert run(app) == {"sent": 1, "failed": 0}
    assert len(outbox) == 1


def test_elearn_notify_sends_the_event_reminders(app, make, event_id, runner, outbox):
    with freeze_time("2027-03-02 09:00:00"):
        register(app, event_id, make.user().id)
    with freeze_time(THE_DAY_BEFORE):
        result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "event reminders: sent: 1, failed: 0" in result.output
    assert len(outbox) == 1
