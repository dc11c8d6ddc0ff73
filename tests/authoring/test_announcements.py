"""Announcements: posted by a course's editors, shown escaped on the course page, emailed once
by `elearn notify` to the enrolled learners who asked for them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.authoring import announcements
from elearn.authoring.models import Announcement
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.authoring.conftest import publish_test_course
from tests.conftest import count_queries, page_text, sign_in
from tests.content.helpers import edit, valid_files

EN = {"Accept-Language": "en"}


@dataclass
class Course:
    id: int
    slug: str
    organisation_id: int
    trainer: object


@pytest.fixture
def course(app, make) -> Course:
    """A published course of an organisation that learners can enrol in at once."""
    organisation = make.organisation()
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    course_id, _version = publish_test_course(app, organisation, files)
    trainer = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation, language="en"
    )
    return Course(course_id, "test-course", organisation, trainer)


def _enrolled(app, make, course, *, opted_in=False, **kwargs):
    person = make.user(**kwargs)
    client = app.test_client()
    sign_in(client, person)
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 302
    if opted_in:
        client.post(f"/courses/{course.slug}/announcement-emails", data={"wanted": "1"})
    return person, client


def _post(client, course, body: str, language: str = "en"):
    return client.post(
        f"/manage/courses/{course.id}/announcements",
        data={"body": body, "language": language},
        headers=EN,
    )


def _notify(app) -> dict:
    with app.app_context():
        return announcements.send_queued()


def test_an_announcement_is_posted_and_shown_escaped_on_the_course_page(app, client, make, course):
    sign_in(client, course.trainer)
    body = 'Read <script>alert("x")</script> & see https://example.org\nSecond line'
    response = _post(client, course, body)
    assert response.status_code == 302
    assert _post(client, course, "A newer one").status_code == 302
    html = client.get(f"/manage/courses/{course.id}/announcements", headers=EN).get_data(
        as_text=True
    )
    assert html.index("A newer one") < html.index("Read &lt;script&gt;")  # newest first
    with app.app_context():
        first = db.session.scalar(select(Announcement).order_by(Announcement.id))
        assert (
            first.body == body and first.language == "en" and first.author_id == course.trainer.id
        )
        assert db.session.scalar(
            select(AuditEvent.details).where(AuditEvent.action == "course.announced")
        ) == {"announcement_id": first.id}
    learner = app.test_client()
    page = learner.get(f"/courses/{course.slug}", headers=EN).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; see https://example.org" in page
    assert "<script>alert" not in page
    assert 'href="https://example.org"' not in page  # links are not made clickable
    assert 'lang="en"' in page and "A newer one" in page


def test_only_the_latest_three_visible_are_shown_to_learners(app, client, course):
    sign_in(client, course.trainer)
    for number in range(1, 6):
        _post(client, course, f"Message number {number}.")
    with app.app_context():
        fifth = db.session.scalar(select(Announcement.id).order_by(Announcement.id.desc()))
    client.post(f"/manage/courses/{course.id}/announcements/{fifth}/hide", data={"hidden": "1"})
    page = app.test_client().get(f"/courses/{course.slug}").get_data(as_text=True)
    assert [n for n in range(1, 6) if f"Message number {n}." in page] == [2, 3, 4]
    manage = client.get(f"/manage/courses/{course.id}/announcements", headers=EN)
    assert "hidden from learners" in manage.get_data(as_text=True)
    client.post(f"/manage/courses/{course.id}/announcements/{fifth}/hide", data={"hidden": "0"})
    page = app.test_client().get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Message number 5." in page and "Message number 2." not in page


def test_a_too_long_or_empty_announcement_is_refused_and_kept(app, client, course):
    sign_in(client, course.trainer)
    long_text = "x" * 1001
    response = _post(client, course, long_text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="body-error"' in html and "at most 1000 characters" in html
    assert long_text in html
    response = _post(client, course, "   ")
    assert response.status_code == 400 and "Write the announcement." in page_text(response)
    response = _post(client, course, "Hello", language="de")
    assert response.status_code == 400 and 'id="language-error"' in response.get_data(as_text=True)
    # A thousand characters with Windows line ends are still a thousand.
    assert _post(client, course, ("y" * 99 + "\r\n") * 10).status_code == 302
    with app.app_context():
        assert db.session.query(Announcement).count() == 1


def test_learners_and_other_organisations_cannot_post_or_hide(app, client, make, course, as_role):
    page = f"/manage/courses/{course.id}/announcements"
    assert client.get(page).status_code == 302  # anonymous: sign in
    as_role(Role.LEARNER, organisation_id=course.organisation_id)
    assert client.get(page).status_code == 403
    assert _post(client, course, "Hi").status_code == 403
    outsider = app.test_client()
    sign_in(
        outsider,
        make.user(
            roles=(Role.LEARNER, Role.TRAINER),
            organisation_id=make.organisation(name="Alt ONG", kind="ngo"),
        ),
    )
    assert outsider.get(page).status_code == 403
    assert _post(outsider, course, "Hi").status_code == 403
    editor = app.test_client()
    sign_in(editor, course.trainer)
    _post(editor, course, "Mine")
    with app.app_context():
        mine = db.session.scalar(select(Announcement.id))
    assert outsider.post(f"{page}/{mine}/hide", data={"hidden": "1"}).status_code == 403
    assert editor.post(f"{page}/999999/hide", data={"hidden": "1"}).status_code == 404
    with app.app_context():
        assert db.session.query(Announcement).count() == 1
        assert not db.session.get(Announcement, mine).hidden


def test_an_enrolled_learner_opts_in_and_out_of_emails(app, make, course):
    person, learner = _enrolled(app, make, course, language="en")
    html = learner.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Email me the announcements" in html
    response = learner.post(f"/courses/{course.slug}/announcement-emails", data={"wanted": "1"})
    assert response.headers["Location"] == f"/courses/{course.slug}#announcements"
    html = learner.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Stop emailing me announcements" in html
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id))
        assert enrolment.announcement_emails is True
    learner.post(f"/courses/{course.slug}/announcement-emails", data={"wanted": "0"})
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id))
        assert enrolment.announcement_emails is False


def test_someone_not_enrolled_cannot_opt_in(app, client, make, course):
    sign_in(client, make.user(language="en"))
    response = client.post(f"/courses/{course.slug}/announcement-emails", data={"wanted": "1"})
    assert response.status_code == 302
    assert "Enrol in the course to receive" in page_text(client.get(f"/courses/{course.slug}"))
    with app.app_context():
        assert db.session.query(Enrolment).count() == 0
    assert client.post("/courses/no-such-course/announcement-emails").status_code == 404
    anonymous = app.test_client()
    response = anonymous.post(f"/courses/{course.slug}/announcement-emails", data={"wanted": "1"})
    assert response.headers["Location"].startswith("/sign-in")


def test_notify_emails_each_announcement_once_to_the_opted_in_in_their_language(
    app, client, make, outbox, course
):
    hungarian, _ = _enrolled(app, make, course, opted_in=True, language="hu")
    english, _ = _enrolled(app, make, course, opted_in=True, language="en")
    _enrolled(app, make, course, language="en")  # did not opt in
    outsider = make.user(language="en")  # not enrolled
    sign_in(client, course.trainer)
    _post(client, course, "The <b>final</b> quiz changed.", language="en")
    assert _notify(app) == {"sent": 2, "failed": 0}
    assert sorted(message.to[0] for message in outbox) == sorted([hungarian.email, english.email])
    assert outsider.email not in [message.to[0] for message in outbox]
    by_address = {message.to[0]: message for message in outbox}
    assert by_address[english.email].subject == "Announcement: Test course"
    assert "The <b>final</b> quiz changed." in by_address[english.email].body
    assert (
        "The &lt;b&gt;final&lt;/b&gt; quiz changed." in by_address[english.email].alternatives[0][0]
    )
    assert "/courses/test-course" in by_address[english.email].body
    # In Hungarian; the course has no Hungarian title, so its first language's.
    assert by_address[hungarian.email].subject == "Közlemény: Curs de test"
    assert "Kedves" in by_address[hungarian.email].body
    assert _notify(app) == {"sent": 0, "failed": 0}
    assert len(outbox) == 2
    with app.app_context():
        assert db.session.scalar(select(Announcement.emailed_at)) is not None


def test_an_announcement_another_run_claimed_is_not_sent_again(app, make, outbox, course):
    _enrolled(app, make, course, opted_in=True)
    with app.app_context():
        db.session.add(
            Announcement(course_id=course.id, body="Taken", language="ro", emailed_at=utcnow())
        )
        db.session.add(Announcement(course_id=course.id, body="Hidden", language="ro", hidden=True))
        db.session.commit()
    assert _notify(app) == {"sent": 0, "failed": 0}
    assert outbox == []


def test_when_the_mail_server_refuses_everything_the_announcement_waits(
    app, make, outbox, course, monkeypatch
):
    _enrolled(app, make, course, opted_in=True)
    with app.app_context():
        db.session.add(Announcement(course_id=course.id, body="Soon", language="ro"))
        db.session.commit()
    monkeypatch.setattr(announcements, "send_email", lambda **kwargs: False)
    assert _notify(app) == {"sent": 0, "failed": 1}
    with app.app_context():
        assert db.session.scalar(select(Announcement.emailed_at)) is None
    monkeypatch.undo()
    assert _notify(app) == {"sent": 1, "failed": 0}


def test_the_notify_command_sends_the_announcements(app, runner, make, outbox, course):
    _enrolled(app, make, course, opted_in=True)
    with app.app_context():
        db.session.add(Announcement(course_id=course.id, body="Hello", language="ro"))
        db.session.commit()
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "announcements: sent: 1, failed: 0" in result.output
    assert len(outbox) == 1


def test_the_course_page_does_not_query_per_announcement(app, make, course):
    _person, learner = _enrolled(app, make, course)
    learner.get(f"/courses/{course.slug}")
    with app.app_context():
        db.session.add(Announcement(course_id=course.id, body="One", language="ro"))
        db.session.commit()
    one = count_queries(app, lambda: learner.get(f"/courses/{course.slug}"))
    with app.app_context():
        for number in range(5):
            db.session.add(Announcement(course_id=course.id, body=f"N{number}", language="ro"))
        db.session.commit()
    assert count_queries(app, lambda: learner.get(f"/courses/{course.slug}")) == one


def test_the_opt_in_and_the_announcements_written_are_in_the_persons_data(app, make, course):
    from elearn.accounts.models import User
    from elearn.privacy.services import personal_data

    person, _ = _enrolled(app, make, course, opted_in=True)
    with app.app_context():
        db.session.add(
            Announcement(course_id=course.id, body="Mine", language="ro", author_id=person.id)
        )
        db.session.commit()
        data = personal_data(db.session.get(User, person.id))
    assert data["courses.json"][0]["announcement_emails"] is True
    assert data["announcements_written.json"][0]["text"] == "Mine"


def test_erasure_stops_the_emails_and_ends_co_authorships(app, make, course):
    from elearn.accounts.models import User
    from elearn.authoring.models import CourseAuthor
    from elearn.privacy.services import erase_account

    person, _ = _enrolled(app, make, course, opted_in=True)
    with app.app_context():
        db.session.add(CourseAuthor(course_id=course.id, user_id=course.trainer.id))
        db.session.commit()
        erase_account(db.session.get(User, person.id), password=person.password)
        erase_account(db.session.get(User, course.trainer.id), password=course.trainer.password)
        db.session.commit()
        assert db.session.scalar(select(Enrolment.announcement_emails)) is False
        assert db.session.query(CourseAuthor).count() == 0
