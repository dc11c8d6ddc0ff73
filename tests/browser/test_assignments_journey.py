"""Issue 13 end to end, in a real Chromium: a county manager uploads a spreadsheet written the
way Romanian Excel writes it (semicolons, Windows-1250, one bad row), fixes it, invites the
cohort, and assigns the teachers' path due in 30 days; an invited teacher accepts on a small
phone without JavaScript, sees the path and the due date, and completes it; the dashboard shows
one met and the rest due; with the clock moved past the due date, `elearn notify`, run twice at
once, sends exactly one overdue reminder to each person who has not met it."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from flask.cli import ScriptInfo
from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.assignments.models import LearnerAssignment
from elearn.cohorts.models import Cohort, CohortMember
from elearn.commands import notify_command
from elearn.content.loader import load_package
from elearn.content.source import PackageFiles
from elearn.courses.services import import_package
from elearn.extensions import db
from elearn.invitations.notify import send_queued
from elearn.paths.models import LearningPath, LearningPathStep
from elearn.reference import PROFESSIONS
from tests.browser.conftest import assert_fits
from tests.browser.test_dashboard import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser

COHORT = "Diriginți 2026"


def tiny_course(slug: str, title_ro: str, title_hu: str, prerequisites: str = "") -> dict:
    """A course of one lesson in Romanian and Hungarian, with a certificate."""
    manifest = f"""format: 1
id: {slug}
version: "1.0.0"
languages: [ro, hu]
title:
  ro: {title_ro}
  hu: {title_hu}
summary:
  ro: Un curs scurt.
  hu: Egy rövid kurzus.
audiences: [teacher]
authors:
  - name: Ana Pop
licence: CC-BY-SA-4.0
facts_checked: 2026-11-20
review_status: reviewed
prerequisites: [{prerequisites}]
modules:
  - id: only
    title:
      ro: Modulul
      hu: A modul
    lessons:
      - id: start
        duration: 5
completion:
  lesson_done: button
certificate:
  hours: 0.5
  validity_months: 24
  signatory: director
