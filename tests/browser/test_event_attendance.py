"""Attendance on the day in a real Chromium: on a 360 px phone in Romanian an organiser ticks
10 of 12 registered people with the network cut for part of it, sees the changes waiting, and
everything is saved when the network returns; the same list saved with JavaScript off; an
attendee checks in from the QR code's address; the organiser issues certificates of
attendance; one is verified on the public page at 1280 px in Hungarian. axe-core finds
nothing on any of these pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.events.models import AttendanceCertificate, Event, EventRegistration
from elearn.extensions import db
from tests.browser.conftest import assert_fits
from tests.browser.test_dashboard import overflow
from tests.events.test_attendance_factories import add_event, register, register_many

pytestmark = pytest.mark.browser

STATUS = "document.querySelector('#attendance-status').textContent"
ALL_SAVED = f"() => {STATUS} === 'Totul este salvat.'"

NAMES = [
    "Ana Pop", "Bianca Rus", "Csaba Nagy", "Dorina Ilieș", "Elena Mureșan", "Florin Tămaș",
    "Gabriela Șerban", "Horea Bălan", "Ildikó Szabó", "Ioana Crișan", "Kinga Tóth", "Lucian Vlad",
]  # fmt: skip


@pytest.fixture
def round_table(app, make):
    organisation = make.organisation(name="Asociația eLiberare Oradea", kind="ngo")
    organiser = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation, language="ro"
    )
    attendee = make.user(full_name="Zoltán Kiss", language="hu")
    with app.app_context():
        event = add_event(organisation_id=organisation, code="MR2026BH")
        ids = [r.id for r in register_many(event, NAMES)]
        register(event, attendee.id)
        db.session.commit()
        return {"id": event.id, "organiser": organiser, "attendee": attendee, "ids": ids}


def _present(app, event_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(
                EventRegistration.event_id == event_id, EventRegistration.attended_at.is_not(None)
            )
        )


def _sign_in(page, live_server, person) -> None:
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


def _new_page(browser, width: int, language: str, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        locale=f"{language}-RO",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_an_organiser_ticks_the_list_offline_and_online_then_certificates_are_verified(
    app, live_server, browser, axe, round_table
):
    event_id = round_table["id"]
    status = "#attendance-status"
    context, page = _new_page(browser, 360, "ro")
    try:
        _sign_in(page, live_server, round_table["organiser"])
        page.goto(f"{live_server}/events/{event_id}/attendance")
        assert page.locator("html").get_attribute("lang") == "ro"
        axe.check(page)
        assert overflow(page) == []
        boxes = page.locator("#attendance-list input[type=checkbox]")
        assert boxes.count() == 13

        # Four ticks on a good connection: each saved in the background.
        for index in range(4):
            boxes.nth(index).check()
        page.wait_for_function(ALL_SAVED)
        assert _present(app, event_id) == 4

        # The network goes; six more ticks wait on the phone, and the page says so.
        context.set_offline(True)
        for index in range(4, 10):
            boxes.nth(index).check()
        page.wait_for_function(f"() => {STATUS}.includes(': 6.')")
        assert "așteaptă să fie trimise" in page.locator(status).inner_text()
        assert page.locator(status).get_attribute("role") == "status"
        assert _present(app, event_id) == 4
        axe.check(page)

        # The network returns: everything is sent.
        context.set_offline(False)
        page.wait_for_function(ALL_SAVED, timeout=20_000)
        assert _present(app, event_id) == 10
        assert "Prezenți: 10 din 13 înscriși" in page.locator("#attendance-counts").inner_text()

        # The code to show, on the same phone.
        page.goto(f"{live_server}/events/{event_id}/check-in-code")
        axe.check(page)
        check_in_url = page.locator("main a[href*='/check-in/']").first.inner_text()
        assert check_in_url.endswith(f"/events/{event_id}/check-in/MR2026BH")
    finally:
        context.close()

    # An attendee opens the QR code's address on their phone and checks in.
    context, page = _new_page(browser, 360, "hu")
    try:
        _sign_in(page, live_server, round_table["attendee"])
        page.goto(f"{live_server}/events/{event_id}/check-in/MR2026BH")
        axe.check(page)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state("load")
        assert "Jelenlévőnek jelöltük" in page.locator("main").inner_text()
        axe.check(page)
        assert _present(app, event_id) == 11
    finally:
        context.close()

    # The organiser issues the certificates of attendance.
    context, page = _new_page(browser, 360, "ro")
    try:
        _sign_in(page, live_server, round_table["organiser"])
        page.goto(f"{live_server}/events/{event_id}/attendance")
        page.get_by_role("button", name="Emite certificatele de participare").click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/events/{event_id}/certificates")
        axe.check(page)
    finally:
        context.close()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttendanceCertificate)) == 11
        code = db.session.scalar(
            select(AttendanceCertificate.code).where(AttendanceCertificate.holder_name == "Ana Pop")
        )

    # Anyone checks one on the public page, on a desktop, in Hungarian.
    context, page = _new_page(browser, 1280, "hu")
    try:
        page.goto(f"{live_server}/verify")
        if page.locator("html").get_attribute("lang") != "hu":
            page.locator(".wide-only .language-switcher button[lang=hu]").click()
            page.wait_for_load_state("load")
        page.locator("input[name=code]").fill(code)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state("load")
        main = page.locator("main").inner_text()
        assert "Ez a részvételi igazolás érvényes." in main
        assert "Ana Pop" in main
        assert "kerekasztal" in main
        assert page.locator("html").get_attribute("lang") == "hu"
        axe.check(page)
        assert overflow(page) == []
    finally:
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)


def test_the_list_is_saved_at_once_without_javascript(app, live_server, browser, round_table):
    event_id = round_table["id"]
    with app.app_context():  # 200 registered: the list must stay usable on a phone
        register_many(db.session.get(Event, event_id), [f"Persoana {n}" for n in range(187)])
        db.session.commit()
    context, page = _new_page(browser, 360, "ro", javascript=False)
    try:
        _sign_in(page, live_server, round_table["organiser"])
        page.goto(f"{live_server}/events/{event_id}/attendance")
        boxes = page.locator("#attendance-list input[type=checkbox]")
        for index in (0, 2, 5):
            boxes.nth(index).check()
        page.locator("input[name=unregistered]").fill("3")
        page.get_by_role("button", name="Salvează prezența").click()
        page.wait_for_load_state("load")
        assert "Prezența a fost salvată." in page.locator("main").inner_text()
        assert re.search(r"Prezenți: 3 din 200", page.locator("main").inner_text())
        assert_fits(page)  # axe-core needs JavaScript: it judged this page in the test above
    finally:
        context.close()
    assert _present(app, event_id) == 3
    with app.app_context():
        assert db.session.get(Event, event_id).unregistered_attendees == 3
