"""A person's first visit, in a real browser: register, sign out, sign in, reset the password,
change language; an administrator gives someone a role. axe-core checks every page visited."""

from __future__ import annotations

import re

import pytest

from elearn.accounts.models import Role
from tests.browser.conftest import assert_fits
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "winter garden compass 31"


def visit(page, axe, url):
    page.goto(url)
    axe.check(page)


def test_register_sign_out_sign_in_reset_and_change_language(app, live_server, page, axe, outbox):
    page.set_extra_http_headers({"Accept-Language": "ro-RO,ro;q=0.9"})
    visit(page, axe, live_server + "/")
    assert page.locator("html").get_attribute("lang") == "ro"

    # Register, first with a mistake: the error summary links to the field.
    page.get_by_role("link", name="Creați un cont gratuit").click()
    axe.check(page)
    page.get_by_label("Nume complet").fill("Ștefan Gyöngyi")
    page.get_by_label("Adresa de e-mail").fill("stefan@example.org")
    page.get_by_label("Parolă", exact=True).fill("short")
    page.get_by_label("Confirmați parola").fill("short")
    page.get_by_role("button", name="Creați contul").click()
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    axe.check(page)
    assert page.get_by_label("Nume complet").input_value() == "Ștefan Gyöngyi"

    page.get_by_role("link", name="Citiți nota de informare", exact=True).click()
    axe.check(page)  # the privacy notice
    page.go_back()
    page.get_by_label("Parolă", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmați parola").fill(PASSWORD)
    page.get_by_label("Profesie").select_option("school_counsellor")
    page.get_by_label("Județ").select_option("BH")
    page.get_by_label("Limba preferată").select_option("ro")
    page.get_by_label("Am citit nota de informare privind confidențialitatea").check()
    page.get_by_role("button", name="Creați contul").click()
    axe.check(page)  # "check your email"

    # Confirm the address from the emailed link, then sign in.
    confirm = re.search(r"http://\S+/confirm/\S+", outbox[0].body).group(0)
    page.goto(confirm.replace("http://localhost", live_server))
    assert page.url == live_server + "/sign-in"
    page.get_by_label("Adresa de e-mail").fill("stefan@example.org")
    page.get_by_label("Parolă").fill(PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    # A learner lands on My learning.
    assert page.url == live_server + "/my-learning"
    assert page.get_by_role("heading", level=1).inner_text() == "Învățarea mea"
    axe.check(page)

    # Sign out, then sign in again.
    page.get_by_role("button", name="Deconectare").click()
    assert page.get_by_role("link", name="Autentificare").first.is_visible()
    page.get_by_role("link", name="Autentificare").first.click()
    axe.check(page)
    page.get_by_label("Adresa de e-mail").fill("stefan@example.org")
    page.get_by_label("Parolă").fill(PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.get_by_role("link", name="Contul meu", exact=True).click()
    assert page.url == live_server + "/account"
    axe.check(page)
    visit(page, axe, live_server + "/account/password")

    # Forget the password: the emailed link sets a new one.
    page.get_by_role("button", name="Deconectare").click()
    visit(page, axe, live_server + "/password/forgot")
    page.get_by_label("Adresa de e-mail").fill("stefan@example.org")
    page.get_by_role("button").filter(has_text=re.compile("link", re.I)).click()
    axe.check(page)
    link = re.search(r"http://\S+/password/reset/\S+", outbox[-1].body).group(0)
    visit(page, axe, link.replace("http://localhost", live_server))
    page.get_by_label("Parola nouă").fill(NEW_PASSWORD)
    page.get_by_label("Confirmați parola").fill(NEW_PASSWORD)
    page.get_by_role("button").last.click()
    assert page.url == live_server + "/sign-in"
    page.get_by_label("Adresa de e-mail").fill("stefan@example.org")
    page.get_by_label("Parolă").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    assert page.url == live_server + "/my-learning"

    # Switch to English, then Hungarian: the page and the profile follow.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="My account", exact=True).is_visible()
    axe.check(page)
    page.get_by_role("button", name="Magyar").click()
    assert page.locator("html").get_attribute("lang") == "hu"
    visit(page, axe, live_server + "/accessibility")
    assert page.get_by_role("button", name="Magyar").get_attribute("aria-current") == "true"

    assert axe.problems == [], "\n".join(axe.problems)
    assert len(axe.checked) >= 12


def test_an_administrator_sets_up_a_second_factor_and_makes_someone_a_trainer(
    app, live_server, page, axe, make
):
    import pyotp

    make.user(full_name="Maria Ionescu", email="maria@example.org")
    admin = make.user(
        full_name="Admin Ana", roles=(Role.LEARNER, Role.ADMIN), language="en", second_factor=False
    )
    make.organisation()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Sign in").click()

    # The administrator's pages wait for a second factor.
    page.get_by_role("link", name="People").click()
    assert page.url == live_server + "/account/second-factor/"
    axe.check(page)
    page.get_by_role("button", name="Set up a second factor").click()
    axe.check(page)  # the QR code page
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("ul.recovery-codes li").count() == 10
    axe.check(page)

    page.get_by_role("link", name="People").click()
    axe.check(page)
    page.get_by_label("Name or email").fill("maria")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Maria Ionescu").click()
    axe.check(page)
    page.get_by_label("Trainer").check()
    page.get_by_role("button", name="Save changes").click()
    assert "have been saved" in page.locator(".flash-messages").inner_text()
    assert page.get_by_label("Trainer").is_checked()
    page.get_by_role("link", name="Organisations").click()
    axe.check(page)
    page.get_by_role("link", name="Add an organisation").click()
    axe.check(page)
    page.get_by_role("link", name="Audit log").click()
    assert page.get_by_role("cell", name="Role granted").count() == 1
    axe.check(page)
    assert axe.problems == [], "\n".join(axe.problems)


def test_a_manager_confirms_a_request_to_join(app, live_server, page, axe, make):
    school = make.organisation()
    make.user(full_name="Ilona Szabó", organisation_id=school, membership_confirmed=False)
    manager = make.user(
        full_name="Mihai Manager",
        roles=(Role.LEARNER, Role.MANAGER),
        organisation_id=school,
        language="en",
    )
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password").fill(manager.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(manager.totp(app))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="My organisation").click()
    axe.check(page)
    page.get_by_role("button", name="Confirm Ilona Szabó").click()
    assert "Ilona Szabó" in page.get_by_role("table").inner_text()
    axe.check(page)
    assert axe.problems == [], "\n".join(axe.problems)


def test_the_core_pages_work_without_javascript_on_a_small_phone(browser, live_server, make):
    person = make.user(language="en")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        for path in ("/", "/register", "/sign-in", "/accessibility"):
            page.goto(live_server + path)
            assert_fits(page)
        page.goto(live_server + "/sign-in")
        page.locator("#email").fill(person.email)
        page.locator("#password").fill(person.password)
        page.locator("main input[type=submit]").click()
        page.goto(live_server + "/account")
        assert page.url.endswith("/account")
        assert_fits(page)
    finally:
        context.close()


def test_a_trainer_uploads_a_package_and_previews_it(app, live_server, page, axe, make, tmp_path):
    from tests.content.helpers import edit, valid_files, zip_of

    school = make.organisation()
    trainer = make.user(
        full_name="Tudor Trainer",
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=school,
        language="en",
    )
    broken = tmp_path / "broken.zip"
    broken.write_bytes(
        zip_of(
            edit(
                valid_files(),
                "lessons/welcome.en.md",
                "{{contact:emergency}}",
                "{{contact:nosuch}}",
            )
        )
    )
    good = tmp_path / "course.zip"
    good.write_bytes(zip_of(valid_files()))
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(trainer.email)
    page.get_by_label("Password").fill(trainer.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Manage courses").click()
    axe.check(page)
    page.get_by_role("link", name="Upload a course package").click()
    axe.check(page)
    page.get_by_label("Course package (.zip)").set_input_files(str(broken))
    page.get_by_role("button", name="Check and upload").click()
    problems = page.get_by_role("alert").inner_text()
    assert "lessons/welcome.en.md:9" in problems and "nosuch" in problems
    axe.check(page)
    page.get_by_label("Course package (.zip)").set_input_files(str(good))
    page.get_by_role("button", name="Check and upload").click()
    assert "imported as a draft" in page.locator(".flash-messages").inner_text()
    axe.check(page)
    page.get_by_role("link", name="Bun venit").click()
    assert page.locator("article").get_attribute("lang") == "ro"
    axe.check(page)
    page.go_back()
    page.get_by_role("link", name="Check").click()
    axe.check(page)
    assert axe.problems == [], "\n".join(axe.problems)


def test_a_learner_takes_a_course_from_enrolling_to_completion(app, live_server, page, axe, make):
    """Enrol, read every lesson, fail a quiz, see why, retry, pass, and complete at once."""
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    import_files(
        app, edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    )
    learner = make.user(full_name="Lia Learner", language="en")
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill(learner.password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Courses", exact=True).click()
    axe.check(page)
    page.get_by_role("link", name="Test course").click()
    axe.check(page)
    page.get_by_role("button", name="Enrol").click()
    assert page.url.endswith("/lessons/welcome")
    axe.check(page)
    assert page.locator("article").get_attribute("lang") == "en"
    page.get_by_role("button", name="Mark as complete").click()
    assert page.url.endswith("/lessons/media-lesson")
    axe.check(page)
    page.get_by_role("button", name="Mark as complete").click()

    # The module quiz: first submitted empty, failed, then answered right.
    page.goto(live_server + "/courses/test-course/quizzes/module-check/")
    axe.check(page)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Save and review my answers").click()
    axe.check(page)
    page.get_by_role("button", name="Submit my answers").click()
    assert "Not passed" in page.locator(".result-summary").inner_text()
    axe.check(page)
    assert "✓" in page.locator(".result-list").inner_text()  # this quiz always shows answers
    page.get_by_role("link", name="Back to the course").click()
    page.goto(live_server + "/courses/test-course/quizzes/module-check/")
    page.get_by_role("button", name="Start another attempt").click()
    page.get_by_label("The DGASPC").check()
    axe.check(page)
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("112").check()
    page.get_by_label("119").check()
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("False").check()
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("112").select_option(label="Emergency")
    page.get_by_label("119").select_option(label="Children")
    axe.check(page)
    page.get_by_role("button", name="Save and go on").click()
    for label, place in (("Safety", "1"), ("Listen", "2"), ("Refer", "3")):
        page.get_by_label(label).select_option(place)
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("The emergency number?").fill("112")
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("How many days has a week?").fill("7,0")
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("I listen calmly.").check()
    page.get_by_role("button", name="Choose").click()
    page.get_by_label("I notify the DGASPC.").check()
    page.get_by_role("button", name="Choose").click()
    axe.check(page)
    page.get_by_role("button", name="Save and review my answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    assert "100%" in page.locator(".result-summary").inner_text()

    # The final quiz draws 3 of its 4 questions in a random order.
    page.goto(live_server + "/courses/test-course/quizzes/final/")
    page.get_by_role("button", name="Start the quiz").click()
    answers = {
        "inside one country": ("check", "True"),
        "for emergencies": ("check", "112"),
        "EU emergency number": ("fill", "112"),
        "hours in a day": ("fill", "24"),
    }
    for _ in range(3):
        prompt = page.locator(
            ".question-form legend, .question-form .question-prompt"
        ).first.inner_text()
        action, value = next(v for k, v in answers.items() if k in prompt)
        if action == "check":
            page.get_by_label(value, exact=True).check()
        else:
            page.locator("#answer-text").fill(value)
        page.get_by_role("button", name="Save and review my answers").click()
        unanswered = [
            item
            for item in page.locator(".review-list li").all()
            if "not answered" in item.inner_text()
        ]
        if not unanswered:
            break
        unanswered[0].get_by_role("link").click()
    page.get_by_role("button", name="Submit my answers").click()
    summary = page.locator(".result-summary").inner_text()
    assert "Passed" in summary and "You have completed the course." in summary
    axe.check(page)
    page.get_by_role("link", name="My learning").click()
    assert "Test course" in page.locator("main").inner_text()
    axe.check(page)
    # The certificate, at once, and its public page.
    page.get_by_role("link", name="My certificates").click()
    assert "Valid" in page.locator("main").inner_text()
    axe.check(page)
    page.get_by_role("link", name="Its public verification page").click()
    assert "This certificate is valid." in page.locator("main").inner_text()
    axe.check(page)
    assert axe.problems == [], "\n".join(axe.problems)


def test_the_lesson_page_is_light_and_fits_a_small_phone(app, live_server, browser, make):
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    import_files(
        app, edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    )
    person = make.user(language="en")
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sizes = []
    page.on("response", lambda response: sizes.append(_size(response)))
    try:
        page.goto(live_server + "/sign-in")
        page.locator("#email").fill(person.email)
        page.locator("#password").fill(person.password)
        page.locator("main input[type=submit]").click()
        page.goto(live_server + "/courses/test-course")
        page.locator("main button[type=submit]").first.click()
        sizes.clear()
        page.goto(live_server + "/courses/test-course/lessons/welcome")
        assert_fits(page)
        own = sum(size for url, size in filter(None, sizes) if "/media/" not in url)
        assert own < 60 * 1024, sizes
    finally:
        context.close()


def _size(response) -> tuple[str, int] | None:
    """The URL and size of a successful answer. An answer the page no longer needs (the
    favicon, once the page has moved on) may have gone from the browser's memory: its
    Content-Length counts then."""
    from playwright.sync_api import Error

    if not response.ok:
        return None
    try:
        return response.url, len(response.body())
    except Error:
        return response.url, int(response.headers.get("content-length", "0"))
