"""The weekly digest's sending: once a week however often and however many runs at once,
a refused message sent by the next run, a dead claim taken over, the day and hour it goes,
the command and its settings."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from elearn.extensions import db
from elearn.reporting import digest as digest_module
from elearn.reporting.digest import LEASE, schedule, send_digests
from elearn.reporting.models import ReportDigest
from tests.reporting.test_digest import at, claims, manager, next_monday, run


def test_a_manager_gets_one_digest_a_week_however_often_notify_runs(app, make, county, outbox):
    boss = manager(make, county["isj"])
    monday = next_monday(app)
    outbox.clear()
    for moment in (at(monday), at(monday, 10), at(monday + timedelta(days=3), 15)):
        run(app, moment)
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [boss.email]
    assert message.subject == "Weekly summary: Inspectoratul Școlar Județean Bihor"
    assert f"http://localhost/organisations/{county['isj']}/dashboard" in message.body
    assert "http://localhost/account" in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "<caption" in html and f"/organisations/{county['isj']}/dashboard" in html
    assert claims(app) == [(boss.id, True, False)]
    run(app, at(monday + timedelta(days=7)))  # the week after: the next one
    assert len(outbox) == 2


def test_nothing_goes_before_the_configured_day_and_hour(app, make, county, outbox):
    manager(make, county["isj"])
    monday = next_monday(app)
    outbox.clear()
    assert run(app, at(monday, 6)) == {"sent": 0, "failed": 0, "skipped": 0}  # hour is 7
    assert run(app, at(monday, 7))["sent"] == 1


@pytest.mark.parametrize("config_overrides", [{"REPORT_DIGEST_WEEKDAY": 3}], indirect=True)
def test_the_day_of_the_week_is_a_setting(app, make, county, outbox):
    manager(make, county["isj"])
    monday = next_monday(app)
    outbox.clear()
    run(app, at(monday, 12))
    run(app, at(monday + timedelta(days=1), 12))
    assert outbox == []
    run(app, at(monday + timedelta(days=2), 7))
    assert len(outbox) == 1
    with app.app_context():
        when = schedule(at(monday + timedelta(days=2), 7))
    # It reports on the seven days before Wednesday.
    assert (when.since, when.until) == (monday - timedelta(days=5), monday + timedelta(days=2))


@pytest.mark.parametrize("config_overrides", [{"REPORT_DIGEST_WEEKDAY": 0}], indirect=True)
def test_weekday_zero_switches_the_digest_off(app, make, county, outbox):
    manager(make, county["isj"])
    outbox.clear()
    assert run(app, at(next_monday(app)))["sent"] == 0
    assert outbox == []


def test_runs_at_the_same_moment_send_once(app, make, county, outbox):
    manager(make, county["isj"])
    manager(make, county["a"])
    moment = at(next_monday(app))
    outbox.clear()
    barrier = threading.Barrier(4)

    def once():
        with app.app_context():
            barrier.wait()
            send_digests(moment)
            db.session.remove()

    threads = [threading.Thread(target=once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outbox) == 2
    assert sorted(sent for _user, sent, _skipped in claims(app)) == [True, True]


def test_a_digest_the_mail_server_refused_is_sent_by_the_next_run(
    app, make, county, outbox, monkeypatch
):
    manager(make, county["isj"])
    monday = next_monday(app)
    outbox.clear()
    monkeypatch.setattr(digest_module, "send_email", lambda **kwargs: False)
    assert run(app, at(monday))["failed"] == 1
    assert claims(app) == []
    monkeypatch.undo()
    assert run(app, at(monday, 10))["sent"] == 1
    assert len(outbox) == 1


def test_a_claim_left_by_a_run_that_died_is_taken_over_after_the_lease(app, make, county, outbox):
    boss = manager(make, county["isj"])
    monday = next_monday(app)
    with app.app_context():
        db.session.add(
            ReportDigest(
                user_id=boss.id,
                organisation_id=county["isj"],
                week=monday,
                claimed_at=at(monday, 8),
            )
        )
        db.session.commit()
    outbox.clear()
    run(app, at(monday, 8) + LEASE - timedelta(minutes=1))  # fresh: another run may send it
    assert outbox == []
    run(app, at(monday, 8) + LEASE + timedelta(minutes=1))
    assert len(outbox) == 1
    assert claims(app) == [(boss.id, True, False)]


def test_the_command_reports_the_digests(app, make, county, outbox):
    from freezegun import freeze_time

    manager(make, county["isj"])
    with freeze_time(at(next_monday(app))):
        result = app.test_cli_runner().invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "weekly digests: sent: 1, failed: 0, skipped: 0" in result.output


def test_the_digest_settings_are_checked(monkeypatch, tmp_path):
    from config import ConfigurationError, config_for

    monkeypatch.setenv("REPORT_DIGEST_WEEKDAY", "8")
    with pytest.raises(ConfigurationError, match="REPORT_DIGEST_WEEKDAY"):
        config_for("testing", tmp_path)
    monkeypatch.setenv("REPORT_DIGEST_WEEKDAY", "1")
    monkeypatch.setenv("REPORT_DIGEST_HOUR", "24")
    with pytest.raises(ConfigurationError, match="REPORT_DIGEST_HOUR"):
        config_for("testing", tmp_path)


def test_the_week_is_the_iso_week_in_the_platforms_time_zone(app):
    with app.app_context():
        # Sunday 23:30 UTC is already Monday in Bucharest: the new week, and due at 07:00.
        when = schedule(datetime(2027, 3, 7, 23, 30, tzinfo=ZoneInfo("UTC")))
    assert when.week == date(2027, 3, 8)
    assert when.due_at == at(date(2027, 3, 8), 7)
    assert (when.since, when.until) == (date(2027, 3, 1), date(2027, 3, 8))