"""
    lesson = "---\ntitle: {t}\nobjectives:\n  - {t}\n---\n# {t}\n\nText.\n"
    return {
        "course.yaml": manifest.encode(),
        "lessons/start.ro.md": lesson.format(t="Început").encode(),
        "lessons/start.hu.md": lesson.format(t="Kezdet").encode(),
    }


def publish_the_teachers_path(app) -> int:
    """The core course, the teachers' course after it, and the teachers' path of both."""
    with app.app_context():
        courses = []
        for files in (
            tiny_course("core-course", "Cursul de bază", "Alapkurzus"),
            tiny_course("teachers-course", "Cursul profesorilor", "Tanárok kurzusa", "core-course"),
        ):
            package = load_package(PackageFiles("t", files), professions=set(PROFESSIONS))
            version = import_package(package, organisation_id=None, by_id=None, publish=True)
            courses.append(version.version.course_id)
        path = LearningPath(
            slug="teachers",
            title={"ro": "Drumul profesorilor", "hu": "A tanárok útja"},
            profession="teacher",
        )
        path.steps = [
            LearningPathStep(position=number, course_id=course_id)
            for number, course_id in enumerate(courses, start=1)
        ]
        db.session.add(path)
        db.session.commit()
        return path.id


def spreadsheet(*rows: str) -> bytes:
    """What Romanian Excel saves as "CSV": Windows-1250 (ş and ţ with a cedilla), semicolons."""
    text = "nume;email;profesie;judeţ;grupă\r\n" + "".join(row + "\r\n" for row in rows)
    return text.replace("ț", "ţ").replace("ș", "ş").encode("cp1250")


def upload(page, data: bytes) -> None:
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "diriginti.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.locator("input[type=file]").first.locator("xpath=ancestor::form").locator(
        "[type=submit]"
    ).click()


def run_notify_twice_at_once(app) -> None:
    barrier = threading.Barrier(2)
    failures = []

    def once():
        try:
            barrier.wait()
            notify_command.main([], obj=ScriptInfo(create_app=lambda: app), standalone_mode=False)
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []


def test_a_manager_invites_a_cohort_assigns_a_path_and_chases_the_late(
    app, live_server, browser, axe, make, outbox
):
    path_id = publish_the_teachers_path(app)
    isj = make.organisation(name="Inspectoratul Școlar Județean Bihor", kind="school")
    manager = make.user(
        full_name="Mirela Manager", roles=(Role.LEARNER, Role.MANAGER), organisation_id=isj
    )
    colleagues = [
        make.user(full_name="Ioana Pop", email="ioana.pop@example.org", organisation_id=isj),
        make.user(full_name="Szabó Ilona", email="szabo.ilona@example.org", organisation_id=isj),
    ]
    due = date.today() + timedelta(days=30)

    # The manager, on a desktop, in Romanian.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, manager, app)
    page.goto(f"{live_server}/organisations/{isj}/invitations/upload")
    axe.check(page)
    good = [
        "Ana Mureşan;ana.muresan@example.org;Cadru didactic;Bihor;" + COHORT,
        "Ioana Pop;ioana.pop@example.org;Cadru didactic;BH;" + COHORT,
        "Szabó Ilona;SZABO.ILONA@example.org;teacher;Bihor;" + COHORT,
    ]
    bad = "Vasile Bad;vasile.bad@;Cadru didactic;BH;" + COHORT
    upload(page, spreadsheet(good[0], bad, *good[1:]))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "issue13-ro-1280-preview.png"), full_page=True)
    problems = page.locator("table").filter(has=page.locator("#problems-caption"))
    assert problems.locator("tbody tr").count() == 1
    cells = problems.locator("tbody tr td").all_inner_texts()
    assert cells[0] == "3" and "vasile.bad@" in cells[2]  # the header is line 1; in Romanian:
    assert cells[1] == "E-mail" and "nu este o adresă de e-mail" in cells[2]
    axe.check(page)
    upload(page, spreadsheet(*good))  # corrected
    assert problems.count() == 0
    page.locator("button[name=decision][value=all]").click()
    axe.check(page)
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT))
        members = set(db.session.scalars(select(CohortMember.user_id)))
        assert members == {person.id for person in colleagues}  # already members: added
        send_queued()
    invitation = next(message for message in outbox if "ana.muresan@example.org" in message.to)
    link = re.search(r"https?://[^/\s]+(/invitations/[\w-]+)", invitation.body).group(1)

    page.goto(f"{live_server}/organisations/{isj}/assignments/new")
    page.locator("input[name=what][value=path]").check()
    page.locator("select[name=path_id]").select_option(str(path_id))
    page.locator("input[name=whom][value=cohort]").check()
    page.locator("select[name=cohort_id]").select_option(str(cohort.id))
    page.locator("input[name=due_on]").fill(due.isoformat())
    axe.check(page)
    page.locator("main form [type=submit]").last.click()
    assert "/assignments" in page.url and "/new" not in page.url
    with app.app_context():
        assigned = db.session.scalar(select(func.count()).select_from(LearnerAssignment))
        assert assigned == 4  # two colleagues × two courses; Ana is not a member yet

    # Ana accepts on a small phone, without JavaScript, in Romanian, and learns.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    ana = phone.new_page()
    ana.set_default_timeout(15_000)
    ana.goto(live_server + link)
    ana.locator("#password").fill("plum orchard violin 42")
    ana.locator("#confirm").fill("plum orchard violin 42")
    ana.locator("#accept_privacy").check()
    ana.locator("main form [type=submit]").last.click()
    ana.goto(live_server + "/my-learning")
    text = ana.locator("main").inner_text()
    assert "Drumul profesorilor" in text and "Cursul de bază" in text
    assert f"{due.day}" in text and str(due.year) in text  # the due date, in Romanian
    assert_fits(ana)
    ana.screenshot(path=str(ARTIFACTS / "issue13-ro-360-nojs-my-learning.png"), full_page=True)
    for slug in ("core-course", "teachers-course"):
        ana.goto(f"{live_server}/courses/{slug}")
        ana.locator("main form [type=submit]").first.click()  # enrol
        ana.locator("main form [type=submit]").first.click()  # mark the lesson complete
    with app.app_context():
        met = db.session.scalar(select(func.count()).where(LearnerAssignment.met_at.is_not(None)))
        assert met == 2  # Ana's two courses
    phone.close()

    # The dashboard: for each course, three assigned, one met on time, the rest not yet due.
    page.goto(f"{live_server}/organisations/{isj}/dashboard")
    table = page.locator("table").filter(has=page.locator("#assignments-caption"))
    for title in ("Cursul de bază", "Cursul profesorilor"):
        row = table.locator("tbody tr").filter(has_text=title)
        assert row.locator("td").all_inner_texts() == ["3", "1", "0", "0", "0"], title
    axe.check(page)
    context.close()

    # The clock moves past the due date; notify runs twice at the same moment.
    outbox.clear()
    with freeze_time(due + timedelta(days=1, hours=10)):
        run_notify_twice_at_once(app)
    # (Ana, certified, is also invited to record her first session: not a reminder.)
    reminders = [message for message in outbox if "/reach/new" not in message.body]
    reminded = sorted(address for message in reminders for address in message.to)
    # One email each to the two who have not completed the path (it names both courses),
    # none to Ana, who has; the rest of the outbox is the manager's weekly digest.
    late = sorted(person.email for person in colleagues)
    assert [address for address in reminded if address != manager.email] == late
    for message in reminders:
        if message.to != [manager.email]:
            assert "Cursul de bază" in message.body and "Cursul profesorilor" in message.body
    assert axe.problems == [], "\n".join(axe.problems)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_new_pages_read_well_in_hungarian(app, live_server, browser, axe, make, width):
    """The manager's cohort, invitation and assignment pages and the learner's path and due
    dates, in Hungarian, on a phone and a desktop: axe-core finds nothing, and nothing but a
    table's own scrolling region is wider than the screen."""
    from tests.browser.test_dashboard import overflow

    path_id = publish_the_teachers_path(app)
    isj = make.organisation(name="Inspectoratul Școlar Județean Bihor", kind="school")
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=isj, language="hu")
    learner = make.user(full_name="Kovács Éva", organisation_id=isj, language="hu")
    with app.app_context():
        from elearn.accounts.models import User
        from elearn.assignments import services as assignments
        from elearn.cohorts.services import add_members, create_cohort
        from elearn.organisations.models import Organisation

        organisation = db.session.get(Organisation, isj)
        cohort = create_cohort(isj, COHORT, by_id=manager.id)
        add_members(cohort, [learner.id], by_id=manager.id)
        assignments.assign(
            organisation,
            by=db.session.get(User, manager.id),
            path_id=path_id,
            target="cohort",
            cohort_id=cohort.id,
            due_on=date.today() + timedelta(days=10),
        )
        db.session.commit()
        cohort_id = cohort.id
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, manager, app)
    for url in (
        "invitations/",
        "invitations/new",
        "invitations/upload",
        "cohorts/",
        f"cohorts/{cohort_id}",
        "assignments",
        "assignments/new",
    ):
        page.goto(f"{live_server}/organisations/{isj}/{url}")
        assert page.locator("html").get_attribute("lang") == "hu", url
        assert overflow(page) == [], (url, overflow(page))
        axe.check(page)
        ARTIFACTS.mkdir(exist_ok=True)
        name = url.strip("/").replace("/", "-") or "index"
        page.screenshot(path=str(ARTIFACTS / f"issue13-hu-{width}-{name}.png"), full_page=True)
    context.close()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(learner.email)
    page.locator("input[name=password]").fill(learner.password)
    page.locator("main form [type=submit]").first.click()
    page.goto(f"{live_server}/my-learning")
    text = page.locator("main").inner_text()
    assert "A tanárok útja" in text and "Alapkurzus" in text
    assert overflow(page) == []
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / f"issue13-hu-{width}-my-learning.png"), full_page=True)
    page.goto(f"{live_server}/courses/teachers-course")  # locked: the way to it
    assert "Alapkurzus" in page.locator("main").inner_text()
    axe.check(page)
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)
