"""`elearn notify`'s assignment reminders: 14 and 3 days before the due date, 1 and 7 days
after it, each at most once per learner assignment however often and however many runs at
once; counted only once the mail server accepted it; a late run sends only the nearest."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.assignments.models import AssignmentReminder
from elearn.assignments.notify import send_assignment_reminders
from elearn.database import utcnow
from elearn.extensions import db
from tests.assignments.factories import assign, course_of
from tests.conftest import count_statements
from tests.learning.conftest import course  # noqa: F401 - the published test course

DUE = date(2027, 6, 30)


def at(days_before: int, hour: int = 9, due: date = DUE) -> datetime:
    """A moment ``days_before`` days before ``due`` (negative: after it), in UTC; Bucharest
    is two or three hours ahead, the same day."""
    day = due - timedelta(days=days_before)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def run(app, days_before: int, hour: int = 9) -> dict:
    with app.app_context():
        return send_assignment_reminders(at(days_before, hour))


def reminders(app) -> list[tuple[int, bool, bool]]:
    """(days, sent, skipped) of every reminder row, by days."""
    with app.app_context():
        return sorted(
            (row.days, row.sent_at is not None, row.skipped)
            for row in db.session.scalars(select(AssignmentReminder))
        )


@pytest.fixture
def school(make):
    return make.organisation()


@pytest.fixture
def person(make, school):
    return make.user(organisation_id=school, language="en", full_name="Ioana Învățătoare")


def assign_to(app, person, course, due: date = DUE, **kwargs) -> int:  # noqa: F811
    with app.app_context():
        row = assign(person.id, course_of(course), due, **kwargs)
        db.session.commit()
        return row.id


@pytest.fixture
def assigned(app, person, course):  # noqa: F811 - the fixture imported above
    return assign_to(app, person, course)


def test_each_reminder_goes_exactly_once(app, outbox, assigned, person):
    assert run(app, 15)["sent"] == 0
    for hour in (9, 10, 11):
        run(app, 14, hour)
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [person.email]
    assert message.subject == "Due in 14 days: Test course"
    assert "30 June 2027" in message.body and "Test course" in message.body
    assert "/courses/test-course" in message.body
    assert "/courses/test-course" in message.alternatives[0][0]
    for days in (13, 8, 4):
        run(app, days)
    assert len(outbox) == 1
    for days in (3, 2, 1, 0):
        run(app, days)
    assert len(outbox) == 2 and outbox[1].subject == "Due in 3 days: Test course"
    for days in (-1, -2, -6):
        run(app, days)
    assert len(outbox) == 3 and outbox[2].subject == "Overdue by 1 day: Test course"
    assert "1 day ago" in outbox[2].body
    for days in (-7, -8, -30, -400):
        run(app, days)
    assert len(outbox) == 4 and outbox[3].subject == "Overdue by 7 days: Test course"
    assert reminders(app) == [
        (-7, True, False),
        (-1, True, False),
        (3, True, False),
        (14, True, False),
    ]


def test_a_late_first_run_sends_only_the_nearest_and_skips_the_rest(app, outbox, assigned):
    assert run(app, 2) == {"sent": 1, "failed": 0, "skipped": 1}
    assert outbox[0].subject == "Due in 2 days: Test course"
    assert reminders(app) == [(3, True, False), (14, False, True)]
    run(app, 1)
    assert len(outbox) == 1


def test_a_first_run_nine_days_late_sends_the_seven_day_reminder_only(app, outbox, assigned):
    assert run(app, -9) == {"sent": 1, "failed": 0, "skipped": 3}
    assert len(outbox) == 1 and outbox[0].subject == "Overdue by 9 days: Test course"
    assert "9 days ago" in outbox[0].body
    assert reminders(app) == [
        (-7, True, False),
        (-1, False, True),
        (3, False, True),
        (14, False, True),
    ]
    run(app, -10)
    assert len(outbox) == 1


def test_runs_at_the_same_moment_send_once(app, outbox, assigned):
    barrier = threading.Barrier(4)
    results = []

    def once():
        with app.app_context():
            barrier.wait()
            results.append(send_assignment_reminders(at(2)))
            db.session.remove()

    threads = [threading.Thread(target=once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outbox) == 1
    assert sum(result["sent"] for result in results) == 1
    assert sum(result["skipped"] for result in results) == 1
    assert reminders(app) == [(3, True, False), (14, False, True)]


def test_a_reminder_the_mail_server_refused_is_sent_by_the_next_run(
    app, outbox, assigned, monkeypatch
):
    from elearn.assignments import notify

    monkeypatch.setattr(notify, "send_email", lambda **kwargs: False)
    assert run(app, 14)["failed"] == 1
    assert reminders(app) == []  # the claim released
    monkeypatch.undo()
    assert run(app, 14, 10)["sent"] == 1
    assert len(outbox) == 1


def test_a_claim_left_by_a_run_that_died_is_taken_over_after_the_lease(app, outbox, assigned):
    with app.app_context():
        db.session.add(
            AssignmentReminder(learner_assignment_id=assigned, days=14, claimed_at=at(14, 8))
        )
        db.session.commit()
    run(app, 14, 8)  # the claim is fresh: another run may be sending it
    assert outbox == []
    run(app, 14, 9)  # an hour later, nobody did
    assert len(outbox) == 1 and reminders(app) == [(14, True, False)]


def test_a_met_assignment_gets_no_reminder(app, outbox, person, course):  # noqa: F811
    assign_to(app, person, course, met_at=at(20))
    assert run(app, 3) == {"sent": 0, "failed": 0, "skipped": 0}
    assert run(app, -9) == {"sent": 0, "failed": 0, "skipped": 0}
    assert outbox == [] and reminders(app) == []


def test_two_assignments_of_one_course_make_one_set_of_reminders(
    app,
    outbox,
    person,
    course,  # noqa: F811
):
    first = assign_to(app, person, course)
    assign_to(app, person, course, due=DUE + timedelta(days=1))
    run(app, 3)
    assert len(outbox) == 1
    with app.app_context():
        rows = db.session.scalars(select(AssignmentReminder.learner_assignment_id)).all()
    assert set(rows) == {first}


@pytest.mark.parametrize("change", ["erased", "deactivated", "unconfirmed"])
def test_no_reminder_goes_to_an_erased_inactive_or_unconfirmed_address(
    app, outbox, assigned, person, change
):
    from elearn.privacy.services import erase_account

    with app.app_context():
        user = db.session.get(User, person.id)
        if change == "erased":
            erase_account(user, password=person.password)
        elif change == "deactivated":
            user.deactivated_at = utcnow()
        else:
            user.email_confirmed_at = None
        db.session.commit()
    outbox.clear()
    assert run(app, 3) == {"sent": 0, "failed": 0, "skipped": 0}
    assert outbox == []


def test_the_reminder_speaks_the_learners_language(app, outbox, make, school, course):  # noqa: F811
    learner = make.user(organisation_id=school, language="ro")
    assign_to(app, learner, course)
    run(app, -1)
    message = outbox[0]
    assert message.subject == "Întârziat cu 1 zi: Curs de test"
    assert "30 iunie 2027" in message.body and "Curs de test" in message.body


def test_the_command_reports_what_it_did(app, outbox, assigned):
    from freezegun import freeze_time

    runner = app.test_cli_runner()
    with freeze_time(at(3)):
        result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "assignment reminders: sent: 1, failed: 0, skipped: 1" in result.output


def test_a_run_with_nothing_to_send_does_not_look_at_each_row(app, make, school, course):  # noqa: F811
    """The rows already reminded are left out by the one query, not one by one."""

    def statements() -> int:
        def work():
            send_assignment_reminders(at(13))

        return count_statements(app, work)

    people = [make.user(organisation_id=school) for _ in range(2)]
    for learner in people:
        assign_to(app, learner, course)
    run(app, 14)
    few = statements()
    for _ in range(6):
        assign_to(app, make.user(organisation_id=school), course)
    run(app, 14)
    assert statements() == few


def test_a_persons_courses_at_the_same_reminder_come_in_one_email(app, outbox, person, course):  # noqa: F811
    """A path's courses fall due together: one email names them all, and each course's
    reminder is counted (and, when the mail server refuses, released) with it."""
    from elearn.assignments import notify
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    files = edit(valid_files(), "course.yaml", "id: test-course", "id: second-course")
    files = edit(files, "course.yaml", "en: Test course", "en: Second course")
    second = import_files(app, edit(files, "course.yaml", "[core-course]", "[]"))
    assign_to(app, person, course)
    assign_to(app, person, second)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notify, "send_email", lambda **kwargs: False)
        assert run(app, -1) == {"sent": 0, "failed": 2, "skipped": 4}
    assert outbox == [] and reminders(app) == [(3, False, True)] * 2 + [(14, False, True)] * 2
    assert run(app, -1) == {"sent": 2, "failed": 0, "skipped": 0}
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [person.email] and message.subject == "2 courses are overdue"
    for title, slug in (("Test course", "test-course"), ("Second course", "second-course")):
        assert title in message.body and f"/courses/{slug}" in message.alternatives[0][0]
    assert "complete these courses" in message.body
    run(app, -2)
    assert len(outbox) == 1


def test_runs_at_the_same_moment_send_a_persons_courses_in_one_email(app, outbox, person, course):  # noqa: F811
    """The claims of one email are taken together: four runs at once cannot split a
    person's two courses between them and send two emails."""
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    files = edit(valid_files(), "course.yaml", "id: test-course", "id: second-course")
    second = import_files(app, edit(files, "course.yaml", "[core-course]", "[]"))
    for _ in range(3):  # more rows, so that the runs overlap more
        assign_to(app, person, course)
    assign_to(app, person, second)
    barrier = threading.Barrier(4)

    def once():
        with app.app_context():
            barrier.wait()
            send_assignment_reminders(at(-1))
            db.session.remove()

    threads = [threading.Thread(target=once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outbox) == 1 and outbox[0].subject == "2 courses are overdue"
    assert [days for days, sent, _skipped in reminders(app) if sent] == [-1, -1]
