"""Issue 15's learner path in a real Chromium, on the shipped library, with the clock moved.

A teacher from Bihor signs in and lands on My learning; the catalogue puts the core course first
and marks the teachers' course locked until it is done; the core course's final quiz stays shut
while lessons are left and lists them; each lesson can be marked complete only once it has been
open for half its stated time (the server's clock is moved forward instead of waiting); the
"who to contact" lesson shows the Bihor DGASPC number inside a labelled, scrolling table region;
once every lesson is complete, the quiz says which attempt starting uses and how many remain.

At 360 px in Romanian and 1280 px in Hungarian; axe-core on each page, and no page wider than
the window (tests/browser/conftest.py judges every page loaded). Failing and passing the quiz,
the certificate's hours, the first-run checklist, the words and the phone layout have their own
journeys: test_quiz_feedback.py, test_lesson_time.py, test_first_run.py, test_phone_fit.py and
test_contacts_by_county.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from elearn.content.loader import load_package
from elearn.content.source import PackageFiles, read_folder
from elearn.courses.commands import COURSES_DIR
from elearn.courses.services import import_package
from elearn.database import utcnow
from elearn.extensions import db
from elearn.reference import PROFESSIONS
from tests.browser.test_dashboard import ARTIFACTS, overflow
from tests.paths.conftest import add_path

pytestmark = pytest.mark.browser

CORE, TEACHERS = "understanding-trafficking", "for-teachers"
WORDS = {
    "ro": {
        "my_learning": "Învățarea mea",
        "locked": "Blocat:",
        "complete": "Marcați ca finalizată",
        "not_yet": "Încă nu:",
        "lessons_first": "Parcurgeți mai întâi lecțiile",
        "attempt": "Dacă începeți, folosiți încercarea 1 din 3.",
    },
    "hu": {
        "my_learning": "Kurzusaim",
        "locked": "Zárolva:",
        "complete": "Megjelölés elvégzettként",
        "not_yet": "Még nem:",
        "lessons_first": "Előbb végezze el a leckéket",
        "attempt": "Ezzel a(z) 1. próbálkozását kezdi el; összesen 3 próbálkozása van.",
    },
}
BIHOR_DGASPC = "0259 476 371"  # elearn/data/contacts.yaml, source in docs/contacts-sources.md


def _publish(slug: str) -> int:
    files = dict(read_folder(COURSES_DIR / slug).files)
    package = load_package(PackageFiles(slug, files), professions=set(PROFESSIONS))
    result = import_package(package, organisation_id=None, by_id=None, publish=True, operator=True)
    return result.version


@pytest.fixture
def library(app):
    """The shipped core and teachers' courses, published, on the teachers' path; the core
    course's lesson keys in order."""
    with app.app_context():
        core = _publish(CORE)
        teachers = _publish(TEACHERS)
        add_path([core.course_id, teachers.course_id], profession="teacher")
        db.session.commit()
        return [lesson.key for lesson in sorted(core.lessons, key=lambda lesson: lesson.position)]


class MovedClock:
    """The server's clock for lesson times, moved forward by the test instead of waiting."""

    def __init__(self, monkeypatch) -> None:
        self.offset = timedelta()
        for module in ("elearn.learning.services", "elearn.learning.views"):
            monkeypatch.setattr(f"{module}.utcnow", lambda: utcnow() + self.offset)

    def forward(self, minutes: int) -> None:
        self.offset += timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("language", "width", "config_overrides"),
    [("ro", 360, {"MIN_LESSON_TIME_SHARE": None}), ("hu", 1280, {"MIN_LESSON_TIME_SHARE": None})],
    indirect=["config_overrides"],
)
def test_a_teacher_follows_the_path_reads_each_lesson_long_enough_and_reaches_the_quiz(
    app, live_server, browser, axe, make, library, monkeypatch, language, width
):
    words = WORDS[language]
    clock = MovedClock(monkeypatch)
    teacher = make.user(language=language, profession="teacher", county="BH")
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    shots = 0

    def judge() -> None:
        nonlocal shots
        assert page.locator("html").get_attribute("lang") == language
        axe.check(page)
        assert overflow(page) == [], (page.url, overflow(page))
        shots += 1
        page.screenshot(
            path=str(ARTIFACTS / f"issue15-path-{language}-{width}-{shots:02d}.png"),
            full_page=True,
        )

    try:
        page.goto(live_server + "/sign-in")
        page.locator("input[name=email]").fill(teacher.email)
        page.locator("input[name=password]").fill(teacher.password)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_url(live_server + "/my-learning")
        assert page.get_by_role("heading", level=1).inner_text() == words["my_learning"]
        judge()

        # The order to follow: the core course first, the teachers' course locked behind it.
        page.goto(live_server + "/courses/")
        cards = page.locator("li.card")
        assert cards.nth(0).locator("a").first.get_attribute("href").endswith(f"/{CORE}")
        assert words["locked"] not in cards.nth(0).inner_text()
        teachers_card = page.locator("li.card", has=page.locator(f"a[href$='/{TEACHERS}']"))
        assert words["locked"] in teachers_card.inner_text()
        assert teachers_card.locator("p.path-needs a").get_attribute("href").endswith(f"/{CORE}")
        judge()

        page.goto(f"{live_server}/courses/{CORE}")
        page.locator(f"main form[action$='/courses/{CORE}/enrol'] [type=submit]").click()
        page.wait_for_load_state("load")

        # The final quiz stays shut while lessons are left, and lists them with links.
        page.goto(f"{live_server}/courses/{CORE}/quizzes/final/")
        assert words["lessons_first"] in page.locator("#lessons-left").inner_text()
        assert page.locator("#lessons-left li a").count() == len(library)
        assert page.locator("form[action$='/start']").count() == 0
        judge()

        for number, key in enumerate(library):
            page.goto(f"{live_server}/courses/{CORE}/lessons/{key}")
            assert page.locator(".lesson-time").is_visible()
            if number == 0:
                # Pressed at once: refused, kindly, with the lesson still open.
                page.get_by_role("button", name=words["complete"]).click()
                page.wait_for_load_state("load")
                assert words["not_yet"] in page.locator("main").inner_text()
                assert page.url.endswith(f"/lessons/{key}")
                judge()
            if key == "protect-and-refer":
                # Who to contact: the learner's county's own DGASPC number, in a table that
                # scrolls inside its own labelled region.
                assert BIHOR_DGASPC in page.locator("main").inner_text()
                region = page.locator("main [role=region][tabindex='0']").first
                assert region.get_attribute("aria-label")
                assert region.locator("table").count() == 1
                judge()
            clock.forward(60)  # more than half of any lesson's stated time
            page.get_by_role("button", name=words["complete"]).click()
            page.wait_for_load_state("load")
            assert words["not_yet"] not in page.locator("main").inner_text(), key

        # Every lesson done: the quiz opens and says which attempt starting uses.
        page.goto(f"{live_server}/courses/{CORE}/quizzes/final/")
        assert page.locator("#lessons-left").count() == 0
        assert words["attempt"] in " ".join(page.locator(".attempt-count").inner_text().split())
        assert page.locator("form[action$='/start'] [type=submit]").count() == 1
        judge()
    finally:
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)
