"""The review through the real pages and forms: ask, read, sign off, approve or send back,
publish; who is refused; the reviewer rights page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.authoring import services
from elearn.authoring.models import Draft, DraftStatus, ReviewerRight
from elearn.courses.models import CourseVersion, VersionStatus
from elearn.courses.services import withdraw_version
from elearn.extensions import db
from tests.conftest import page_text, sign_in

EN = {"Accept-Language": "en"}
LESSON = "lessons/welcome.ro.md"


@pytest.fixture
def reviewer(app, make, course_setup):
    person = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        full_name="Ilona Reviewer",
        language="en",
    )
    with app.app_context():
        db.session.add(ReviewerRight(user_id=person.id))
        db.session.commit()
    return person


@pytest.fixture
def changed_draft(app, course_setup, draft_id):
    """The draft with its Romanian welcome lesson changed by the course's trainer."""
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        text = services.read_text(draft, LESSON)
        services.save(
            draft,
            {LESSON: text.replace("# Despre curs", "# Despre acest curs").encode()},
            by_id=course_setup.trainer.id,
        )
        db.session.commit()
    return draft_id


def status_of(app, draft_id) -> DraftStatus:
    with app.app_context():
        return db.session.get(Draft, draft_id).status


def client_of(app, person):
    client = app.test_client()
    sign_in(client, person)
    return client


@pytest.fixture
def in_review(app, client, course_setup, changed_draft, reviewer):
    sign_in(client, course_setup.trainer)
    response = client.post(f"/manage/drafts/{changed_draft}/submit")
    assert response.status_code == 302
    assert status_of(app, changed_draft) == DraftStatus.IN_REVIEW
    return changed_draft


def test_asking_for_review_emails_the_reviewer_in_their_language(
    app, client, outbox, course_setup, changed_draft, reviewer
):
    sign_in(client, course_setup.trainer)
    response = client.post(f"/manage/drafts/{changed_draft}/submit")
    assert response.headers["Location"] == f"/manage/drafts/{changed_draft}"
    [message] = outbox
    assert message.to == [reviewer.email]
    assert message.subject == "A course draft waits for your review"
    html = message.alternatives[0][0]
    assert f"/manage/drafts/{changed_draft}/review" in html and "Test course" in html


def test_asking_for_review_without_a_reviewer_says_so(app, client, course_setup, changed_draft):
    sign_in(client, course_setup.trainer)
    response = client.post(f"/manage/drafts/{changed_draft}/submit", follow_redirects=True)
    assert "Nimeni nu poate evalua încă această ciornă" in page_text(response)
    assert status_of(app, changed_draft) == DraftStatus.EDITING


def test_the_review_page_shows_the_romanian_change_and_asks_only_for_romanian(
    app, course_setup, in_review, reviewer
):
    client = client_of(app, reviewer)
    response = client.get(f"/manage/drafts/{in_review}/review", headers=EN)
    assert response.status_code == 200
    text = page_text(response)
    assert "Despre acest curs" in text and "Despre curs" in text
    assert "I reviewed the Română text" in text
    assert "I reviewed the English text" not in text
    assert "No change in this language." in text  # English


def test_the_reviewer_must_tick_every_changed_language_before_approving(
    app, course_setup, in_review, reviewer
):
    client = client_of(app, reviewer)
    response = client.post(f"/manage/drafts/{in_review}/approve", data={}, headers=EN)
    assert response.status_code == 400
    assert "Sign off every changed language before approving" in page_text(response)
    assert status_of(app, in_review) == DraftStatus.IN_REVIEW
    response = client.post(f"/manage/drafts/{in_review}/approve", data={"language_ro": "y"})
    assert response.status_code == 302
    assert status_of(app, in_review) == DraftStatus.APPROVED


def test_signing_off_then_approving_in_two_steps(app, course_setup, in_review, reviewer):
    client = client_of(app, reviewer)
    assert client.post(f"/manage/drafts/{in_review}/sign-off", data={}).status_code == 400
    response = client.post(f"/manage/drafts/{in_review}/sign-off", data={"language_ro": "y"})
    assert response.status_code == 302
    text = page_text(client.get(f"/manage/drafts/{in_review}/review", headers=EN))
    assert "Română: signed off by Ilona Reviewer." in text
    assert client.post(f"/manage/drafts/{in_review}/approve", data={}).status_code == 302
    assert status_of(app, in_review) == DraftStatus.APPROVED


def test_the_author_cannot_approve_and_is_told_why(app, client, course_setup, in_review):
    response = client.post(
        f"/manage/drafts/{in_review}/approve", data={"language_ro": "y"}, headers=EN
    )
    assert response.status_code == 302
    assert status_of(app, in_review) == DraftStatus.IN_REVIEW
    text = page_text(client.get(response.headers["Location"]))  # the author reads Romanian
    assert "Evaluarea necesită dreptul de evaluator" in text
    assert "Aprobați ciorna" not in text


def test_a_trainer_without_the_right_cannot_approve(app, make, course_setup, in_review):
    colleague = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=course_setup.organisation_id
    )
    client = client_of(app, colleague)
    client.post(f"/manage/drafts/{in_review}/approve", data={"language_ro": "y"})
    client.post(f"/manage/drafts/{in_review}/send-back", data={"comment": "Nu."})
    assert status_of(app, in_review) == DraftStatus.IN_REVIEW


def test_a_reviewer_who_changed_the_draft_sees_why_the_buttons_are_missing(
    app, make, course_setup, draft_id, reviewer
):
    make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        text = services.read_text(draft, LESSON)
        services.save(draft, {LESSON: text.replace("curs", "Curs", 1).encode()}, by_id=reviewer.id)
        draft.status = DraftStatus.IN_REVIEW
        db.session.commit()
    client = client_of(app, reviewer)
    text = page_text(client.get(f"/manage/drafts/{draft_id}/review", headers=EN))
    assert "You changed this draft, so someone else must review it." in text
    assert "Approve the draft" not in text


