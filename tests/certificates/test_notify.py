"""`elearn notify`: one reminder per threshold before expiry, however often and however many
runs at once; a reminder counts only once the mail server accepted it."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from elearn.certificates.models import Certificate, CertificateReminder
from elearn.certificates.notify import send_reminders
from elearn.extensions import db

EXPIRES = date(2027, 6, 30)


def at(days_before: int, hour: int = 9) -> datetime:
    """A moment ``days_before`` days before EXPIRES (UTC; Bucharest is ahead, same day)."""
    day = EXPIRES - timedelta(days=days_before)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def expiring(app, holder):
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        certificate.expires_on = EXPIRES
        db.session.commit()
        return certificate.id


def run(app, days_before: int, hour: int = 9) -> dict:
    with app.app_context():
        return send_reminders(at(days_before, hour))


def sent(app) -> list[tuple[int, bool]]:
    with app.app_context():
        return sorted(
            (r.days_before, r.sent_at is not None)
            for r in db.session.scalars(select(CertificateReminder))
        )


def test_each_threshold_sends_exactly_one_reminder(app, outbox, expiring, holder):
    outbox.clear()
    assert run(app, 61)["sent"] == 0
    for hour in (9, 10, 11):
        run(app, 60, hour)
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [holder.email]
    assert "30 June 2027" in message.body and "Test course" in message.body
    assert "/my-certificates" in message.body
    for days in (45, 31, 30, 29, 8):
        run(app, days)
    assert len(outbox) == 2
    for days in (7, 7, 3, 1, 0):
        run(app, days)
    assert len(outbox) == 3
    assert sent(app) == [(7, True), (30, True), (60, True)]
    run(app, -1)  # expired: nothing more
    assert len(outbox) == 3


def test_runs_at_the_same_moment_send_once(app, outbox, expiring):
    outbox.clear()
    barrier = threading.Barrier(4)

    def once():
        with app.app_context():
            barrier.wait()
            send_reminders(at(60))
            db.session.remove()

    threads = [threading.Thread(target=once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outbox) == 1
    assert sent(app) == [(60, True)]


def test_a_reminder_the_mail_server_refused_is_sent_by_the_next_run(
    app, outbox, expiring, monkeypatch
):
    from elearn.certificates import notify

    outbox.clear()
    monkeypatch.setattr(notify, "send_email", lambda **kwargs: False)
    assert run(app, 60)["failed"] == 1
    assert sent(app) == []
    monkeypatch.undo()
    assert run(app, 59)["sent"] == 1
    assert len(outbox) == 1


def test_a_claim_left_by_a_run_that_died_is_taken_over_later(app, outbox, expiring):
    outbox.clear()
    with app.app_context():
        db.session.add(
            CertificateReminder(certificate_id=expiring, days_before=60, claimed_at=at(60, 8))
        )
        db.session.commit()
    run(app, 60, 8)  # the claim is fresh: another run may be sending it
    assert outbox == []
    run(app, 60, 9)  # an hour later, nobody did
    assert len(outbox) == 1 and sent(app) == [(60, True)]


def test_a_late_first_run_sends_only_the_nearest_reminder(app, outbox, expiring):
    outbox.clear()
    run(app, 25)
    assert len(outbox) == 1
    assert sent(app) == [(30, True), (60, False)]
    run(app, 24)
    assert len(outbox) == 1


def test_revoked_and_renewed_certificates_get_no_reminder(app, outbox, expiring):
    outbox.clear()
    with app.app_context():
        certificate = db.session.get(Certificate, expiring)
        certificate.revoked_at = at(90)
        db.session.commit()
    run(app, 60)
    assert outbox == []


def test_the_command_reports_what_it_did(app, expiring, outbox):
    from freezegun import freeze_time

    runner = app.test_cli_runner()
    with freeze_time(at(60)):
        result = runner.invoke(args=["notify"])
    assert result.exit_code == 0 and "sent: 1" in result.output


def test_no_reminder_goes_to_an_erased_account(app, outbox, expiring, holder):
    from elearn.accounts.models import User
    from elearn.privacy.services import erase_account

    with app.app_context():
        erase_account(db.session.get(User, holder.id), password=holder.password)
        db.session.commit()
    outbox.clear()
    assert run(app, 60) == {"sent": 0, "failed": 0, "skipped": 0}
    assert outbox == []
