"""Issue 16's reach ledger in a real Chromium: at 360 px in Romanian, a certified teacher
records a session for 28 pupils aged 13–15 in Oradea (Bihor) with the teachers' course's
session plan, shows its code, and phones without an account confirm, through the QR code's
address and by typing the code; the count on the code page follows. axe-core on each page;
the confirmation also works with JavaScript off."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.courses.models import Course, CourseVersion
from elearn.extensions import db
from tests.browser.conftest import assert_fits
from tests.browser.test_learner_path_journey import _publish
from tests.reach.conftest import certify

pytestmark = pytest.mark.browser

PLAN_TITLE = "Mai departe: o oră de prevenire cu clasa și o ședință cu părinții"


@pytest.fixture
def teachers_course(app) -> int:
    """The shipped core and teachers' courses, published; the teachers' version's id."""
    with app.app_context():
        _publish("understanding-trafficking")
        version = _publish("for-teachers")
        db.session.commit()
        return version.id


def _phone(browser, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="ro-RO", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _press(page, axe=None) -> str:
    if axe is not None:
        axe.check(page)
    page.get_by_role("button", name="Am fost prezent(ă)").click()
    page.wait_for_load_state("load")
    return page.locator(".flash-messages").inner_text()


def test_a_teacher_records_a_session_and_phones_confirm_it(
    app, live_server, browser, axe, make, teachers_course
):
    teacher = make.user(language="ro", profession="teacher", full_name="Ioana Crișan")
    certify(app, teacher.id, teachers_course)
    context, page = _phone(browser)
    phones = []
    try:
        page.goto(live_server + "/sign-in")
        page.locator("input[name=email]").fill(teacher.email)
        page.locator("input[name=password]").fill(teacher.password)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state("load")

        page.goto(live_server + "/reach/")
        assert page.get_by_role("heading", level=1).inner_text() == "Sesiunile mele"
        axe.check(page)
        page.get_by_role("link", name="Înregistrați o sesiune").click()
        page.wait_for_load_state("load")
        axe.check(page)
        assert page.locator("#session_plan_key option:checked").inner_text() == PLAN_TITLE
        page.get_by_label("Localitate").fill("Oradea")
        page.get_by_label("Județ").select_option("BH")
        page.get_by_label("Unde").select_option("school")
        page.get_by_label("Public").select_option("pupils")
        page.get_by_label("Vârsta elevilor").select_option("13-15")
        page.get_by_label("Câte persoane au participat").fill("28")
        page.get_by_role("button", name="Salvați sesiunea").click()
        page.wait_for_load_state("load")
        assert "Sesiunea a fost înregistrată." in page.locator(".flash-messages").inner_text()
        facts = page.locator("main").inner_text()
        assert "Oradea, Bihor" in facts and "Elevi (13–15 ani)" in facts and PLAN_TITLE in facts
        axe.check(page)

        page.get_by_role("link", name="Arătați codul").click()
        page.wait_for_load_state("load")
        axe.check(page)
        code = page.locator(".reach-code").inner_text().strip()
        assert len(code) == 7 and page.locator(".reach-qr svg").count() == 1
        assert "Confirmări până acum: 0 din 28" in page.locator(".reach-count").inner_text()

        # Three phones through the QR code's address, two by typing the code.
        for number in range(3):
            phone, screen = _phone(browser)
            phones.append(phone)
            screen.goto(f"{live_server}/reach/c/{code}")
            assert "Oradea" in screen.locator("main").inner_text()
            assert "Ioana" not in screen.locator("main").inner_text()
            message = _press(screen, axe if number == 0 else None)
            assert "Vă mulțumim: prezența dumneavoastră a fost înregistrată." in message
        for number in range(2):
            phone, screen = _phone(browser)
            phones.append(phone)
            screen.goto(f"{live_server}/reach/c")
            if number == 0:
                axe.check(screen)
            screen.get_by_label("Codul sesiunii").fill(code.lower())
            screen.get_by_role("button", name="Continuați").click()
            screen.wait_for_load_state("load")
            assert "Vă mulțumim" in _press(screen)
        # The same phone again is counted once.
        screen.goto(f"{live_server}/reach/c/{code}")
        assert screen.get_by_role("button", name="Am fost prezent(ă)").count() == 0
        assert "a fost înregistrată" in screen.locator("main").inner_text()

        page.get_by_role("link", name="Actualizați numărul").click()
        page.wait_for_load_state("load")
        assert "Confirmări până acum: 5 din 28" in page.locator(".reach-count").inner_text()

        # Own reach: the totals, by audience, and the session in the list.
        page.goto(live_server + "/reach/")
        axe.check(page)
        reach = page.locator("main").inner_text()
        assert "28" in reach and "5" in reach and "Oradea" in reach
    finally:
        for phone in phones:
            phone.close()
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)


def test_the_confirmation_works_without_javascript(
    app, live_server, browser, make, teachers_course
):
    from tests.reach.conftest import record

    teacher = make.user(language="ro", profession="teacher")
    certify(app, teacher.id, teachers_course)
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "for-teachers"))
        version = db.session.scalar(
            select(CourseVersion).where(CourseVersion.course_id == course_id)
        )
        version_id = version.id
    session_id = record(app, teacher.id, version_id, session_plan_key="prevention-session")
    with app.app_context():
        from elearn.reach.models import DeliveredSession

        code = db.session.get(DeliveredSession, session_id).confirm_code
    context, page = _phone(browser, javascript=False)
    try:
        # axe-core runs scripts in the page, so with JavaScript off only the width is judged
        # (the same pages are checked by axe-core in the test above).
        page.goto(f"{live_server}/reach/c/{code}")
        assert_fits(page)
        assert "Vă mulțumim" in _press(page)
        assert_fits(page)
        page.goto(f"{live_server}/reach/c/{code}")
        assert page.get_by_role("button", name="Am fost prezent(ă)").count() == 0
    finally:
        context.close()
    with app.app_context():
        assert db.session.get(DeliveredSession, session_id).confirmed_count == 1
