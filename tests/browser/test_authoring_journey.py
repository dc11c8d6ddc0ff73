"""Issue 14 end to end, in a real Chromium, once without JavaScript and once with it.

A trainer copies the platform's course for teachers into their organisation (its version 1.0.0
is then published, and a learner passes its final test). The trainer opens the editor on the
copy, adds an image with alt text in every language, changes a lesson in Romanian (English
and Hungarian are then marked out of date), changes a question, and asks for review. A
reviewer of the organisation reads the diff, sends the draft back once, then signs off the
changed languages, approves and publishes it. The learner is offered the new version, moves,
and keeps the credit of the unchanged questions. The exported zip of the new version
validates and differs from the course it was copied from only in the files that were edited.
axe-core finds nothing on any editor page (run where JavaScript is on: axe is a script).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.authoring import services as drafts
from elearn.authoring.models import Draft, DraftStatus, ReviewerRight
from elearn.content.source import read_folder
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.courses.services import import_package
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.quizzes.test_attempts import answer_everything, start

pytestmark = pytest.mark.browser

TEACHERS = Path(__file__).resolve().parents[2] / "courses" / "for-teachers"
COPY = "for-teachers-bihor"
LESSON = "your-role"
QUESTION = "role-limits"
NEW_SENTENCE = "Școala noastră din Bihor are o persoană de contact numită pentru aceste situații."


def publish_the_teachers_course(app) -> None:
    with app.app_context():
        package = drafts.validate(dict(read_folder(TEACHERS).files))
        import_package(package, organisation_id=None, by_id=None, publish=True)
        db.session.commit()


def sign_in(page, live_server, person) -> None:
    page.goto(live_server + "/sign-in")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


def publish_the_copys_first_version(app) -> int:
    """The copy's version 1.0.0 as an earlier review left it: published, unchanged."""
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == COPY))
        draft = drafts.open_draft(course)
        result = import_package(
            drafts.load_draft(draft),
            organisation_id=course.owner_organisation_id,
            by_id=None,
            operator=True,
            publish=True,
        )
        draft.status = DraftStatus.PUBLISHED
        draft.published_version_id = result.version.id
        db.session.commit()
        return result.version.id


