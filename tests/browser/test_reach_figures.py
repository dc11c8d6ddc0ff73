"""The coordinator's cascade and the donor report's reach in a real Chromium: the issue's
session (28 pupils aged 13–15 in Oradea, 20 confirmed on their phones) and round table (12
registered, 10 present), at 360 px in Romanian (1280 px in Hungarian: the multiplier
journey); nothing wider than
the window outside the tables' scrolling regions, nothing for axe-core to find."""

from __future__ import annotations

import pytest

from elearn.accounts.models import Role
from elearn.extensions import db
from tests.browser.test_dashboard import ARTIFACTS, overflow, sign_in
from tests.reporting.reach_factories import delivered, event

pytestmark = pytest.mark.browser

CASCADE = {"ro": "Cascada", "hu": "A kaszkád"}
DONOR = {"ro": "Raport pentru finanțatori", "hu": "Jelentés a támogatóknak"}
SESSIONS = {"ro": "Sesiuni ținute", "hu": "Megtartott foglalkozások"}
DECLARED = {"ro": "Persoane informate (declarate)", "hu": "Elért emberek (bejelentve)"}
CONFIRMED = {"ro": "Persoane informate (confirmate)", "hu": "Elért emberek (megerősítve)"}
AT_SESSIONS = {
    "ro": "Persoane informate la sesiuni (declarate)",
    "hu": "Foglalkozásokon elért emberek (bejelentve)",
}
IN_ALL = {"ro": "Informați în total (declarat)", "hu": "Összesen elért (bejelentve)"}
ATTENDANCE = {"ro": "Participanți la evenimente", "hu": "Résztvevők az eseményeken"}


# At 1280 px in Hungarian the same pages are read in tests/browser/test_multiplier_journey.py.
@pytest.mark.parametrize(("language", "width"), [("ro", 360)])
def test_the_coordinator_reads_the_cascade_and_the_donor_report(
    app, live_server, browser, axe, make, language, width
):
    ngo = make.organisation(name="Asociația (ONG)", kind="ngo")
    with app.app_context():
        delivered(ngo, declared=28, confirmed=20)
        event(ngo, present=10, absent=2)
        db.session.commit()
    coordinator = make.user(
        roles=(Role.LEARNER, Role.ADMIN), organisation_id=ngo, language=language
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, coordinator, app)
        page.goto(f"{live_server}/reporting/reach/cascade?since=2026-01-01&until=2026-12-31")
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", level=1).inner_text() == CASCADE[language]
        levels = page.locator("table.figures").first
        assert (
            levels.locator("tr", has_text=SESSIONS[language]).locator("td").last.inner_text() == "1"
        )
        at_sessions = levels.locator("tr", has_text=AT_SESSIONS[language])
        assert at_sessions.locator("td").last.inner_text() == "28"
        # 28 at the session and the round table's 10.
        in_all = levels.locator("tr", has_text=IN_ALL[language])
        assert in_all.locator("td").last.inner_text() == "38"
        assert page.locator("figure.chart svg").count() >= 1
        axe.check(page)
        assert overflow(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"cascade-{language}-{width}.png"), full_page=True)

        page.goto(
            f"{live_server}/organisations/{ngo}/donor-report?since=2026-01-01&until=2026-12-31"
        )
        assert page.get_by_role("heading", level=1).inner_text() == DONOR[language]
        totals = page.locator("#reach-totals-caption").locator("xpath=..")
        assert totals.locator("tr", has_text=DECLARED[language]).locator("td").inner_text() == "28"
        assert totals.locator("tr", has_text=CONFIRMED[language]).locator("td").inner_text() == "20"
        assert (
            totals.locator("tr", has_text=ATTENDANCE[language]).locator("td").inner_text() == "10"
        )
        axe.check(page)
        assert overflow(page) == []
    finally:
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)
    assert len(axe.checked) == 2