def test_a_trainer_of_another_organisation_cannot_read_the_review(
    app, make, course_setup, in_review
):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(
            name="DGASPC Cluj", kind="social_assistance", county="CJ"
        ),
    )
    client = client_of(app, outsider)
    assert client.get(f"/manage/drafts/{in_review}/review").status_code == 403
    assert client.post(f"/manage/drafts/{in_review}/approve").status_code == 403


def test_a_missing_draft_is_404(client, course_setup):
    sign_in(client, course_setup.trainer)
    assert client.get("/manage/drafts/999/review").status_code == 404


def test_sending_back_needs_a_comment_and_emails_the_author(
    app, outbox, course_setup, in_review, reviewer
):
    client = client_of(app, reviewer)
    outbox.clear()
    response = client.post(
        f"/manage/drafts/{in_review}/send-back", data={"comment": " "}, headers=EN
    )
    assert response.status_code == 400
    assert "Say what should change." in page_text(response)
    response = client.post(
        f"/manage/drafts/{in_review}/send-back", data={"comment": "Scurtați titlul."}
    )
    assert response.status_code == 302
    assert status_of(app, in_review) == DraftStatus.CHANGES_REQUESTED
    [message] = outbox
    assert message.to == [course_setup.trainer.email] and "Scurtați titlul." in message.body
    # The comment is on the draft's page, in its story.
    author = client_of(app, course_setup.trainer)
    assert "Scurtați titlul." in page_text(author.get(f"/manage/drafts/{in_review}"))


def test_publishing_an_approved_draft_makes_the_new_version(
    app, outbox, course_setup, in_review, reviewer
):
    client = client_of(app, reviewer)
    client.post(f"/manage/drafts/{in_review}/approve", data={"language_ro": "y"})
    page = page_text(client.get(f"/manage/drafts/{in_review}", headers=EN))
    assert "Publish version 1.0.1" in page
    response = client.post(f"/manage/drafts/{in_review}/publish")
    assert response.headers["Location"] == f"/manage/courses/{course_setup.course_id}/history"
    with app.app_context():
        version = db.session.scalar(select(CourseVersion).where(CourseVersion.label == "1.0.1"))
        assert version.status == VersionStatus.PUBLISHED
        assert [r.language for r in version.reviews] == ["ro"]
    assert status_of(app, in_review) == DraftStatus.PUBLISHED


def test_the_author_cannot_publish(app, client, course_setup, in_review, reviewer):
    other = client_of(app, reviewer)
    other.post(f"/manage/drafts/{in_review}/approve", data={"language_ro": "y"})
    client.post(f"/manage/drafts/{in_review}/publish")
    assert status_of(app, in_review) == DraftStatus.APPROVED


def test_the_review_page_still_works_when_the_base_is_withdrawn(
    app, make, course_setup, in_review, reviewer
):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        base = db.session.get(CourseVersion, course_setup.version_id)
        withdraw_version(base, replacement=None, reason="Greșeli.", by_id=admin.id)
        db.session.commit()
    client = client_of(app, reviewer)
    response = client.get(f"/manage/drafts/{in_review}/review", headers=EN)
    assert response.status_code == 200
    assert "Despre acest curs" in page_text(response)


def test_an_administrator_gives_and_takes_back_the_reviewer_right(app, make, course_setup):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en")
    client = client_of(app, admin)
    assert client.get("/manage/reviewers").status_code == 200
    response = client.post("/manage/reviewers/grant", data={"email": "nobody@example.org"})
    assert response.status_code == 400
    assert "No trainer has this email address." in page_text(response)
    assert 'value="nobody@example.org"' in response.get_data(as_text=True)
    response = client.post("/manage/reviewers/grant", data={"email": course_setup.trainer.email})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ReviewerRight.user_id)) == course_setup.trainer.id
    assert course_setup.trainer.email in client.get("/manage/reviewers").get_data(as_text=True)
    client.post("/manage/reviewers/revoke", data={"email": course_setup.trainer.email})
    with app.app_context():
        assert db.session.scalar(select(ReviewerRight.user_id)) is None


def test_a_trainer_cannot_give_the_reviewer_right(app, client, course_setup):
    sign_in(client, course_setup.trainer)
    assert client.get("/manage/reviewers").status_code == 403
    response = client.post("/manage/reviewers/grant", data={"email": course_setup.trainer.email})
    assert response.status_code == 403


def test_a_base_version_that_no_longer_loads_is_explained_not_a_500(
    app, course_setup, in_review, reviewer
):
    from elearn.courses.media import store_blob
    from elearn.courses.models import PackageFile

    broken = b"format: 1\nid: [not a slug\n"
    with app.app_context():
        store_blob(broken, services.sha(broken))
        row = db.session.scalar(
            select(PackageFile).where(
                PackageFile.version_id == course_setup.version_id,
                PackageFile.path == "course.yaml",
            )
        )
        row.sha256 = services.sha(broken)
        db.session.commit()
    client = client_of(app, reviewer)
    response = client.get(f"/manage/drafts/{in_review}/review", headers=EN)
    assert response.status_code == 200
    assert "no longer passes today's package checks" in page_text(response)


def test_the_draft_page_offers_to_ask_for_review_and_tells_who_may_review(
    app, course_setup, changed_draft, reviewer
):
    client = client_of(app, course_setup.trainer)
    text = page_text(client.get(f"/manage/drafts/{changed_draft}"))
    assert "Cereți evaluarea" in text and "Ilona Reviewer" in text
