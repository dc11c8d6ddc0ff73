"""The core course's "who to contact" lesson in a real Chromium: a learner in Bihor reads the
Bihor DGASPC's number, a learner outside Romania the national number; in Romanian on a 360 px
phone and in Hungarian on a 1280 px screen, axe-core clean and nothing wider than the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.content.loader import load_package
from elearn.content.source import read_folder
from elearn.courses.models import Course
from elearn.courses.services import import_package
from elearn.extensions import db
from elearn.learning import services
from elearn.reference import PROFESSIONS
from tests.browser.test_dashboard import ARTIFACTS, overflow

pytestmark = pytest.mark.browser

CORE = Path(__file__).resolve().parents[2] / "courses" / "understanding-trafficking"
LESSON = "/courses/understanding-trafficking/lessons/protect-and-refer"
BIHOR_NUMBER = "0259 476 371"  # elearn/data/contacts.yaml, docs/contacts-sources.md


def enrolled_learner(app, make, *, language: str, county: str):
    """A learner enrolled on the published core course (imported once per test)."""
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == CORE.name))
        if course is None:
            package = load_package(read_folder(CORE), professions=set(PROFESSIONS))
            import_package(package, organisation_id=None, by_id=None, publish=True, operator=True)
            db.session.commit()
            course = db.session.scalar(select(Course).where(Course.slug == CORE.name))
    person = make.user(language=language, county=county)
    with app.app_context():
        services.enrol(db.session.get(User, person.id), db.session.get(Course, course.id))
        db.session.commit()
    return person


def sign_in(page, live_server, person) -> None:
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize(("language", "width"), [("ro", 360), ("hu", 1280)])
def test_the_who_to_contact_lesson_names_the_learners_county_office(
    app, live_server, browser, axe, make, language, width
):
    shown = {}
    for county in ("BH", "abroad"):
        learner = enrolled_learner(app, make, language=language, county=county)
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server, learner)
        page.goto(live_server + LESSON)
        assert page.locator("html").get_attribute("lang") == language
        dgaspc = page.locator("main [data-contact=dgaspc]").first
        shown[county] = dgaspc.inner_text()
        # The number is a link that dials it on a phone.
        assert dgaspc.locator("a[href^='tel:']").count() == 1
        axe.check(page)
        assert overflow(page) == [], (county, overflow(page))
        # The table that holds it, to look at how it reads.
        dgaspc.locator("xpath=ancestor::table[1]").screenshot(
            path=str(ARTIFACTS / f"issue15-contacts-{language}-{width}-{county}.png")
        )
        context.close()
    assert BIHOR_NUMBER in shown["BH"]
    assert "119" not in shown["BH"]
    assert "119" in shown["abroad"]
    assert BIHOR_NUMBER not in shown["abroad"]
    assert axe.problems == [], "\n".join(axe.problems)
