"""Issue 15: the platform on a 360 px phone, in Romanian. A lesson's table scrolls in its own
labelled, focusable region; no page is wider than the screen; the header is one slim row whose
Menu opens without JavaScript. The same pages at 1280 px in Hungarian. axe-core on each page."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from elearn.content.loader import load_package
from elearn.content.source import PackageFiles, read_folder
from elearn.courses.commands import COURSES_DIR
from elearn.courses.services import import_package
from elearn.extensions import db
from elearn.reference import PROFESSIONS
from tests.browser.conftest import assert_fits
from tests.browser.test_dashboard import ARTIFACTS, sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.conftest import county  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

SHIPPED = "understanding-trafficking"
LESSON = f"/courses/{SHIPPED}/lessons/protect-and-refer"  # "Who to contact", a table
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def shipped_course(app):
    """The shipped core course, published: its "who to contact" lesson has a wide table."""
    files = dict(read_folder(COURSES_DIR / SHIPPED).files)
    package = load_package(PackageFiles("shipped", files), professions=set(PROFESSIONS))
    with app.app_context():
        import_package(package, organisation_id=None, by_id=None, publish=True, operator=True)
        db.session.commit()


@pytest.fixture
def manager(app, make, county, shipped_course):  # noqa: F811 - the fixtures imported above
    """A county manager, with two requests to join a school waiting, one of them with a name
    and an e-mail address longer than a phone's screen is wide."""
    make.user(
        organisation_id=county["a"],
        membership_confirmed=False,
        full_name="Ana-Maria Alexandrescu-Constantinescu-Dumitrescu",
        email="anamaria.alexandrescuconstantinescu@scoalagimnazialanr11oradea.ro",
    )
    return make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"], language="ro"
    )


def pages(county):  # noqa: F811 - the fixture's value
    return [
        LESSON,
        "/account/data",
        f"/organisations/{county['a']}/people",
        f"/organisations/{county['isj']}/dashboard",
        "/courses/",
    ]


def enrol_in_the_shipped_course(page, live_server):
    page.goto(f"{live_server}/courses/{SHIPPED}")
    page.locator(f"main form[action$='/courses/{SHIPPED}/enrol'] [type=submit]").click()


def test_every_page_fits_a_phone_and_the_lessons_table_scrolls_in_its_region(
    app,
    live_server,
    browser,
    axe,
    manager,
    county,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": "ro"})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, manager, app)
    enrol_in_the_shipped_course(page, live_server)
    for path in pages(county):
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == "ro"
        axe.check(page)
        assert_fits(page)
        header = page.locator("header.site-header").bounding_box()["height"]
        assert header <= 0.2 * PHONE["height"], (path, header)

    # The lesson's "who to contact" table scrolls inside its region, from the keyboard.
    page.goto(live_server + LESSON)
    region = page.get_by_role("region", name="Pe cine contactați")
    assert region.locator("table").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    region.screenshot(path=str(ARTIFACTS / "issue15-ro-360-lesson-table.png"))
    # With the text at twice its size (WCAG 1.4.4) the table no longer fits the phone: it
    # scrolls inside its region, reached with Tab and moved with the arrow keys; the page fits.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1], widths
    assert_fits(page)
    region.screenshot(path=str(ARTIFACTS / "issue15-ro-360-lesson-table-200.png"))
    region.evaluate("el => el.previousElementSibling.setAttribute('tabindex', '-1')")
    region.evaluate("el => el.previousElementSibling.focus()")
    page.keyboard.press("Tab")
    assert region.evaluate("el => el === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)
    assert len(axe.checked) == len(pages(county))


def test_the_phones_menu_opens_and_leads_on_without_javascript(
    app,
    live_server,
    browser,
    manager,
    county,  # noqa: F811
):
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, extra_http_headers={"Accept-Language": "ro"}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, manager, app)
    page.goto(live_server + "/courses/")
    assert_fits(page)
    menu = page.locator("header details.menu")
    link = page.get_by_role("link", name="Contul meu", exact=True)
    assert menu.is_visible() and not link.is_visible()
    # From the keyboard: the Menu is reached by Tab, opened by Enter, and shows where focus is.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")
    summary = menu.locator("summary")
    assert summary.evaluate("el => el === document.activeElement")
    assert summary.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert link.is_visible()
    assert page.get_by_role("button", name="Magyar").is_visible()
    assert_fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "issue15-ro-360-nojs-menu-open.png"))
    link.click()
    assert page.url == live_server + "/account"
    assert_fits(page)
    context.close()


def test_the_same_pages_read_well_in_hungarian_on_a_desktop(
    app,
    live_server,
    browser,
    axe,
    manager,
    county,  # noqa: F811
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": "hu"}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, manager, app)
    page.get_by_role("button", name="Magyar").click()
    enrol_in_the_shipped_course(page, live_server)
    for path in pages(county):
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == "hu"
        axe.check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        # No menu to open on a wide screen: the links are in the header.
        assert not page.locator("header details.menu").is_visible()
        assert page.get_by_role("link", name="Kurzusok", exact=True).is_visible()
    page.goto(live_server + LESSON)
    assert page.get_by_role("region", name="Kihez forduljon?").count() == 1
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)
