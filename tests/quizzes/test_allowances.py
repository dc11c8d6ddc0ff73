"""Extra attempts and extra time (WCAG 2.2.1), granted by a member's manager or by the
course's trainer, recorded in the audit log, and felt by the learner at once."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.quizzes.models import QuizAllowance
from tests.conftest import page_text, sign_in

QUIZ = "/courses/test-course/quizzes"


def enrolled_member(app, make, organisation, **kwargs):
    member = make.user(organisation_id=organisation, language="en", **kwargs)
    browser = app.test_client()
    sign_in(browser, member)
    browser.post("/courses/test-course/enrol")
    return member, browser


def allowance_rows(app):
    with app.app_context():
        return [
            (row.quiz_key, row.extra_attempts, row.extra_minutes)
            for row in db.session.scalars(select(QuizAllowance))
        ]


def test_a_manager_sees_a_members_courses_and_grants_extra_time(app, client, make, course):
    organisation = make.organisation(name="Școala Gimnazială nr. 1")
    member, browser = enrolled_member(app, make, organisation, full_name="Ioana Mureșan")
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation, language="en"
    )
    sign_in(client, manager)
    members = client.get(f"/organisations/{organisation}/people").get_data(as_text=True)
    page = f"/organisations/{organisation}/people/{member.id}/learning"
    assert f'<a href="{page}">Ioana Mureșan</a>' in members  # the name leads to the page
    text = page_text(client.get(page))
    assert "Learning of Ioana Mureșan" in text and "Test course" in text
    enrolment_id = _enrolment_id(app)
    response = client.post(
        f"/organisations/{organisation}/people/{member.id}/allowance",
        data={"quiz": f"{enrolment_id}/final", "extra_attempts": "2", "extra_minutes": "30"},
    )
    assert response.status_code == 302
    assert allowance_rows(app) == [("final", 2, 30)]
    assert "2 extra attempts, 30 extra minutes" in page_text(client.get(page))
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "quiz.allowance_granted")
        )
        assert event.actor_id == manager.id and event.target_id == member.id
        assert event.details["after"] == {"attempts": 2, "minutes": 30}
    assert "5 left" in page_text(browser.get(f"{QUIZ}/final/"))


def test_bad_numbers_are_named_and_nothing_is_granted(app, client, make, course):
    organisation = make.organisation()
    member, _browser = enrolled_member(app, make, organisation)
    sign_in(
        client,
        make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation, language="en"),
    )
    response = client.post(
        f"/organisations/{organisation}/people/{member.id}/allowance",
        data={"quiz": f"{_enrolment_id(app)}/final", "extra_attempts": "50", "extra_minutes": "x"},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Give between 0 and 20 extra attempts." in text
    assert allowance_rows(app) == []


def test_a_manager_cannot_reach_another_persons_course_or_another_organisation(
    app, client, make, course
):
    organisation, other = make.organisation(), make.organisation(name="Poliția Bihor")
    member, _browser = enrolled_member(app, make, organisation)
    outsider, _other_browser = enrolled_member(app, make, other)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation))
    outsiders_enrolment = _enrolment_id(app, outsider.id)
    refused = client.post(
        f"/organisations/{organisation}/people/{member.id}/allowance",
        data={"quiz": f"{outsiders_enrolment}/final", "extra_attempts": "1", "extra_minutes": "0"},
    )
    assert refused.status_code == 400
    assert client.get(f"/organisations/{other}/people/{outsider.id}/learning").status_code == 403
    # someone of another organisation, addressed through one's own, is not found
    assert (
        client.get(f"/organisations/{organisation}/people/{outsider.id}/learning").status_code
        == 404
    )
    assert allowance_rows(app) == []


def test_a_pending_member_is_not_shown_to_the_manager(app, client, make, course):
    organisation = make.organisation()
    pending, _browser = enrolled_member(app, make, organisation, membership_confirmed=False)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation))
    url = f"/organisations/{organisation}/people/{pending.id}/learning"
    assert client.get(url).status_code == 404


def test_the_courses_trainer_grants_extra_attempts_by_email(app, client, make, course):
    organisation = make.organisation()
    with app.app_context():
        db.session.scalar(select(Course)).owner_organisation_id = organisation
        db.session.commit()
    _learner, browser = enrolled_member(
        app, make, make.organisation(name="DGASPC Bihor"), email="ana@example.org"
    )
    sign_in(
        client,
        make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation, language="en"),
    )
    url = f"/manage/courses/versions/{course}/allowance"
    unknown = client.post(
        url,
        data={
            "email": "nobody@example.org",
            "quiz": "final",
            "extra_attempts": "1",
            "extra_minutes": "0",
        },
    )
    assert unknown.status_code == 400
    assert "Nobody with this email address is enrolled in this course." in page_text(unknown)
    granted = client.post(
        url,
        data={
            "email": "ANA@example.org",
            "quiz": "final",
            "extra_attempts": "1",
            "extra_minutes": "0",
        },
    )
    assert granted.status_code == 302
    assert allowance_rows(app) == [("final", 1, 0)]
    assert "4 left" in page_text(browser.get(f"{QUIZ}/final/"))


def test_a_trainer_of_another_organisation_is_refused(app, client, make, course):
    owner, other = make.organisation(), make.organisation(name="Poliția Bihor")
    with app.app_context():
        db.session.scalar(select(Course)).owner_organisation_id = owner
        db.session.commit()
    enrolled_member(app, make, owner, email="ana@example.org")
    sign_in(client, make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=other))
    response = client.post(
        f"/manage/courses/versions/{course}/allowance",
        data={
            "email": "ana@example.org",
            "quiz": "final",
            "extra_attempts": "5",
            "extra_minutes": "0",
        },
    )
    assert response.status_code == 403
    assert allowance_rows(app) == []


def _enrolment_id(app, user_id=None) -> int:
    from elearn.learning.models import Enrolment

    with app.app_context():
        query = select(Enrolment.id)
        if user_id is not None:
            query = query.where(Enrolment.user_id == user_id)
        return db.session.scalar(query)
