"""Issue 16's events in a real Chromium: an NGO trainer publishes a round table in Oradea with
12 places, people register, the 13th joins the waiting list, one person cancels and the one
waiting gets the place. On a 360 px phone in Hungarian (in Romanian, the multiplier journey
publishes and registers), nothing wider than the window, nothing for axe-core to find, and
registering works with JavaScript off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from elearn.accounts.models import Role
from tests.browser.conftest import assert_fits
from tests.browser.test_dashboard import overflow
from tests.events.event_factories import register, statuses

pytestmark = pytest.mark.browser

DAY = (date.today() + timedelta(days=30)).isoformat()
TITLE = "Masă rotundă: rețeaua din Bihor împotriva traficului"
REGISTER = {"ro": "Înscrieți-vă", "hu": "Jelentkezés"}
JOIN_WAITING = {"ro": "Înscrieți-vă pe lista de așteptare", "hu": "Feliratkozás a várólistára"}
CANCEL = {"ro": "Anulați înscrierea mea", "hu": "Jelentkezésem lemondása"}
HAS_PLACE = {"ro": "Aveți un loc.", "hu": "Önnek van helye."}
WAITING = {"ro": "Sunteți pe lista de așteptare.", "hu": "Ön a várólistán van."}
SAVE = {"ro": "Salvați", "hu": "Mentés"}
PUBLISH = {"ro": "Publicați evenimentul", "hu": "Az esemény közzététele"}


def open_page(browser, width: int, language: str, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale=f"{language}-RO",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def sign_in(page, live_server: str, person) -> None:
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


def publish_round_table(page, live_server: str, axe, language: str) -> int:
    page.goto(live_server + "/events/new")
    axe.check(page)
    page.select_option("#kind", "round_table")
    page.fill("#title", TITLE)
    page.fill("#description", "Poliția, școlile și **DGASPC** Bihor: cum lucrăm împreună.")
    page.fill("#starts_at", f"{DAY}T10:00")
    page.fill("#ends_at", f"{DAY}T09:00")  # before the start: refused, with a clear message
    page.select_option("#county", "BH")
    page.fill("#locality", "Oradea")
    page.fill("#venue", "Casa de Cultură, Str. Republicii 1")
    page.check("#languages-0")
    page.check("#languages-2")
    page.fill("#capacity", "12")
    page.get_by_role("button", name=SAVE[language]).click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary a[href='#ends_at']").count() == 1
    axe.check(page)
    page.fill("#ends_at", f"{DAY}T12:30")
    page.get_by_role("button", name=SAVE[language]).click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name=PUBLISH[language]).click()
    page.wait_for_load_state("load")
    axe.check(page)
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


# Publishing and registering in Romanian are also walked through in
# tests/browser/test_multiplier_journey.py (at 360 px).
@pytest.mark.parametrize(("language", "width"), [("hu", 360)])
def test_a_round_table_fills_up_and_a_freed_place_goes_to_the_person_waiting(
    app, live_server, browser, axe, make, language, width
):
    ngo = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo, language=language)
    contexts = []
    try:
        context, page = open_page(browser, width, language)
        contexts.append(context)
        sign_in(page, live_server, trainer)
        event_id = publish_round_table(page, live_server, axe, language)

        # Eleven people register; the twelfth does it in a browser without JavaScript.
        early = [make.user(language=language) for _ in range(11)]
        for person in early:
            register(app, event_id, person.id)
        twelfth = make.user(language=language)
        context, plain = open_page(browser, width, language, javascript=False)
        contexts.append(context)
        sign_in(plain, live_server, twelfth)
        plain.goto(f"{live_server}/events/{event_id}")
        plain.get_by_role("button", name=REGISTER[language], exact=True).click()
        plain.wait_for_load_state("load")
        assert HAS_PLACE[language] in plain.locator("main").inner_text()
        assert_fits(plain)  # axe-core needs JavaScript: the same page is checked below

        # The thirteenth joins the waiting list.
        thirteenth = make.user(language=language)
        context, waiting = open_page(browser, width, language)
        contexts.append(context)
        sign_in(waiting, live_server, thirteenth)
        waiting.goto(f"{live_server}/events/?county=BH&kind=round_table&language={language}")
        axe.check(waiting)
        assert overflow(waiting) == []
        waiting.get_by_role("link", name=TITLE).click()
        waiting.wait_for_load_state("load")
        waiting.get_by_role("button", name=JOIN_WAITING[language]).click()
        waiting.wait_for_load_state("load")
        assert WAITING[language] in waiting.locator("main").inner_text()
        assert "Casa de Cultură" in waiting.locator("main").inner_text()
        axe.check(waiting)

        # The twelfth gives up the place (still without JavaScript): the thirteenth gets it.
        plain.get_by_role("button", name=CANCEL[language]).click()
        plain.wait_for_load_state("load")
        assert statuses(app, event_id)[thirteenth.id] == "registered"
        waiting.reload()
        assert HAS_PLACE[language] in waiting.locator("main").inner_text()
        waiting.goto(live_server + "/events/mine")
        assert TITLE in waiting.locator("main").inner_text()
        axe.check(waiting)

        # The organiser's list: 12 registered, nobody waiting, 12 places.
        page.goto(live_server + "/events/manage")
        row = page.locator("tbody tr").first.locator("td").all_inner_texts()
        assert row[2:] == ["12", "0", "12"]
        axe.check(page)
        assert overflow(page) == []
    finally:
        for context in contexts:
            context.close()
    assert axe.problems == [], "\n".join(axe.problems)
