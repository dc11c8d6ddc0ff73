"""The weekly digest: one email per manager and week however often and however many runs of
`elearn notify`, sent only once the mail server took it, with the dashboard's own figures for
the manager's whole tree and nobody outside it, in the manager's language; off when they say
so on their profile."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from elearn.accounts.models import Role, User
from elearn.certificates.models import Certificate
from elearn.certificates.services import local_day
from elearn.database import utcnow
from elearn.extensions import db
from elearn.reporting import digest as digest_module
from elearn.reporting.digest import LEASE, build_digest, schedule, send_digests
from elearn.reporting.models import ReportDigest
from tests.conftest import page_text, sign_in
from tests.reporting.conftest import learner, place
from tests.reporting.test_dashboard import course_row

ZONE = ZoneInfo("Europe/Bucharest")


def next_monday(app) -> date:
    """The Monday after today: its digest reports on a week that holds today."""
    with app.app_context():
        today = local_day(utcnow())
    return today + timedelta(days=7 - today.weekday())


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def run(app, moment: datetime) -> dict:
    with app.app_context():
        return send_digests(moment)


def manager(make, organisation, *, language="en", **kwargs):
    return make.user(
        roles=(Role.LEARNER, Role.MANAGER),
        organisation_id=organisation,
        language=language,
        full_name="Maria Manager",
        **kwargs,
    )


def claims(app) -> list[tuple[int, bool, bool]]:
    with app.app_context():
        return [
            (row.user_id, row.sent_at is not None, row.skipped)
            for row in db.session.scalars(select(ReportDigest).order_by(ReportDigest.id))
        ]


def figures_of(body: str, title: str = "Test course") -> dict[str, str]:
    """The course's figures as the plain-text email gives them, by label."""
    block = body.split("\n" + title + "\n", 1)[1].split("\n\n", 1)[0]
    return dict(line.strip().split(": ", 1) for line in block.splitlines() if line.startswith("  "))


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


def test_the_digest_holds_the_dashboards_figures(app, make, county, outbox):
    manager(make, county["isj"])
    client = app.test_client()
    sign_in(client, manager(make, county["isj"]))
    outbox.clear()
    run(app, at(next_monday(app)))
    body = outbox[0].body
    dashboard = course_row(page_text(client.get(f"/organisations/{county['isj']}/dashboard")))
    in_email = figures_of(body)
    assert [
        in_email["Enrolled"],
        in_email["Not started"],
        in_email["In progress"],
        in_email["Completed"],
        in_email["Completion rate"],
        in_email["Valid certificates"],
        in_email["Expiring within 60 days"],
    ] == dashboard.split()[:7]
    assert "7 people counted." in body  # the two managers, Ana, Bogdan, Csilla, Dan, Elena


def test_what_changed_in_the_week_is_counted_without_names(app, make, county, outbox):
    manager(make, county["isj"])
    monday = next_monday(app)
    with app.app_context():
        certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
        certificates[0].expires_on = monday - timedelta(days=2)  # its last day in the week
        db.session.commit()
    outbox.clear()
    run(app, at(monday))
    body = outbox[0].body
    # Ana and Bogdan enrolled this week; Csilla and Elena enrolled weeks ago and completed now.
    assert figures_of(body)["What changed"] == (
        "new enrolments 2, new completions 2, certificates expired 1"
    )
    assert "Requests to join waiting for a manager: 1" in body  # Pending Person
    html = outbox[0].alternatives[0][0]
    for name in ("Ana", "Bogdan", "Csilla", "Elena", "Pending", "Gone", "Dan"):
        assert name not in body and name not in html


def test_a_manager_of_a_parent_gets_the_whole_tree_and_nobody_outside_it(app, make, county, outbox):
    county_boss = manager(make, county["isj"])
    school_boss = manager(make, county["a"])
    elsewhere = make.organisation(name="Inspectoratul Școlar Județean Cluj")
    outsider, browser = learner(app, make, elsewhere, name="Outside Person")
    browser.post("/courses/test-course/enrol")
    outbox.clear()
    run(app, at(next_monday(app)))
    by_recipient = {message.to[0]: message.body for message in outbox}
    assert set(by_recipient) == {county_boss.email, school_boss.email}
    assert figures_of(by_recipient[county_boss.email])["Enrolled"] == "4"
    assert figures_of(by_recipient[county_boss.email])["Completed"] == "2"
    assert figures_of(by_recipient[school_boss.email])["Enrolled"] == "3"
    assert figures_of(by_recipient[school_boss.email])["Completed"] == "1"
    assert outsider.email not in by_recipient


def test_the_digest_speaks_the_managers_language(app, make, county, outbox):
    manager(make, county["isj"], language="ro")
    outbox.clear()
    run(app, at(next_monday(app)))
    message = outbox[0]
    assert message.subject == "Rezumat săptămânal: Inspectoratul Școlar Județean Bihor"
    assert "Bună ziua" in message.body
    assert "Cereri de aderare care așteaptă un coordonator: 1" in message.body
    assert "Weekly" not in message.body and "Enrolled" not in message.body
    assert '<html lang="ro">' in message.alternatives[0][0]


