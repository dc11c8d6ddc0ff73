"""Co-authors: once a course has some, only they edit it among its organisation's trainers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.authoring.models import CourseAuthor
from elearn.extensions import db
from tests.conftest import page_text, sign_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def course_setup(app, course_setup):
    """The shared set-up, its trainer reading the pages in English."""
    from elearn.accounts.models import User

    with app.app_context():
        db.session.get(User, course_setup.trainer.id).preferred_language = "en"
        db.session.commit()
    return course_setup


def _authors(app, course_id: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(CourseAuthor.user_id).where(CourseAuthor.course_id == course_id)
            )
        )


def _trainer(make, organisation_id: int):
    return make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation_id)


def test_co_authors_close_editing_to_other_trainers_until_the_last_is_removed(
    app, client, make, course_setup, draft_id
):
    setup = course_setup
    colleague = _trainer(make, setup.organisation_id)
    bystander = app.test_client()
    sign_in(bystander, _trainer(make, setup.organisation_id))
    assert bystander.get(f"/manage/drafts/{draft_id}").status_code == 200

    sign_in(client, setup.trainer)
    page = f"/manage/courses/{setup.course_id}/authors"
    assert "every trainer of the organisation" in page_text(client.get(page, headers=EN))
    response = client.post(page, data={"email": colleague.email.upper()}, headers=EN)
    assert response.status_code == 302
    # The trainer who added the first co-author became one too: they keep editing.
    assert _authors(app, setup.course_id) == {setup.trainer.id, colleague.id}
    assert bystander.get(f"/manage/drafts/{draft_id}").status_code == 403
    assert bystander.get(page).status_code == 403
    assert client.get(f"/manage/drafts/{draft_id}").status_code == 200
    html = page_text(client.get(page, headers=EN))
    assert colleague.full_name in html
    assert "If you remove the last co-author, every trainer" in html

    remove = f"/manage/courses/{setup.course_id}/authors/{{}}/remove"
    response = client.post(remove.format(colleague.id), headers=EN)
    assert response.headers["Location"] == page
    assert bystander.get(f"/manage/drafts/{draft_id}").status_code == 403
    response = client.post(remove.format(setup.trainer.id), headers=EN)
    assert response.status_code == 302
    assert _authors(app, setup.course_id) == set()
    assert "every trainer of its organisation may edit it" in page_text(
        client.get(response.headers["Location"], headers=EN)
    )
    assert bystander.get(f"/manage/drafts/{draft_id}").status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("course.author_%"))
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["course.author_added"] * 2 + ["course.author_removed"] * 2


def test_a_co_author_who_removes_themselves_is_sent_back_to_the_courses(
    app, client, make, course_setup
):
    setup = course_setup
    colleague = _trainer(make, setup.organisation_id)
    sign_in(client, setup.trainer)
    client.post(f"/manage/courses/{setup.course_id}/authors", data={"email": colleague.email})
    response = client.post(f"/manage/courses/{setup.course_id}/authors/{setup.trainer.id}/remove")
    assert response.headers["Location"] == "/manage/courses/"
    assert _authors(app, setup.course_id) == {colleague.id}
    assert client.get(f"/manage/courses/{setup.course_id}/authors").status_code == 403


def test_only_a_trainer_of_the_owning_organisation_can_be_added(app, client, make, course_setup):
    setup = course_setup
    elsewhere = _trainer(make, make.organisation(name="DGASPC Cluj", kind="social_assistance"))
    learner = make.user(organisation_id=setup.organisation_id)
    unconfirmed = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=setup.organisation_id,
        membership_confirmed=False,
    )
    sign_in(client, setup.trainer)
    page = f"/manage/courses/{setup.course_id}/authors"
    for email in (elsewhere.email, learner.email, unconfirmed.email, "nobody@example.org"):
        response = client.post(page, data={"email": email}, headers=EN)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'id="email-error"' in html
        assert "No trainer of the organisation that owns this course" in html
        assert f'value="{email}"' in html  # kept as typed
    response = client.post(page, data={"email": "not an address"}, headers=EN)
    assert response.status_code == 400
    assert _authors(app, setup.course_id) == set()


def test_adding_someone_twice_is_refused(app, client, make, course_setup):
    setup = course_setup
    colleague = _trainer(make, setup.organisation_id)
    sign_in(client, setup.trainer)
    page = f"/manage/courses/{setup.course_id}/authors"
    assert client.post(page, data={"email": colleague.email}).status_code == 302
    response = client.post(page, data={"email": colleague.email}, headers=EN)
    assert response.status_code == 400
    assert "already a co-author" in response.get_data(as_text=True)


def test_an_administrator_adds_co_authors_without_becoming_one(
    app, client, make, course_setup, as_role
):
    setup = course_setup
    as_role(Role.ADMIN)
    response = client.post(
        f"/manage/courses/{setup.course_id}/authors", data={"email": setup.trainer.email}
    )
    assert response.status_code == 302
    assert _authors(app, setup.course_id) == {setup.trainer.id}


def test_others_cannot_see_or_change_the_co_authors(app, client, make, course_setup, as_role):
    setup = course_setup
    page = f"/manage/courses/{setup.course_id}/authors"
    assert client.get(page).status_code == 302  # anonymous: sign in
    as_role(Role.LEARNER, organisation_id=setup.organisation_id)
    assert client.get(page).status_code == 403
    outsider = app.test_client()
    sign_in(outsider, _trainer(make, make.organisation(name="Alt ONG", kind="ngo")))
    assert outsider.get(page).status_code == 403
    assert outsider.post(page, data={"email": setup.trainer.email}).status_code == 403
    assert outsider.post(f"{page}/{setup.trainer.id}/remove").status_code == 403
    assert _authors(app, setup.course_id) == set()
    assert outsider.get("/manage/courses/999999/authors").status_code == 404


def test_removing_someone_who_is_not_a_co_author_says_so(app, client, course_setup):
    sign_in(client, course_setup.trainer)
    response = client.post(
        f"/manage/courses/{course_setup.course_id}/authors/{course_setup.trainer.id}/remove",
        headers=EN,
    )
    assert response.status_code == 302
    assert "not a co-author" in page_text(client.get(response.headers["Location"], headers=EN))
