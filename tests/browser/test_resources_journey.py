"""The resource library in a real Chromium: a trainer uploads a poster (PNG) in Romanian and
Hungarian with JavaScript off and submits it, an administrator approves it, an anonymous
visitor finds it in the library and downloads it, and the trainer sees the count at 1; on a
360 px phone in Hungarian and a 1280 px desktop in Romanian, with nothing for axe-core to find
and no page wider than the screen."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from tests.browser.test_dashboard import sign_in as sign_in_with_code
from tests.resources.conftest import png

pytestmark = pytest.mark.browser

TITLE = {"ro": "Afiș: recunoaște semnele", "hu": "Plakát: ismerd fel a jeleket"}
SUBMITTED = {
    "ro": "Materialul a fost trimis la verificare.",
    "hu": "Az anyagot beküldtük ellenőrzésre.",
}
APPROVE = {"ro": "Aprobați: oferiți-l tuturor", "hu": "Jóváhagyás: mindenki számára elérhető lesz"}
ONE_DOWNLOAD = {"ro": "1 descărcare", "hu": "1 letöltés"}
LIBRARY = {"ro": "Biblioteca de resurse", "hu": "Anyagtár"}


def sign_in(page, live_server, person) -> None:
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize(("language", "width"), [("hu", 360), ("ro", 1280)])
def test_a_poster_goes_from_upload_to_review_to_a_counted_download(
    app, live_server, browser, axe, make, language, width
):
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), language=language)
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language=language)
    contexts = []

    def new_page(javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale=f"{language}-RO",
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    try:
        # The trainer, without JavaScript, uploads the poster in both languages.
        page = new_page(javascript=False)
        sign_in(page, live_server, trainer)
        page.goto(live_server + "/resources/manage/new")
        page.locator("[name=key]").fill("poster-know-the-signs")
        page.locator("[name=kind]").select_option("poster")
        page.locator("[name=audience]").select_option("pupils")
        page.locator("[name=title_ro]").fill(TITLE["ro"])
        page.locator("[name=title_hu]").fill(TITLE["hu"])
        page.locator("[name=licence]").select_option("CC-BY-4.0")
        for code in ("ro", "hu"):
            page.locator(f"[name=file_{code}]").set_input_files(
                files=[{"name": f"afis-{code}.png", "mimeType": "image/png", "buffer": png()}]
            )
        page.locator("main form[enctype] [type=submit]").click()
        page.wait_for_url(live_server + "/resources/poster-know-the-signs")
        assert page.locator("h1").inner_text() == TITLE[language]
        page.locator("form[action$='/submit'] [type=submit]").click()
        page.wait_for_load_state("load")
        assert SUBMITTED[language] in page.locator(".flash-messages").inner_text()

        # An administrator approves it.
        page = new_page()
        sign_in_with_code(page, live_server, admin, app)
        page.wait_for_load_state("load")
        page.goto(live_server + "/resources/manage/")
        axe.check(page)
        page.get_by_role("link", name=TITLE[language]).click()
        page.wait_for_load_state("load")
        axe.check(page)
        page.locator("[name=decision]").select_option(label=APPROVE[language])
        page.locator("form[action$='/review'] [type=submit]").click()
        page.wait_for_load_state("load")
        page.goto(live_server + "/resources/manage/new")
        axe.check(page)  # the upload form, judged with JavaScript on

        # An anonymous visitor finds it in the library, in their language, and downloads it.
        page = new_page()
        page.goto(live_server + "/")
        if width > 480:  # on a phone the link is in the Menu
            page.locator("nav.wide-only").get_by_role("link", name=LIBRARY[language]).click()
            page.wait_for_load_state("load")
            axe.check(page)
        page.goto(live_server + "/resources/?audience=pupils&kind=poster")
        axe.check(page)
        page.get_by_role("link", name=TITLE[language]).click()
        page.wait_for_load_state("load")
        axe.check(page)
        with page.expect_download() as download:
            page.locator(f"a[href$='/files/{language}']").click()
        assert download.value.suggested_filename == f"afis-{language}.png"
        with open(download.value.path(), "rb") as saved:
            assert saved.read().startswith(b"\x89PNG")

        # The trainer sees one download.
        page = new_page(javascript=False)
        sign_in(page, live_server, trainer)
        page.goto(live_server + "/resources/poster-know-the-signs")
        assert ONE_DOWNLOAD[language] in page.locator("main").inner_text()
        page = new_page()
        sign_in(page, live_server, trainer)
        page.goto(live_server + "/resources/manage/")
        axe.check(page)
        assert page.locator("tbody td").nth(4).inner_text() == "1"
    finally:
        for context in contexts:
            context.close()
    assert axe.problems == [], "\n".join(axe.problems)
