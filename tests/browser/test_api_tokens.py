"""A manager's API tokens and weekly-digest choice, in a real browser: at 360 px and 1280 px,
in Romanian and Hungarian, and once without JavaScript; axe-core on every page and nothing
wider than the phone's screen."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from tests.browser.conftest import assert_fits
from tests.browser.test_dashboard import overflow, sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.conftest import county  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "width", "script"),
    [("ro", 360, True), ("hu", 360, False), ("ro", 1280, True), ("hu", 1280, True)],
)
def test_a_manager_makes_uses_and_revokes_a_token(
    app,
    live_server,
    browser,
    axe,
    make,
    county,  # noqa: F811 - the fixture imported above
    language,
    width,
    script,
):
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"], language=language
    )
    context = browser.new_context(
        java_script_enabled=script, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, manager, app)

    def judge() -> None:
        """axe-core runs scripts in the page: with JavaScript on only. The width on a phone
        is judged either way (Playwright's own evaluation works with the page's scripts off)."""
        assert_fits(page)
        if script:
            axe.check(page)
            assert overflow(page) == []

    # The weekly digest can be switched off on the profile.
    page.goto(f"{live_server}/account")
    digest = page.locator("input[name=weekly_digest]")
    assert digest.is_checked()
    judge()
    page.goto(f"{live_server}/account/api-tokens")
    assert page.locator("html").get_attribute("lang") == language
    judge()
    page.locator("input[name=name]").fill("Raport lunar")
    page.locator("input[name=organisations]").first.check()
    page.locator("main form [type=submit]").first.click()
    secret = page.locator("input#secret").input_value()
    assert secret.startswith("elearn_pat_")
    judge()
    answer = context.request.get(
        f"{live_server}/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    assert county["isj"] in [row["id"] for row in answer.json()["organisations"]]
    page.goto(f"{live_server}/account/api-tokens")
    assert "Raport lunar" in page.locator("main").inner_text()
    page.locator("main form[action$='/revoke'] [type=submit]").first.click()
    judge()
    gone = context.request.get(
        f"{live_server}/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}
    )
    assert gone.status == 401
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)
