"""Issue 15 in a real Chromium: a learner fails the final quiz, is sent back to the lessons
that teach the missed questions, tries again, passes, and is led to the certificate and to
the next course of the path; at 360 px in Romanian and at 1280 px in Hungarian, axe-core on
every page, nothing wider than the window, and keyboard focus on the next question after
"Save and go on"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.courses.models import Course
from elearn.extensions import db
from tests.browser.test_dashboard import ARTIFACTS, overflow
from tests.learning.conftest import import_files
from tests.paths.conftest import add_path

pytestmark = pytest.mark.browser

LESSON = "---\ntitle: {title}\nobjectives:\n  - {title}\n---\n# {title}\n\n{text}\n"

MANIFEST = """format: 1
id: {slug}
version: "1.0.0"
languages: [ro, hu]
title:
  ro: {ro}
  hu: {hu}
summary:
  ro: Un curs scurt despre protecția copiilor.
  hu: Rövid kurzus a gyermekek védelméről.
audiences: [all]
authors:
  - name: Ana Pop
licence: CC-BY-SA-4.0
facts_checked: 2026-11-20
review_status: reviewed
modules:
  - id: only
    title:
      ro: Modulul
      hu: A modul
    lessons:
{lessons}
{quizzes}completion:
  lesson_done: button
certificate:
  hours: 0.5
  validity_months: 24
  signatory: director
"""

FINAL = """  - id: final
    title:
      ro: Testul final
      hu: Záróteszt
    file: quizzes/final.yaml
    pass_mark: 100
    attempts: 3
    show_answers: when_final
    after_lessons: true
"""

QUESTIONS = """questions:
  - id: who-to-tell
    lesson: who-to-tell
    type: single
    prompt:
      ro: Cine trebuie anunțat când un copil pare exploatat?
      hu: Kit kell értesíteni, ha egy gyermek kizsákmányoltnak tűnik?
    options:
      - id: dgaspc
        text: {ro: DGASPC, hu: A DGASPC-t}
        correct: true
      - id: nobody
        text: {ro: Nimeni, hu: Senkit}
  - id: one-country
    lesson: first-steps
    type: true_false
    prompt:
      ro: Traficul de persoane poate avea loc într-o singură țară.
      hu: Az emberkereskedelem egyetlen országon belül is megtörténhet.
    answer: true
  - id: steps
    lesson: first-steps
    type: ordering
    prompt:
      ro: Puneți pașii în ordine.
      hu: Tegye sorrendbe a lépéseket.
    items:
      - {id: safety, text: {ro: Siguranța, hu: Biztonság}}
      - {id: listen, text: {ro: Ascultați, hu: Meghallgatás}}
      - {id: refer, text: {ro: Trimiteți mai departe, hu: Továbbirányítás}}
