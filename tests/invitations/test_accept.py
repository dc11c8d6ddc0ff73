"""Accepting an invitation: a new person registers from it, someone with an account joins;
the wrong person, an expired, withdrawn or used invitation change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.cohorts import services as cohorts
from elearn.cohorts.models import CohortMember
from elearn.database import utcnow
from elearn.extensions import db
from elearn.privacy.models import PrivacyAcceptance
from elearn.privacy.notice import CURRENT_VERSION
from elearn.signals import cohort_members_added, membership_confirmed, membership_ended
from tests.conftest import PASSWORD, page_text, sign_in
from tests.invitations.conftest import invitations, link_in

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def invited(app, client, school, outbox):
    """Ana Pop invited into the school and its cohort; returns the link's path."""
    with app.app_context():
        cohort = cohorts.create_cohort(school.organisation_id, "Diriginți 2026", by_id=None)
        db.session.commit()
        cohort_id = cohort.id
    response = client.post(
        f"/organisations/{school.organisation_id}/invitations/new",
        data={
            "full_name": "Ana Pop",
            "email": "ana.pop@example.org",
            "profession": "teacher",
            "county": "BH",
            "cohort_id": cohort_id,
            "language": "en",
        },
    )
    assert response.status_code == 302
    return link_in(outbox[-1])


@pytest.fixture
def signals():
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    for signal in (membership_confirmed, cohort_members_added, membership_ended):
        signal.connect(listener)
    yield heard
    for signal in (membership_confirmed, cohort_members_added, membership_ended):
        signal.disconnect(listener)


def register(visitor, link, **fields):
    data = {
        "full_name": "Ana Popescu",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "profession": "teacher",
        "county": "BH",
        "preferred_language": "en",
        "accept_privacy": "y",
    }
    data.update(fields)
    return visitor.post(link, data=data)


def person(app, email) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_a_new_person_registers_from_the_invitation_and_is_a_confirmed_member(
    app, school, invited, signals, outbox
):
    visitor = app.test_client()
    page = visitor.get(invited)
    text = page_text(page)
    assert "Create your account to join Școala Gimnazială nr. 11 Oradea" in text
    assert "ana.pop@example.org" in text and 'value="Ana Pop"' in page.get_data(as_text=True)
    assert '<option selected value="BH">' in page.get_data(as_text=True)
    sent = len(outbox)
    response = register(visitor, invited)
    assert response.status_code == 302
    user = person(app, "ana.pop@example.org")
    assert user.full_name == "Ana Popescu" and user.email_confirmed_at is not None
    assert user.organisation_id == school.organisation_id
    assert user.organisation_confirmed_at is not None
    assert len(outbox) == sent  # no confirmation email: the link proved the address
    with app.app_context():
        assert db.session.scalar(select(CohortMember.user_id)) == user.id
        accepted = select(PrivacyAcceptance.version).where(PrivacyAcceptance.user_id == user.id)
        assert db.session.scalar(accepted) == CURRENT_VERSION
    (invitation,) = invitations(app)
    assert invitation.accepted_at is not None and invitation.user_id == user.id
    assert {"organisation_id": school.organisation_id, "user_ids": [user.id]} in signals
    assert any(h.get("cohort_id") == invitation.cohort_id for h in signals)
    # Signed in at once.
    assert "You are now a member" in page_text(visitor.get(response.headers["Location"]))
    # The link is used up: it says so and changes nothing.
    again = app.test_client().get(invited, headers=ENGLISH)
    assert again.status_code == 410 and "already been used" in page_text(again)


def test_bad_registration_input_creates_nothing(app, school, invited):
    visitor = app.test_client()
    response = register(visitor, invited, confirm="something else", accept_privacy="")
    text = page_text(response)
    assert response.status_code == 200 and "There is a problem" in text
    assert person(app, "ana.pop@example.org") is None
    assert invitations(app)[0].accepted_at is None


