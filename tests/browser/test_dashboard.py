"""The completion dashboard as a county manager sees it, in a real browser: at 360 px and at
1280 px, in Romanian and Hungarian, with and without JavaScript; axe-core on every page; no
part of the page wider than the phone's screen except the tables' own scrolling regions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from elearn.accounts.models import Role
from tests.browser.conftest import fit_problems
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.conftest import county  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ELEARN_TEST_ARTIFACTS", "test-artifacts"))


def sign_in(page, live_server, person, app):
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.locator("input[name=code]").fill(person.totp(app))
    page.locator("main form [type=submit]").first.click()


def overflow(page) -> list[str]:
    """What is wider than the window, outside the tables' horizontal scrolling regions (and
    a closed menu), at any width."""
    return fit_problems(page, any_width=True)


@pytest.mark.parametrize("language", ["ro", "hu"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_dashboard_reads_well_on_a_phone_and_a_desktop(
    app,
    live_server,
    browser,
    axe,
    make,
    county,  # noqa: F811 - the fixture imported above
    language,
    width,
):
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"], language=language
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, manager, app)
    page.goto(f"{live_server}/organisations/{county['isj']}/dashboard")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("table.figures").count() >= 3
    assert page.locator("figure.chart svg").count() >= 2
    axe.check(page)
    assert overflow(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{language}-{width}.png"), full_page=True)
    # A count leads to its people, each to their learning page.
    page.locator("table.figures tbody a").first.click()
    axe.check(page)
    page.locator("main table a").first.click()
    assert "/learning" in page.url
    axe.check(page)
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)


def test_the_dashboard_and_its_filters_work_without_javascript(
    app,
    live_server,
    browser,
    make,
    county,  # noqa: F811
):
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"], language="en"
    )
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, manager, app)
    page.goto(f"{live_server}/organisations/{county['isj']}/dashboard")
    page.locator("select[name=profession]").select_option("police_officer")
    with page.expect_navigation():  # without JavaScript the form navigates: wait for it
        page.locator("form.filters button[type=submit]").click()
    assert "profession=police_officer" in page.url
    assert "1 person counted." in page.content()  # Elena; the manager is a teacher
    assert page.locator("table.figures tbody tr").count() >= 1
    context.close()