def test_an_organisation_with_nobody_enrolled_is_skipped_once_for_the_week(
    app, make, county, outbox
):
    empty = make.organisation(name="Școala Primară Sânmartin")
    boss = manager(make, empty)
    monday = next_monday(app)
    outbox.clear()
    assert run(app, at(monday)) == {"sent": 0, "failed": 0, "skipped": 1}
    assert run(app, at(monday, 10)) == {"sent": 0, "failed": 0, "skipped": 0}
    assert outbox == [] and claims(app) == [(boss.id, False, True)]


def test_a_waiting_join_request_is_reason_enough_to_write(app, make, county, outbox):
    quiet = make.organisation(name="Școala Primară Sânmartin")
    manager(make, quiet)
    make.user(organisation_id=quiet, membership_confirmed=False)
    outbox.clear()
    run(app, at(next_monday(app)))
    assert len(outbox) == 1
    body = outbox[0].body
    assert "Requests to join waiting for a manager: 1" in body
    assert "Nobody counted here is enrolled on a course yet." in body


def test_no_digest_for_other_roles_nor_inactive_or_unconfirmed_managers(app, make, county, outbox):
    make.user(roles=(Role.LEARNER, Role.ADMIN), organisation_id=county["isj"])
    make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=county["isj"])
    manager(make, county["isj"], membership_confirmed=False)
    manager(make, county["isj"], email_confirmed=False)
    gone = manager(make, county["isj"])
    with app.app_context():
        db.session.get(User, gone.id).deactivated_at = utcnow()
        db.session.commit()
    outbox.clear()
    run(app, at(next_monday(app)))
    assert outbox == []


def test_a_manager_who_unticks_the_digest_on_their_profile_gets_none(
    app, client, make, county, outbox
):
    boss = manager(make, county["isj"])
    sign_in(client, boss)
    page = client.get("/account", headers={"Accept-Language": "en"})
    assert "Send me a weekly summary of my organisation by email" in page_text(page)
    assert re.search(r'<input[^>]* checked[^>]* name="weekly_digest"', page.get_data(as_text=True))
    fields = {
        "full_name": "Maria Manager",
        "profession": "teacher",
        "organisation_id": str(county["isj"]),
        "county": "BH",
        "preferred_language": "en",
    }
    refused = client.post("/account", data=fields, csrf=False)
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.get(User, boss.id).weekly_digest is True
    assert client.post("/account", data=fields).status_code == 302  # the box left unticked
    with app.app_context():
        assert db.session.get(User, boss.id).weekly_digest is False
    outbox.clear()
    run(app, at(next_monday(app)))
    assert outbox == []
    client.post("/account", data={**fields, "weekly_digest": "y"})
    run(app, at(next_monday(app)))
    assert len(outbox) == 1


def test_erasure_forgets_which_digests_a_manager_got(app, make, county, outbox):
    from elearn.privacy.services import erase_account, personal_data

    boss = manager(make, county["isj"])
    run(app, at(next_monday(app)))
    with app.app_context():
        user = db.session.get(User, boss.id)
        assert personal_data(user)["account.json"]["weekly_digest"] is True
        erase_account(user, password=boss.password)
        db.session.commit()
    assert claims(app) == []
    outbox.clear()
    run(app, at(next_monday(app) + timedelta(days=7)))
    assert outbox == []


def test_the_record_of_old_weeks_is_forgotten_after_eight_weeks(app, make, county, outbox):
    boss = manager(make, county["isj"])
    monday = next_monday(app)
    with app.app_context():
        for weeks in (9, 8):
            week = monday - timedelta(weeks=weeks)
            db.session.add(
                ReportDigest(
                    user_id=boss.id,
                    organisation_id=county["isj"],
                    week=week,
                    claimed_at=at(week),
                    sent_at=at(week),
                )
            )
        db.session.commit()
    run(app, at(monday, 3))  # before the hour: nothing sent, old records still forgotten
    with app.app_context():
        weeks = db.session.scalars(select(ReportDigest.week)).all()
    assert weeks == [monday - timedelta(weeks=8)]


def test_building_a_digest_makes_as_many_queries_for_many_people_as_for_few(app, make, county):
    def statements() -> int:
        seen = []

        def listener(*args):
            seen.append(args[2])

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                when = schedule(at(next_monday(app)))
                build_digest(county["isj"], when, when.until)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    for index in range(6):
        _person, browser = learner(app, make, county["b"], name=f"Extra {index}")
        browser.post("/courses/test-course/enrol")
    extra = make.organisation(name="Școala Primară Sânmartin")
    place(app, extra, county["a"])
    make.user(organisation_id=extra, membership_confirmed=False)
    assert statements() == few


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