def pass_the_final_test(app, learner, version_id: int) -> None:
    """The learner takes the copy's 1.0.0 and passes its final test (through the app)."""
    from tests.conftest import sign_in as sign_in_client

    client = app.test_client()
    sign_in_client(client, learner)
    client.post(f"/courses/{COPY}/enrol")
    with app.app_context():  # the final test opens once the lessons are complete
        version = db.session.get(CourseVersion, version_id)
        keys = [lesson.key for lesson in sorted(version.lessons, key=lambda x: x.position)]
    for key in keys:
        client.get(f"/courses/{COPY}/lessons/{key}")
        client.post(f"/courses/{COPY}/lessons/{key}/complete")
    base = f"/courses/{COPY}/quizzes"
    attempt_id = start(client, "final", base=base)
    answer_everything(client, app, attempt_id, quiz="final", base=base)
    client.post(f"{base}/final/attempts/{attempt_id}/submit")
    assert "You have passed this quiz." in client.get(
        f"{base}/final/", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def check(page, axe, javascript: bool) -> None:
    if javascript:
        axe.check(page)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_a_trainer_adapts_the_teachers_course_and_a_reviewer_publishes_it(
    app, browser, live_server, make, axe, javascript
):
    publish_the_teachers_course(app)
    organisation = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    trainer = make.user(
        full_name="Ana Trainer", roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation
    )
    reviewer = make.user(
        full_name="Ilona Reviewer",
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=organisation,
        language="hu",
    )
    learner = make.user(full_name="Mihai Learner", organisation_id=organisation, language="en")
    with app.app_context():
        db.session.add(ReviewerRight(user_id=reviewer.id))
        db.session.commit()

    def new_page(width=1280):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        page = context.new_page()
        page.set_default_timeout(60_000)  # saves validate the whole course
        return context, page

    contexts = []
    context, page = new_page()
    contexts.append(context)
    try:
        sign_in(page, live_server, trainer)

        # The trainer copies the platform's course for teachers.
        page.goto(live_server + "/manage/courses/platform")
        check(page, axe, javascript)
        page.locator("a[href$='/copy']").first.click()
        check(page, axe, javascript)
        page.locator("input[name=slug]").fill(COPY)
        page.locator("main form [type=submit]").click()
        page.wait_for_url(re.compile(r"/manage/drafts/\d+$"))
        check(page, axe, javascript)
        first_version_id = publish_the_copys_first_version(app)
        pass_the_final_test(app, learner, first_version_id)

        # The editor on the published copy: a draft of 1.0.1.
        page.goto(f"{live_server}/manage/courses/versions/{first_version_id}")
        page.locator("form[action$='/draft'] [type=submit]").click()
        page.wait_for_url(re.compile(r"/manage/drafts/\d+$"))
        draft_url = page.url
        assert "1.0.1" in page.locator("h1").inner_text()

        # An image with alt text in every language.
        page.goto(draft_url + "/media")
        check(page, axe, javascript)
        page.locator("input[name=file]").set_input_files(
            files=[{"name": "Harta Bihor.png", "mimeType": "image/png", "buffer": png()}]
        )
        page.locator("[name=alt_ro]").fill("Harta județului Bihor cu școlile partenere")
        page.locator("[name=alt_en]").fill("Map of Bihor county with the partner schools")
        page.locator("[name=alt_hu]").fill("Bihar megye térképe a partneriskolákkal")
        page.locator("form[enctype] [type=submit]").last.click()
        page.wait_for_load_state("load")
        assert "media/harta-bihor.png" in page.content()

        # The lesson in Romanian: a new paragraph and the image.
        page.goto(f"{draft_url}/lessons/{LESSON}")
        check(page, axe, javascript)
        body = page.locator("[name=body_ro]")
        body.fill(
            body.input_value()
            + f"\n\n{NEW_SENTENCE}\n\n![Harta județului Bihor](media/harta-bihor.png)\n"
        )
        if javascript:  # the live preview renders what is typed, from our own server
            page.locator("#preview-ro").get_by_text("persoană de contact numită").wait_for()
        # With JavaScript, leaving the text starts an autosave and Save waits for it.
        with page.expect_navigation():
            page.locator("form.lesson-editor button[name=save]").first.click()
        assert NEW_SENTENCE in page.locator("[name=body_ro]").input_value()
        page.goto(draft_url)
        row = page.locator("tr", has=page.locator(f"code:text-is('{LESSON}')"))
        assert row.locator(".tag-warning").count() == 2  # English and Hungarian: out of date
        check(page, axe, javascript)

        # A question of the final test.
        page.goto(f"{draft_url}/quizzes/final")
        check(page, axe, javascript)
        page.goto(f"{draft_url}/quizzes/final/questions/{QUESTION}")
        check(page, axe, javascript)
        prompt = page.locator("[name=prompt_ro]")
        prompt.fill("Ce face parte din rolul unui profesor îngrijorat pentru un elev?")
        page.locator("input[name=save]").click()
        page.wait_for_load_state("load")

        # Ask for review.
        page.goto(draft_url)
        page.locator("form[action*='/submit'] button").click()
        page.wait_for_load_state("load")

        # The reviewer reads the diff and sends it back once.
        reviewer_context, review = new_page(width=360)
        contexts.append(reviewer_context)
        sign_in(review, live_server, reviewer)
        review.goto(draft_url + "/review")
        check(review, axe, javascript)
        assert "persoană de contact numită" in review.content()
        review.locator("[name=comment]").fill("Adăugați și numele persoanei de contact, vă rog.")
        review.locator("form[action*='/send-back'] [type=submit]").click()
        review.wait_for_load_state("load")

        # The trainer sees the comment and asks again.
        page.goto(draft_url)
        assert "numele persoanei de contact" in page.content()
        page.locator("form[action*='/submit'] button").click()
        page.wait_for_load_state("load")

        # The reviewer signs off the changed languages, approves and publishes.
        review.goto(draft_url + "/review")
        boxes = review.locator("input[type=checkbox][name^=language_]")
        assert boxes.count() >= 1
        for index in range(boxes.count()):
            boxes.nth(index).check()
        review.locator("[name=sign]").click()
        review.wait_for_load_state("load")
        review.locator("[name=approve]").click()
        review.wait_for_load_state("load")
        review.goto(draft_url)
        review.locator("form[action*='/publish'] button").click()
        review.wait_for_load_state("load")
        with app.app_context():
            draft = db.session.get(Draft, int(draft_url.rsplit("/", 1)[1]))
            assert draft.status == DraftStatus.PUBLISHED
            new_version = db.session.get(CourseVersion, draft.published_version_id)
            assert new_version.label == "1.0.1" and new_version.status == VersionStatus.PUBLISHED
            new_version_id = new_version.id

        # The learner is offered the new version and keeps the unchanged questions' credit.
        learner_context, learning = new_page(width=360)
        contexts.append(learner_context)
        sign_in(learning, live_server, learner)
        learning.goto(f"{live_server}/courses/{COPY}")
        learning.get_by_role("button", name="Move to version 1.0.1").click()
        learning.wait_for_load_state("load")
        with app.app_context():
            enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
            assert enrolment.version_id == new_version_id
        learning.goto(f"{live_server}/courses/{COPY}/quizzes/final/")
        # The lesson the trainer changed is to be read again before the changed question
        # (the final test waits for the lessons): the quiz page links it.
        left = learning.locator("#lessons-left a")
        for href in [left.nth(n).get_attribute("href") for n in range(left.count())]:
            learning.goto(live_server + href)
            learning.get_by_role("button", name="Mark as complete").click()
            learning.wait_for_load_state("load")
        learning.goto(f"{live_server}/courses/{COPY}/quizzes/final/")
        text = learning.locator("main").inner_text()
        assert "You have passed this quiz." in text or "answer the 1 changed question" in text

        # The exported zip validates and differs from the original only where it was edited.
        response = page.request.get(
            f"{live_server}/manage/courses/versions/{new_version_id}/export"
        )
        assert response.status == 200
        with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
            exported = {name: archive.read(name) for name in archive.namelist()}
        drafts.validate(exported)
        original = dict(read_folder(TEACHERS).files)
        changed = {path for path in exported.keys() | original.keys()}
        changed = {p for p in changed if exported.get(p) != original.get(p)}
        assert changed == {
            "course.yaml",
            f"lessons/{LESSON}.ro.md",
            "quizzes/final.yaml",
            "media/harta-bihor.png",
        }
    finally:
        for each in contexts:
            each.close()
    assert axe.problems == [], "\n".join(axe.problems)
