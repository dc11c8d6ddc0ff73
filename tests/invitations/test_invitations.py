"""Inviting one person, sending again, withdrawing, and the list of invitations."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.cohorts import services as cohorts
from elearn.cohorts.models import CohortMember
from elearn.database import utcnow
from elearn.extensions import db
from elearn.invitations.models import Invitation
from elearn.organisations import tree
from tests.conftest import count_queries, page_text, sign_in
from tests.invitations.conftest import invitations, link_in


def invite(client, organisation_id, **fields):
    data = {"full_name": "Ana Pop", "email": "Ana.Pop@Example.org", "cohort_id": "0"}
    data["language"] = "en"
    data.update(fields)
    return client.post(f"/organisations/{organisation_id}/invitations/new", data=data)


def make_cohort(app, organisation_id, name="Diriginți 2026", by_id=None) -> int:
    with app.app_context():
        cohort = cohorts.create_cohort(organisation_id, name, by_id=by_id)
        db.session.commit()
        return cohort.id


def test_inviting_one_person_sends_a_link_and_stores_only_its_hash(app, client, school, outbox):
    cohort_id = make_cohort(app, school.organisation_id)
    page = page_text(client.get(f"/organisations/{school.organisation_id}/invitations/new"))
    assert "Invite one person to Școala Gimnazială nr. 11 Oradea" in page
    response = invite(
        client,
        school.organisation_id,
        profession="teacher",
        county="BH",
        cohort_id=str(cohort_id),
        language="hu",
    )
    assert response.status_code == 302
    (invitation,) = invitations(app)
    assert invitation.email == "ana.pop@example.org"
    assert (invitation.profession, invitation.county, invitation.cohort_id) == (
        "teacher",
        "BH",
        cohort_id,
    )
    assert (invitation.language, invitation.send_count) == ("hu", 1)
    assert invitation.sent_at is not None and invitation.accepted_at is None
    (message,) = outbox
    assert message.to == ["ana.pop@example.org"]
    assert "Maria Manager" in message.body and "Diriginți 2026" in message.body
    assert "meghív" in message.subject.lower() or "Meghívó" in message.subject  # Hungarian
    secret = link_in(message).rsplit("/", 1)[1]
    assert invitation.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with app.app_context():
        created = select(AuditEvent).where(AuditEvent.action == "invitation.created")
        event = db.session.scalar(created)
        assert event.target_id == invitation.id and "ana" not in str(event.details)
    listing = page_text(client.get(response.headers["Location"]))
    assert "The invitation has been sent to ana.pop@example.org." in listing
    assert "Ana Pop" in listing and "Waiting" in listing and "Diriginți 2026" in listing


def test_the_invitation_is_written_in_the_managers_language_unless_chosen(app, client, school):
    page = client.get(f"/organisations/{school.organisation_id}/invitations/new")
    assert '<option selected value="en">' in page.get_data(as_text=True)


def test_bad_input_names_the_field_and_invites_nobody(app, client, school, outbox):
    response = invite(client, school.organisation_id, email="not an address", full_name="")
    text = page_text(response)
    assert response.status_code == 200 and "There is a problem" in text
    assert "Enter your full name." in text or "Enter" in text
    assert "correct format" in text
    response = invite(client, school.organisation_id, cohort_id="999")
    assert "Choose a cohort from the list." in page_text(response)
    assert invitations(app) == [] and outbox == []


def test_a_second_invitation_to_a_waiting_address_is_refused(app, client, school, outbox):
    invite(client, school.organisation_id)
    response = invite(client, school.organisation_id, email="ANA.POP@example.org")
    assert "already waiting" in page_text(response)
    assert len(invitations(app)) == 1 and len(outbox) == 1


def test_an_expired_invitation_is_renewed_when_the_person_is_invited_again(
    app, client, school, outbox
):
    invite(client, school.organisation_id)
    first_link = link_in(outbox[0])
    with freeze_time(utcnow() + timedelta(days=15)):
        sign_in(client, school.manager)  # the session timed out meanwhile
        response = invite(client, school.organisation_id, full_name="Ana Popescu")
        assert "renewed" in page_text(client.get(response.headers["Location"]))
        (invitation,) = invitations(app)
        assert invitation.full_name == "Ana Popescu" and invitation.send_count == 2
        assert invitation.expires_at > utcnow() + timedelta(days=13)
        visitor = app.test_client()
        assert visitor.get(first_link).status_code == 404  # the old link is dead
        assert visitor.get(link_in(outbox[1])).status_code == 200


def test_a_member_here_is_added_to_the_cohort_and_not_invited(app, client, school, make, outbox):
    below = make.organisation(name="Grădinița nr. 3 Oradea")
    with app.app_context():
        tree.set_parent(db.session.get(tree.Organisation, below), school.organisation_id, by_id=1)
        db.session.commit()
    member = make.user(email="ion@example.org", organisation_id=below)
    cohort_id = make_cohort(app, school.organisation_id)
    response = invite(client, school.organisation_id, email="ion@example.org", cohort_id=cohort_id)
    flashed = page_text(client.get(response.headers["Location"]))
    assert "already a member here and has been added to the cohort" in flashed
    assert invitations(app) == [] and outbox == []
    with app.app_context():
        assert db.session.scalar(select(CohortMember.user_id)) == member.id


def test_sending_again_waits_ten_minutes_gives_a_new_link_and_stops_at_five(
    app, client, school, outbox
):
    invite(client, school.organisation_id)
    (invitation,) = invitations(app)
    url = f"/organisations/{school.organisation_id}/invitations/{invitation.id}/resend"
    response = client.post(url)
    assert "less than 10 minutes ago" in page_text(client.get(response.headers["Location"]))
    assert len(outbox) == 1
    start = utcnow()
    for round_ in range(1, 5):
        with freeze_time(start + timedelta(minutes=11 * round_)):
            client.post(url)
    assert len(outbox) == 5
    assert len({link_in(message) for message in outbox}) == 5
    visitor = app.test_client()
    assert visitor.get(link_in(outbox[0])).status_code == 404
    assert visitor.get(link_in(outbox[-1])).status_code == 200
    with freeze_time(start + timedelta(hours=2)):
        sign_in(client, school.manager)
        response = client.post(url)
        assert "has been sent 5 times" in page_text(client.get(response.headers["Location"]))
    assert len(outbox) == 5 and invitations(app)[0].send_count == 5


def test_withdrawing_kills_the_link_and_it_cannot_be_sent_again(app, client, school, outbox):
    invite(client, school.organisation_id)
    (invitation,) = invitations(app)
    base = f"/organisations/{school.organisation_id}/invitations/{invitation.id}"
    response = client.post(base + "/revoke")
    assert "withdrawn" in page_text(client.get(response.headers["Location"]))
    assert invitations(app)[0].revoked_at is not None
    visitor = app.test_client()
    page = visitor.get(link_in(outbox[0]), headers={"Accept-Language": "en"})
    assert page.status_code == 410 and "withdrawn by the organisation" in page_text(page)
    with freeze_time(utcnow() + timedelta(minutes=20)):
        response = client.post(base + "/resend")
        assert "cannot be sent" in page_text(client.get(response.headers["Location"]))
        assert len(outbox) == 1
        # Withdrawn, the address can be invited afresh.
        assert invite(client, school.organisation_id).status_code == 302
    assert len(invitations(app)) == 2


def test_the_list_filters_by_state_and_counts_each(app, client, school):
    for number in range(3):
        invite(client, school.organisation_id, email=f"p{number}@example.org")
    first = invitations(app)[0]
    client.post(f"/organisations/{school.organisation_id}/invitations/{first.id}/revoke")
    base = f"/organisations/{school.organisation_id}/invitations/"
    text = page_text(client.get(base))
    assert "Waiting: 2" in text and "Withdrawn: 1" in text and "Accepted: 0" in text
    waiting = page_text(client.get(base + "?state=waiting"))
    assert "p0@example.org" not in waiting and "p2@example.org" in waiting
    found = page_text(client.get(base + "?q=P1%40"))
    assert "1 invitation found" in found and "p1@example.org" in found
    assert "Choose a state from the list." in page_text(client.get(base + "?state=nonsense"))


def test_the_lists_queries_do_not_grow_with_the_invitations(app, client, school):
    url = f"/organisations/{school.organisation_id}/invitations/"
    invite(client, school.organisation_id, email="first@example.org")
    client.get(url)
    few = count_queries(app, lambda: client.get(url))
    for number in range(12):
        invite(client, school.organisation_id, email=f"more{number}@example.org")
    assert count_queries(app, lambda: client.get(url)) == few


def test_a_manager_cannot_see_invite_into_or_change_another_organisations_invitations(
    app, client, make, school
):
    other = make.organisation(name="Liceul Teoretic Beiuș")
    other_manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=other)
    outsider = app.test_client()
    sign_in(outsider, other_manager)
    invite(client, school.organisation_id)
    (invitation,) = invitations(app)
    base = f"/organisations/{school.organisation_id}/invitations"
    assert outsider.get(base + "/").status_code == 403
    assert outsider.get(base + "/new").status_code == 403
    fields = {"full_name": "X", "email": "x@example.org", "language": "en"}
    assert outsider.post(base + "/new", data=fields).status_code == 403
    assert outsider.post(f"{base}/{invitation.id}/revoke").status_code == 403
    assert outsider.post(f"{base}/{invitation.id}/resend").status_code == 403
    assert outsider.get(base + "/upload").status_code == 403
    # Through their own organisation's address, another organisation's invitation is unknown.
    own = f"/organisations/{other}/invitations/{invitation.id}/revoke"
    assert outsider.post(own).status_code == 404
    assert invitations(app)[0].revoked_at is None and len(invitations(app)) == 1


def test_a_manager_above_invites_into_an_organisation_below(app, client, make):
    inspectorate = make.organisation(name="Inspectoratul Școlar Județean Bihor")
    school_id = make.organisation(name="Școala Gimnazială nr. 1 Oradea")
    with app.app_context():
        tree.set_parent(db.session.get(tree.Organisation, school_id), inspectorate, by_id=1)
        db.session.commit()
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=inspectorate))
    assert invite(client, school_id).status_code == 302
    assert invitations(app, organisation_id=school_id)
    with app.app_context():
        assert db.session.scalar(select(Invitation.invited_by_id)) is not None


def test_missing_invitations_and_organisations_are_not_found(app, client, school):
    base = f"/organisations/{school.organisation_id}/invitations"
    assert client.post(f"{base}/999/resend").status_code == 404
    assert client.post(f"{base}/999/revoke").status_code == 404
    assert client.get("/organisations/999/invitations/").status_code == 404
