"""Issue 15 in a real Chromium: a teacher signs in, lands on My learning, opens the catalogue
and sees the order to follow — the core course first, then the teachers' course, marked locked
with a link to the core course — on a 360 px phone in Romanian and a 1280 px desktop in
Hungarian, with no horizontal overflow and nothing for axe-core to find."""

from __future__ import annotations

import pytest

from elearn.extensions import db
from tests.browser.test_dashboard import overflow
from tests.paths.conftest import add_course, add_path

pytestmark = pytest.mark.browser

CORE = {"ro": "Înțelegerea traficului de persoane", "hu": "Az emberkereskedelem megértése"}
TEACHERS = {"ro": "Prevenirea traficului în școală", "hu": "Megelőzés az iskolában"}
SELF_CARE = {"ro": "Grija față de sine", "hu": "Vigyázzon magára"}
MY_LEARNING = {"ro": "Învățarea mea", "hu": "Kurzusaim"}
LOCKED = {"ro": "Blocat:", "hu": "Zárolva:"}
FIRST = {"ro": "Cursul 1 din parcursul", "hu": "képzési útjának 1. kurzusa"}


@pytest.fixture
def library(app):
    with app.app_context():
        languages = ("ro", "hu")
        core = add_course("understanding-trafficking", title=CORE, languages=languages)
        teachers = add_course(
            "for-teachers",
            prerequisites=["understanding-trafficking"],
            audiences=("teacher",),
            title=TEACHERS,
            languages=languages,
        )
        add_course("looking-after-yourself", title=SELF_CARE, languages=languages)
        add_path([core, teachers], profession="teacher", title={"ro": "Parcursul", "hu": "Út"})
        db.session.commit()


@pytest.mark.parametrize(("language", "width"), [("ro", 360), ("hu", 1280)])
def test_a_teacher_signs_in_and_sees_the_order_to_follow_with_the_lock_mark(
    app, live_server, browser, axe, make, library, language, width
):
    teacher = make.user(language=language, profession="teacher")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=f"{language}-RO")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/sign-in")
        page.locator("input[name=email]").fill(teacher.email)
        page.locator("input[name=password]").fill(teacher.password)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state("load")

        # Lands on My learning.
        assert page.url == live_server + "/my-learning"
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", level=1).inner_text() == MY_LEARNING[language]
        axe.check(page)
        assert overflow(page) == []

        # The catalogue: the core course first, then the teachers' course, locked.
        page.goto(live_server + "/courses/")
        axe.check(page)
        assert overflow(page) == []
        titles = page.locator("li.card h2.card-title").all_inner_texts()
        assert titles == [CORE[language], TEACHERS[language], SELF_CARE[language]]
        cards = page.locator("li.card")
        assert FIRST[language] in cards.nth(0).inner_text()
        teachers_card = cards.nth(1)
        assert LOCKED[language] in teachers_card.inner_text()
        assert LOCKED[language] not in cards.nth(0).inner_text()
        unlock = teachers_card.locator("p.path-needs a")
        assert unlock.inner_text() == CORE[language]
        unlock.click()
        page.wait_for_load_state("load")
        assert page.url == live_server + "/courses/understanding-trafficking"
        assert page.get_by_role("heading", level=1).inner_text() == CORE[language]
    finally:
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)
    assert len(axe.checked) == 2
