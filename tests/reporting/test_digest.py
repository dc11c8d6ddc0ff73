"""The weekly digest's content and recipients: the dashboard's own figures for the manager's
whole tree and nobody outside it, what changed without names, in the manager's language; off
when they say so on their profile. (How it is sent: test_digest_sending.py.)"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.certificates.models import Certificate
from elearn.certificates.services import local_day
from elearn.database import utcnow
from elearn.extensions import db
from elearn.reporting.digest import build_digest, schedule, send_digests
from elearn.reporting.models import ReportDigest
from tests.conftest import count_statements, page_text, sign_in
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
        def work():
            when = schedule(at(next_monday(app)))
            build_digest(county["isj"], when, when.until)

        return count_statements(app, work)

    few = statements()
    for index in range(6):
        _person, browser = learner(app, make, county["b"], name=f"Extra {index}")
        browser.post("/courses/test-course/enrol")
    extra = make.organisation(name="Școala Primară Sânmartin")
    place(app, extra, county["a"])
    make.user(organisation_id=extra, membership_confirmed=False)
    assert statements() == few
