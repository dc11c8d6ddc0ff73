"""`elearn notify`: invitations to plan and record a first session, on the day of the
certificate and 30 and 90 days later, with the usual guarantees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.reach import notify
from elearn.reach.models import ReachInvitation
from elearn.reach.notify import send_invitations
from tests.reach.conftest import certify, record

ISSUED = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def holder(app, make, course_with_plan):
    person = make.user(full_name="Mihai Bălan", language="ro")
    certify(app, person.id, course_with_plan, at=ISSUED)
    return person


def run(app, days: int, hours: int = 0) -> dict:
    with app.app_context():
        return send_invitations(ISSUED + timedelta(days=days, hours=hours))


def invitations(app) -> list[tuple[int, bool, bool]]:
    with app.app_context():
        return sorted(
            (row.days_after, row.sent_at is not None, row.skipped)
            for row in db.session.scalars(select(ReachInvitation))
        )


def test_three_invitations_go_out_once_each_in_the_persons_language(app, outbox, holder):
    outbox.clear()
    for hours in (0, 1, 5):
        run(app, 0, hours)
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [holder.email]
    assert "Mihai Bălan" in message.body and "/reach/new" in message.body
    assert "Curs de test" in message.body  # the course's title in Romanian
    for days in (1, 29):
        run(app, days)
    assert len(outbox) == 1
    for days in (30, 31, 60):
        run(app, days)
    assert len(outbox) == 2
    for days in (90, 91, 96):
        run(app, days)
    assert len(outbox) == 3
    assert invitations(app) == [(0, True, False), (30, True, False), (90, True, False)]
    assert run(app, 120) == {"sent": 0, "failed": 0, "skipped": 0}


def test_later_invitations_are_skipped_once_a_session_is_recorded(
    app, outbox, holder, course_with_plan
):
    run(app, 0)
    with freeze_time(ISSUED + timedelta(days=10)):
        record(app, holder.id, course_with_plan)
    outbox.clear()
    run(app, 30)
    run(app, 90)
    assert outbox == []
    assert invitations(app) == [(0, True, False), (30, False, True), (90, False, True)]


def test_a_late_first_run_sends_only_the_nearest_invitation(app, outbox, holder):
    outbox.clear()
    assert run(app, 35) == {"sent": 1, "failed": 0, "skipped": 1}
    assert invitations(app) == [(0, False, True), (30, True, False)]


def test_an_invitation_the_mail_server_refused_goes_with_the_next_run(
    app, outbox, holder, monkeypatch
):
    monkeypatch.setattr(notify, "send_email", lambda **kwargs: False)
    assert run(app, 0)["failed"] == 1
    assert invitations(app) == []
    monkeypatch.undo()
    outbox.clear()
    assert run(app, 0, 1)["sent"] == 1
    assert len(outbox) == 1


def test_a_claim_left_by_a_run_that_died_is_taken_over_later(app, outbox, holder):
    with app.app_context():
        db.session.add(
            ReachInvitation(
                certificate_id=_certificate(),
                user_id=holder.id,
                days_after=0,
                claimed_at=ISSUED,
                skipped=False,
            )
        )
        db.session.commit()
    outbox.clear()
    run(app, 0, 0)  # the claim is fresh: another run may still be sending
    assert outbox == []
    run(app, 0, 1)  # older than the lease: taken over
    assert len(outbox) == 1


def _certificate() -> int:
    from elearn.certificates.models import Certificate

    return db.session.scalar(select(Certificate.id))


def test_no_invitation_for_deactivated_or_erased_people(app, outbox, holder):
    from elearn.privacy.services import erase_account

    with app.app_context():
        user = db.session.get(User, holder.id)
        user.deactivated_at = ISSUED
        db.session.commit()
    outbox.clear()
    assert run(app, 0) == {"sent": 0, "failed": 0, "skipped": 0}
    with app.app_context():
        user = db.session.get(User, holder.id)
        user.deactivated_at = None
        erase_account(user, password=holder.password)
        db.session.commit()
    assert run(app, 0) == {"sent": 0, "failed": 0, "skipped": 0}
    assert outbox == []


def test_the_command_reports_the_invitations(app, runner, holder):
    with freeze_time(ISSUED + timedelta(hours=1)):
        result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "session invitations: sent: 1, failed: 0, skipped: 0" in result.output


def test_two_certificates_in_the_same_week_bring_one_invitation(
    app, outbox, holder, course_with_plan
):
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", "id: test-course", "id: second-course")
    second = import_files(app, files)
    certify(app, holder.id, second, at=ISSUED + timedelta(days=2))
    outbox.clear()
    run(app, 0)
    assert len(outbox) == 1
    assert run(app, 2) == {"sent": 0, "failed": 0, "skipped": 1}
    assert len(outbox) == 1