"""

TITLES = {
    "who-to-tell": {"ro": "Pe cine anunțăm", "hu": "Kit értesítünk"},
    "first-steps": {"ro": "Primii pași", "hu": "Az első lépések"},
}
RIGHT = {
    "ro": {"who": "DGASPC", "order": ["Siguranța", "Ascultați", "Trimiteți mai departe"]},
    "hu": {"who": "A DGASPC-t", "order": ["Biztonság", "Meghallgatás", "Továbbirányítás"]},
}
WRONG = {"ro": "Nimeni", "hu": "Senkit"}
COURSE_TITLES = {
    "child-safety": ("Siguranța copiilor", "Gyermekbiztonság"),
    "next-steps": ("Pașii următori", "A következő lépések"),
}


def package(slug: str, ro: str, hu: str, *, with_quiz: bool) -> dict[str, bytes]:
    keys = list(TITLES) if with_quiz else ["who-to-tell"]
    lessons = "".join(f"      - id: {key}\n        duration: 5\n" for key in keys)
    files = {
        "course.yaml": MANIFEST.format(
            slug=slug,
            ro=ro,
            hu=hu,
            lessons=lessons.rstrip("\n"),
            quizzes=f"quizzes:\n{FINAL}" if with_quiz else "",
        ).encode()
    }
    for key in keys:
        for language in ("ro", "hu"):
            files[f"lessons/{key}.{language}.md"] = LESSON.format(
                title=TITLES[key][language],
                text="Textul lecției." if language == "ro" else "A lecke szövege.",
            ).encode()
    if with_quiz:
        files["quizzes/final.yaml"] = QUESTIONS.encode()
    return files


@pytest.fixture
def quiz_course(app):
    """A course with a final quiz that waits for its two lessons, the next course of a path
    after it, and the path of both (for everyone)."""
    import_files(
        app, package("child-safety", "Siguranța copiilor", "Gyermekbiztonság", with_quiz=True)
    )
    import_files(
        app, package("next-steps", "Pașii următori", "A következő lépések", with_quiz=False)
    )
    with app.app_context():
        ids = dict(db.session.execute(select(Course.slug, Course.id)).all())
        add_path(
            [ids["child-safety"], ids["next-steps"]],
            profession=None,
            title={"ro": "Parcursul de bază", "hu": "Alapútvonal", "en": "The core path"},
        )
        db.session.commit()


def sign_in(page, live_server, person):
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()


def check(page, axe, width):
    axe.check(page)
    assert overflow(page) == [], (page.url, overflow(page))
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def answer(page, language, *, right: bool, base: str):
    """Answer the three questions, rightly or wrongly, pressing "Save and go on"."""
    page.get_by_label(RIGHT[language]["who"] if right else WRONG[language], exact=True).check()
    page.locator("button[name=go][value=next]").click()
    # Focus is on the next question's heading, which the address names.
    page.wait_for_url(f"{base}/2#question-heading")
    assert page.evaluate("document.activeElement.id") == "question-heading"
    page.locator("#answer-true" if right else "#answer-false").check()
    page.locator("button[name=go][value=next]").click()
    page.wait_for_url(f"{base}/3#question-heading")
    assert page.evaluate("document.activeElement.id") == "question-heading"
    order = RIGHT[language]["order"]
    for place, text in enumerate(order if right else list(reversed(order)), start=1):
        page.get_by_label(text, exact=True).select_option(str(place))
    page.locator("button[name=go][value=review]").click()
    page.locator("form[action$='/submit'] button").click()
    page.wait_for_url("**/result")


@pytest.mark.parametrize(("language", "width"), [("ro", 360), ("hu", 1280)])
def test_fail_read_the_lessons_again_try_again_and_pass(
    app, live_server, browser, axe, make, quiz_course, language, width
):
    learner = make.user(language=language)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, learner)
    course = f"{live_server}/courses/child-safety"
    page.goto(course)
    page.locator("form[action='/courses/child-safety/enrol'] button").click()

    # Before the lessons, the final quiz lists them and cannot start.
    page.goto(f"{course}/quizzes/final/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#lessons-left a").count() == 2
    assert page.locator("form[action$='/start']").count() == 0
    check(page, axe, width)
    for key in TITLES:
        page.goto(f"{course}/lessons/{key}")
        page.locator(f"form[action$='/lessons/{key}/complete'] button").click()

    # Then it says which attempt starting uses, and starts.
    page.goto(f"{course}/quizzes/final/")
    assert page.locator(".attempt-count").is_visible()
    assert "3" in page.locator(".attempt-count").inner_text()
    check(page, axe, width)
    page.locator("form[action$='/start'] button").click()
    base = page.url.rsplit("/", 1)[0]
    check(page, axe, width)
    answer(page, language, right=False, base=base)

    # Failed: each missed question names its lesson, and no right answer is given away.
    links = page.locator(".reread a")
    assert sorted(links.all_inner_texts()) == sorted(TITLES[key][language] for key in TITLES)
    assert page.locator(".from-lesson a").count() == 3
    assert "✓" not in page.locator("main").inner_text()
    check(page, axe, width)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"quiz-failed-{language}-{width}.png"), full_page=True)
    links.first.click()
    assert "/lessons/" in page.url
    page.go_back()

    # Try again, and pass.
    page.locator(".try-again form button").click()
    base = page.url.rsplit("/", 1)[0]
    answer(page, language, right=True, base=base)
    assert page.locator(".reread").count() == 0 and page.locator(".try-again").count() == 0
    assert page.locator(".after-pass a[href='/my-certificates']").count() == 1
    next_course = page.locator(".after-pass a[href='/courses/next-steps']")
    assert next_course.inner_text() == (
        "Pașii următori" if language == "ro" else "A következő lépések"
    )
    check(page, axe, width)
    page.screenshot(path=str(ARTIFACTS / f"quiz-passed-{language}-{width}.png"), full_page=True)
    context.close()
    assert axe.problems == [], "\n".join(axe.problems)
