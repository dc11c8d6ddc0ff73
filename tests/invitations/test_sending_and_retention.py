"""`elearn notify` sends the invitations an import queued, each once; `elearn purge` deletes
invitations and spreadsheets once their time is up; erasure and the data download."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from elearn.accounts.models import Role, User
from elearn.database import utcnow
from elearn.extensions import db
from elearn.invitations import emails, notify
from elearn.invitations.models import Invitation, InvitationUpload
from elearn.invitations.services import purge_old
from elearn.privacy import services as privacy
from tests.conftest import PASSWORD
from tests.invitations.conftest import invitations, link_in, upload_file
from tests.invitations.sheets import csv_utf8, lines


def import_people(app, client, school, count: int) -> None:
    rows = [f"Persoana {i};p{i}@example.org;;;" for i in range(count)]
    response = upload_file(client, school.organisation_id, csv_utf8(lines("nume;email;;;", *rows)))
    upload_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(
        f"/organisations/{school.organisation_id}/invitations/uploads/{upload_id}/import",
        data={"decision": "all"},
    )
    assert len(invitations(app)) == count


def test_notify_sends_the_queue_in_batches_each_once_with_working_links(
    app, client, school, outbox, runner
):
    import_people(app, client, school, 7)
    with app.app_context():
        counts = notify.send_queued(batch=3)
    assert counts == {"sent": 7, "failed": 0} and len(outbox) == 7
    assert sorted(m.to[0] for m in outbox) == sorted(f"p{i}@example.org" for i in range(7))
    hashes = {i.email: i.token_hash for i in invitations(app)}
    for message in outbox:
        secret = link_in(message).rsplit("/", 1)[1]
        assert hashes[message.to[0]] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(i.sent_at is not None and i.send_count == 1 for i in invitations(app))
    # A second run, as cron would start it, sends nothing more.
    result = runner.invoke(args=["notify"])
    assert "invitations: sent: 0, failed: 0" in result.output and len(outbox) == 7
    visitor = app.test_client()
    assert visitor.get(link_in(outbox[0])).status_code == 200


def test_a_refused_message_goes_back_in_the_queue_and_the_run_stops(
    app, client, school, outbox, monkeypatch
):
    import_people(app, client, school, 4)
    monkeypatch.setattr(emails, "send_email", lambda **kwargs: False)
    with app.app_context():
        assert notify.send_queued(batch=2) == {"sent": 0, "failed": 2}
    assert all(i.sent_at is None and i.send_count == 0 for i in invitations(app))
    monkeypatch.undo()
    with app.app_context():
        assert notify.send_queued(batch=2) == {"sent": 4, "failed": 0}
    assert len(outbox) == 4


def test_two_runs_at_once_claim_different_invitations(app, client, school, outbox):
    """The claim is one conditional UPDATE: a second run finds nothing left to take."""
    import_people(app, client, school, 3)
    with app.app_context():
        claimed = notify._claim(0, utcnow(), 10)
        assert len(claimed) == 3
        assert notify._claim(0, utcnow(), 10) == {}


def test_purge_deletes_invitations_and_uploads_past_their_time(app, client, school):
    import_people(app, client, school, 3)
    first, second, _third = invitations(app)
    upload_file(client, school.organisation_id, csv_utf8(lines("nume;email", "A;a@example.org")))
    now = utcnow()
    with app.app_context():
        db.session.get(Invitation, first.id).accepted_at = now - timedelta(days=31)
        db.session.get(Invitation, second.id).revoked_at = now - timedelta(days=29)
        db.session.commit()
        assert purge_old(now) == {"invitations": 1, "invitation_uploads": 0}
        # Third expires in 14 days; 30 days after that it goes, with the rest.
        later = now + timedelta(days=14 + 31)
        removed = privacy.purge(later)
        db.session.commit()
        assert removed["invitations"] == 2 and removed["invitation_uploads"] == 1
        assert db.session.scalar(select(func.count(Invitation.id))) == 0
        assert db.session.scalar(select(func.count(InvitationUpload.id))) == 0


def test_erasure_deletes_the_accepted_invitation_and_the_download_lists_it(
    app, client, school, outbox, make
):
    ana = make.user(email="ana@example.org")
    client.post(
        f"/organisations/{school.organisation_id}/invitations/new",
        data={"full_name": "Ana", "email": "ana@example.org", "cohort_id": 0, "language": "ro"},
    )
    with app.app_context():
        user = db.session.get(User, ana.id)
        documents = privacy.personal_data(user)
        (listed,) = documents["invitations.json"]
        assert listed["organisation"] == "Școala Gimnazială nr. 11 Oradea"
        assert listed["accepted_at"] is None
        db.session.get(Invitation, invitations(app)[0].id).user_id = ana.id
        db.session.commit()
        privacy.erase_account(db.session.get(User, ana.id), password=PASSWORD)
        db.session.commit()
        assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_the_manager_role_is_needed_for_the_upload_page(app, client, as_role):
    as_role(Role.LEARNER)
    assert client.get("/organisations/1/invitations/upload").status_code == 403
