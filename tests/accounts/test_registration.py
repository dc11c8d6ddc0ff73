"""Registering an account."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import Role, User
from elearn.extensions import db
from tests.conftest import PASSWORD, page_text


def registration(**overrides) -> dict:
    data = {
        "full_name": "Ștefan Gyöngyi",
        "email": "Stefan.Gyongyi@Example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "profession": "school_counsellor",
        "organisation_id": "0",
        "county": "BH",
        "preferred_language": "hu",
        "accept_privacy": "y",
    }
    data.update(overrides)
    return data


def users(app) -> list[User]:
    with app.app_context():
        found = db.session.scalars(select(User)).all()
        for user in found:
            _ = user.roles  # load before the context closes
        return found


def test_registration_form_has_every_field_with_a_label(client):
    html = client.get("/register").get_data(as_text=True)
    for field in (
        "full_name",
        "email",
        "password",
        "confirm",
        "profession",
        "organisation_id",
        "county",
        "preferred_language",
    ):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html


def test_registering_creates_an_unconfirmed_learner_with_the_name_exactly_as_typed(
    app, client, outbox
):
    response = client.post("/register", data=registration())
    assert response.status_code == 200
    [user] = users(app)
    assert user.full_name == "Ștefan Gyöngyi"
    assert user.email == "stefan.gyongyi@example.org"
    assert user.roles == {Role.LEARNER}
    assert user.profession == "school_counsellor"
    assert user.county == "BH"
    assert user.preferred_language == "hu"
    assert user.organisation_id is None
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert user.email_confirmed_at is None
    # Not signed in: the page asks to confirm the address first, and a link was sent.
    assert client.get("/account").status_code == 302
    [message] = outbox
    assert message.to == ["stefan.gyongyi@example.org"]
    assert "/confirm/" in message.body


def test_the_privacy_notice_must_be_accepted_and_the_acceptance_is_recorded(app, client):
    from elearn.privacy.models import PrivacyAcceptance
    from elearn.privacy.notice import CURRENT_VERSION

    refused = client.post(
        "/register", data=registration(accept_privacy=""), headers={"Accept-Language": "en"}
    )
    assert "Read the privacy notice and tick the box to go on." in page_text(refused)
    assert users(app) == []
    client.post("/register", data=registration())
    with app.app_context():
        [acceptance] = db.session.scalars(select(PrivacyAcceptance)).all()
        assert acceptance.version == CURRENT_VERSION


def test_registering_with_an_organisation_only_requests_membership(app, client, make):
    organisation_id = make.organisation()
    client.post("/register", data=registration(organisation_id=str(organisation_id)))
    [user] = users(app)
    assert user.organisation_id == organisation_id
    assert user.organisation_confirmed_at is None


def test_an_address_with_an_account_gets_the_same_page_and_its_owner_is_told(
    app, client, make, outbox
):
    owner = make.user(email="stefan.gyongyi@example.org", full_name="Ștefan Owner", language="en")
    english = {"Accept-Language": "en"}
    new = client.post(
        "/register", data=registration(email="someone.new@example.org"), headers=english
    )
    taken = client.post(
        "/register", data=registration(email="STEFAN.GYONGYI@example.ORG"), headers=english
    )
    assert taken.status_code == new.status_code == 200

    def without_address(response, address):
        return page_text(response).replace(address, "ADDRESS")

    assert without_address(taken, "stefan.gyongyi@example.org") == without_address(
        new, "someone.new@example.org"
    )
    assert len(users(app)) == 2
    to_owner = [m for m in outbox if m.to == [owner.email]]
    assert len(to_owner) == 1
    assert to_owner[0].subject == "Someone tried to register with your email address"
    assert "/confirm/" not in to_owner[0].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "   ", "Enter your full name."),
        ("full_name", "x" * 201, "Your name can have at most 200 characters."),
        ("full_name", "Ana\x07Pop", "Remove the invisible control characters from this field."),
        ("email", "not-an-address", "Enter an email address in the correct format"),
        ("email", "", "Enter your email address."),
        ("password", "short", "Use at least 12 characters."),
        ("password", "password1234", "This password is too common or too easy to guess."),
        ("password", "stefangyongyi", "This password is too common or too easy to guess."),
        ("confirm", "something else entirely", "The two passwords are not the same."),
        ("profession", "", "Choose your profession."),
        ("profession", "astronaut", "Choose a profession from the list."),
        ("county", "", "Choose the county where you work."),
        ("county", "ZZ", "Choose a county from the list."),
        ("preferred_language", "de", "Choose Română, English or Magyar."),
        ("organisation_id", "9999", "Choose an organisation from the list."),
        ("organisation_id", "abc", "Choose an organisation from the list."),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_written(
    app, client, field, value, message
):
    data = registration(**{field: value})
    if field == "password":
        data["confirm"] = value
    response = client.post("/register", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in page_text(response)
    # The error sits next to its field, which is marked invalid and linked from the summary.
    assert f'id="{field}-error"' in html
    assert f'href="#{field}"' in html
    assert 'aria-invalid="true"' in html
    assert users(app) == []


def test_a_rejected_form_keeps_what_was_typed_except_passwords(client):
    response = client.post("/register", data=registration(confirm="does not match at all"))
    html = response.get_data(as_text=True)
    assert 'value="Ștefan Gyöngyi"' in html
    assert 'value="stefan.gyongyi@example.org"' in html
    assert PASSWORD not in html
    assert '<option selected value="school_counsellor">' in html


def test_a_signed_in_person_is_sent_home_from_registration(client, as_role):
    as_role(Role.LEARNER)
    response = client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_registration_defaults_to_the_language_being_read(client):
    html = client.get("/register", headers={"Accept-Language": "hu"}).get_data(as_text=True)
    assert '<option selected value="hu">' in html


def test_concurrent_duplicate_registration_is_refused_by_the_database(app):
    """The unique index, not only the check before it, keeps addresses unique."""
    from elearn.accounts import services
    from elearn.errors import DomainError

    with app.app_context():
        db.session.add(
            User(
                email="dup@example.org",
                full_name="A",
                password_hash="x",
                profession="other",
                county="BH",
                preferred_language="ro",
            )
        )
        db.session.flush()
        # Simulate the race: the check finds nothing, the insert hits the index.
        original = services.user_by_email
        services.user_by_email = lambda email: None
        try:
            with pytest.raises(DomainError):
                services.register_user(
                    email="dup@example.org",
                    full_name="B",
                    password=PASSWORD,
                    profession="other",
                    county="BH",
                    preferred_language="ro",
                )
        finally:
            services.user_by_email = original
        db.session.rollback()
        assert db.session.scalar(select(func.count(User.id))) == 0
