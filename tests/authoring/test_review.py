"""The review's services: ask for review, sign off, send back, approve, publish; who may."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.authoring import review, services
from elearn.authoring.models import Draft, DraftEventKind, DraftStatus, ReviewerRight
from elearn.courses.models import CourseVersion, LanguageReview, VersionStatus
from elearn.errors import DomainError
from elearn.extensions import db

LESSON = "lessons/welcome.ro.md"


@pytest.fixture
def reviewer(app, make, course_setup):
    """A second trainer of the organisation, holding the reviewer right."""
    person = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        full_name="Ilona Reviewer",
    )
    with app.app_context():
        db.session.add(ReviewerRight(user_id=person.id))
        db.session.commit()
    return person


def user(person) -> User:
    return db.session.get(User, person.id)


def change_lesson(draft: Draft, by_id: int, old="# Despre curs", new="# Despre acest curs"):
    text = services.read_text(draft, LESSON)
    assert old in text
    services.save(draft, {LESSON: text.replace(old, new).encode()}, by_id=by_id)


def english(error) -> str:
    with force_locale("en"):
        return str(error.value.message)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_whole_review_from_asking_to_publishing(app, outbox, course_setup, draft_id, reviewer):
    author = course_setup.trainer
    with app.app_context():
        base = db.session.get(CourseVersion, course_setup.version_id)
        base.reviews.append(
            LanguageReview(language="en", reviewer_id=None, reviewed_on=date(2026, 1, 5))
        )
        draft = db.session.get(Draft, draft_id)
        change_lesson(draft, author.id)
        assert [u.id for u in review.submit(draft, by=user(author))] == [reviewer.id]
        db.session.commit()
        assert draft.status == DraftStatus.IN_REVIEW
        [asked] = outbox
        assert asked.to == [reviewer.email]
        assert asked.subject == "O ciornă de curs așteaptă evaluarea dumneavoastră"  # her language
        assert f"/manage/drafts/{draft_id}/review" in asked.body

        assert review.sign_off(draft, ["ro", "en"], by=user(reviewer)) == ["ro"]  # en unchanged
        review.send_back(draft, by=user(reviewer), comment="Titlul e prea lung.\nScurtați-l.")
        db.session.commit()
        assert draft.status == DraftStatus.CHANGES_REQUESTED and draft.signoffs == []
        sent_back = outbox[1]
        assert sent_back.to == [author.email] and "Scurtați-l." in sent_back.body

        change_lesson(draft, author.id, "# Despre acest curs", "# Despre curs, pe scurt")
        assert draft.status == DraftStatus.EDITING
        review.submit(draft, by=user(author))
        review.approve(draft, by=user(reviewer), languages=["ro"])
        db.session.commit()
        assert draft.status == DraftStatus.APPROVED
        assert outbox[-1].to == [author.email]

        version = review.publish(draft, by=user(reviewer))
        db.session.commit()
        assert version.label == "1.0.1" and version.status == VersionStatus.PUBLISHED
        assert draft.status == DraftStatus.PUBLISHED and draft.published_version_id == version.id
        reviews = {r.language: (r.reviewer_id, r.reviewed_on) for r in version.reviews}
        assert reviews["ro"][0] == reviewer.id
        assert reviews["en"] == (None, date(2026, 1, 5))  # carried over: English did not change
        lesson = next(lesson for lesson in version.lessons if lesson.key == "welcome")
        assert "Despre curs, pe scurt" in lesson.html["ro"]
        assert [e.kind for e in draft.events] == [
            DraftEventKind.CREATED,
            DraftEventKind.SUBMITTED,
            DraftEventKind.SENT_BACK,
            DraftEventKind.SUBMITTED,
            DraftEventKind.APPROVED,
            DraftEventKind.PUBLISHED,
        ]
        assert draft.events[2].comment.startswith("Titlul")
        logged = actions()
        for action in ("draft.submitted", "draft.sent_back", "draft.approved", "draft.published"):
            assert action in logged


def test_a_sign_off_holds_only_for_the_revision_it_saw(app, course_setup, draft_id, reviewer):
    author = course_setup.trainer
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        change_lesson(draft, author.id)
        review.submit(draft, by=user(author))
        review.sign_off(draft, ["ro"], by=user(reviewer))
        review.send_back(draft, by=user(reviewer), comment="Încă o dată.")
        change_lesson(draft, author.id, "# Despre acest curs", "# Despre curs")
        change_lesson(draft, author.id, "# Despre curs", "# Despre tot cursul")
        review.submit(draft, by=user(author))
        with pytest.raises(DomainError) as refused:
            review.approve(draft, by=user(reviewer))
        assert refused.value.field == "languages"
        assert draft.status == DraftStatus.IN_REVIEW
        with pytest.raises(DomainError):
            review.approve(draft, by=user(reviewer), languages=["ro"], revision=draft.revision - 1)


def test_a_save_clears_the_sign_offs(app, course_setup, draft_id, reviewer):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        change_lesson(draft, course_setup.trainer.id)
        review.submit(draft, by=user(course_setup.trainer))
        review.sign_off(draft, ["ro"], by=user(reviewer))
        assert set(review.current_signoffs(draft)) == {"ro"}
        draft.status = DraftStatus.EDITING  # as if sent back, without the service
        change_lesson(draft, course_setup.trainer.id, "# Despre acest curs", "# Despre curs!")
        assert review.current_signoffs(draft) == {}


def test_the_author_cannot_approve_their_own_draft_even_with_the_right(
    app, make, course_setup, draft_id, reviewer
):
    make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        change_lesson(draft, reviewer.id)  # the reviewer wrote this one
        review.submit(draft, by=user(reviewer))  # the administrator can review it
        with pytest.raises(DomainError) as refused:
            review.approve(draft, by=user(reviewer), languages=["ro"])
        assert "changed this draft" in english(refused)
        with pytest.raises(DomainError):
            review.approve(draft, by=user(course_setup.trainer), languages=["ro"])
        assert draft.status == DraftStatus.IN_REVIEW


def test_asking_for_review_is_refused_when_nobody_could_review(app, outbox, course_setup, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        change_lesson(draft, course_setup.trainer.id)
        with pytest.raises(DomainError) as refused:
            review.submit(draft, by=user(course_setup.trainer))
        assert "Nobody can review" in english(refused)
        assert draft.status == DraftStatus.EDITING and outbox == []


def test_an_unchanged_draft_is_not_sent_for_review(app, course_setup, draft_id, reviewer):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        with pytest.raises(DomainError) as refused:
            review.submit(draft, by=user(course_setup.trainer))
        assert "does not change anything" in english(refused)


def test_reviewers_are_the_organisations_right_holders_and_the_administrators(
    app, make, course_setup, draft_id, reviewer
):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), full_name="Ana Admin")
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(
            name="DGASPC Cluj", kind="social_assistance", county="CJ"
        ),
    )
    with app.app_context():
        db.session.add(ReviewerRight(user_id=outsider.id))  # a right, but another organisation
        db.session.commit()
        draft = db.session.get(Draft, draft_id)
        assert [u.id for u in review.draft_reviewers(draft)] == [admin.id, reviewer.id]
        change_lesson(draft, admin.id)
        assert [u.id for u in review.draft_reviewers(draft)] == [reviewer.id]


def test_a_draft_that_is_not_approved_is_not_published(app, course_setup, draft_id, reviewer):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        change_lesson(draft, course_setup.trainer.id)
        review.submit(draft, by=user(course_setup.trainer))
        with pytest.raises(DomainError):
            review.publish(draft, by=user(reviewer))
        assert db.session.query(CourseVersion).count() == 1


def test_giving_and_taking_back_the_reviewer_right(app, make, course_setup):
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    learner = make.user(email="only.learner@example.org")
    with app.app_context():
        granted = review.grant_reviewer(course_setup.trainer.email.upper(), by_id=admin.id)
        assert granted.id == course_setup.trainer.id
        with pytest.raises(DomainError) as twice:
            review.grant_reviewer(course_setup.trainer.email, by_id=admin.id)
        assert twice.value.field == "email"
        with pytest.raises(DomainError):
            review.grant_reviewer(learner.email, by_id=admin.id)
        review.revoke_reviewer(course_setup.trainer.email, by_id=admin.id)
        with pytest.raises(DomainError):
            review.revoke_reviewer(course_setup.trainer.email, by_id=admin.id)
        assert actions()[-2:] == ["reviewer.granted", "reviewer.revoked"]
