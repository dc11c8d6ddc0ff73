"""Issue 15, the first run, in a real Chromium: a fresh administrator lands on the home page
and sees the checklist of what is still a placeholder, enters the certificate issuer and sees
it ticked; the audit log and the personal-data page read as tables. At 360 px in Romanian and
1280 px in Hungarian, axe-core on every page, nothing wider than the window."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from elearn.audit.services import record
from elearn.extensions import db
from tests.browser.test_dashboard import ARTIFACTS, overflow, sign_in
from tests.learning.conftest import course  # noqa: F401 - the test course, signatory missing

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("language", "width"), [("ro", 360), ("hu", 1280)])
def test_a_fresh_administrator_works_through_the_first_run_checklist(
    app,
    live_server,
    browser,
    axe,
    make,
    course,  # noqa: F811 - the fixture imported above
    language,
    width,
):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language=language)
    with app.app_context():
        # A long value with no break in it, which must wrap rather than widen the page.
        record(
            "role.granted",
            actor_id=admin.id,
            target_type="user",
            target_id=admin.id,
            role="manager",
            note="x" * 120,
        )
        db.session.commit()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, admin, app)
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == language
    checklist = page.locator("section.setup-checklist")
    assert checklist.is_visible()
    for key in ("issuer", "signatory", "controller", "contact", "site_name", "mail"):
        assert page.locator(f"#setup-{key}.setup-missing").count() == 1, key
    assert "director" in page.locator("#setup-signatory").inner_text()
    axe.check(page)
    assert overflow(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first-run-{language}-{width}.png"), full_page=True)

    # The issuer's link leads to the form; once saved, the item is ticked.
    page.locator("#setup-issuer a").click()
    axe.check(page)
    page.locator("input[name=name]").fill("Asociația eLiberare Oradea")
    page.locator("input[name=url]").fill("https://eliberare.ro")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")
    page.goto(live_server + "/")
    assert page.locator("#setup-issuer.setup-done").count() == 1
    assert page.locator("#setup-signatory.setup-missing").count() == 1
    axe.check(page)

    # The audit log and the personal data read as tables, not JSON.
    for path in ("/admin/audit/", "/account/data"):
        page.goto(live_server + path)
        assert page.locator("table.readable-data").count() >= 1, path
        assert '{"' not in page.locator("main").inner_text(), path
        axe.check(page)
        assert overflow(page) == [], path
        page.screenshot(
            path=str(ARTIFACTS / f"first-run-{path.strip('/').replace('/', '-')}-{language}.png"),
            full_page=True,
        )
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)