def test_an_existing_account_signs_in_and_joins_moving_from_its_organisation(
    app, school, invited, make, signals
):
    old = make.organisation(name="Liceul Teoretic Beiuș")
    ana = make.user(
        email="ana.pop@example.org", organisation_id=old, language="en", full_name="Ana Pop"
    )
    visitor = app.test_client()
    page = visitor.get(invited)
    assert "Sign in to join Școala Gimnazială nr. 11 Oradea" in page_text(page)
    assert f"/sign-in?next={invited}" in page.get_data(as_text=True)
    sign_in(visitor, ana)
    text = page_text(visitor.get(invited))
    assert "Join Școala Gimnazială nr. 11 Oradea?" in text
    assert "You now belong to Liceul Teoretic Beiuș" in text
    response = visitor.post(invited)
    assert response.status_code == 302
    user = person(app, "ana.pop@example.org")
    assert user.organisation_id == school.organisation_id
    assert user.organisation_confirmed_at is not None
    ended = {"organisation_id": old, "user_ids": [ana.id], "moving_to": school.organisation_id}
    assert ended in signals  # membership ended, moving to the school
    assert {"organisation_id": school.organisation_id, "user_ids": [ana.id]} in signals
    with app.app_context():
        assert db.session.scalar(select(CohortMember.user_id)) == ana.id
    assert len([u for u in [person(app, "ana.pop@example.org")] if u]) == 1  # not duplicated


def test_someone_signed_in_with_another_address_is_told_and_nothing_changes(
    app, school, invited, make
):
    other = make.user(email="someone.else@example.org", language="en")
    visitor = app.test_client()
    sign_in(visitor, other)
    page = visitor.get(invited)
    assert page.status_code == 403
    assert "This invitation is for another email address" in page_text(page)
    assert visitor.post(invited).status_code == 403
    assert invitations(app)[0].accepted_at is None
    assert person(app, "someone.else@example.org").organisation_id is None


def test_an_expired_invitation_says_so_and_changes_nothing(app, school, invited):
    with freeze_time(utcnow() + timedelta(days=15)):
        visitor = app.test_client()
        page = visitor.get(invited, headers=ENGLISH)
        assert page.status_code == 410 and "has expired" in page_text(page)
        assert register(visitor, invited).status_code == 410
    assert person(app, "ana.pop@example.org") is None
    assert invitations(app)[0].accepted_at is None


def test_a_withdrawn_invitation_says_so_even_to_the_invited_person(
    app, client, school, invited, make
):
    ana = make.user(email="ana.pop@example.org", language="en")
    (invitation,) = invitations(app)
    client.post(f"/organisations/{school.organisation_id}/invitations/{invitation.id}/revoke")
    visitor = app.test_client()
    sign_in(visitor, ana)
    response = visitor.post(invited)
    assert response.status_code == 410 and "withdrawn" in page_text(response)
    assert person(app, "ana.pop@example.org").organisation_id is None


def test_an_unknown_link_is_not_found(app):
    page = app.test_client().get("/invitations/not-a-real-secret", headers=ENGLISH)
    assert page.status_code == 404 and "This link is not valid" in page_text(page)


def test_the_page_speaks_the_invitations_language_until_the_visitor_chooses(
    app, client, school, outbox
):
    client.post(
        f"/organisations/{school.organisation_id}/invitations/new",
        data={
            "full_name": "Kiss Anna",
            "email": "kiss@example.org",
            "cohort_id": 0,
            "language": "ro",
        },
    )
    page = app.test_client().get(link_in(outbox[-1]), headers=ENGLISH)
    assert '<html lang="ro"' in page.get_data(as_text=True)


def test_two_acceptances_at_once_use_the_invitation_once(app, school, invited, make):
    ana = make.user(email="ana.pop@example.org", language="en")
    first, second = app.test_client(), app.test_client()
    sign_in(first, ana)
    sign_in(second, ana)
    first.get(invited)
    second.get(invited)
    assert first.post(invited).status_code == 302
    response = second.post(invited)
    assert response.status_code == 410 and "already been used" in page_text(response)
