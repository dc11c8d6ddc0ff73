"""The attendance pages through the client: the list (form and JSON endpoint), the check-in
code, and attendees checking in by QR link or typed code. Every route: anonymous, wrong role,
organiser of another organisation, missing event, happy path, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.events.models import Event, EventRegistration, RegistrationStatus
from elearn.extensions import db
from tests.conftest import count_queries, page_text
from tests.events.test_attendance_factories import add_event, register, register_many

NAMES = ["Ana Pop", "Ion Rus", "Ștefan Gyöngyi Popescu"]


@pytest.fixture
def organisation(make) -> int:
    return make.organisation(name="Asociația eLiberare Oradea", kind="ngo")


@pytest.fixture
def event(app, organisation):
    """An event started half an hour ago with three people registered (ids in order)."""
    with app.app_context():
        event = add_event(organisation_id=organisation, code="RT2026AB")
        ids = [r.id for r in register_many(event, NAMES)]
        db.session.commit()
        return {"id": event.id, "registrations": ids, "code": "RT2026AB"}


def _present(app, registration_id: int) -> bool:
    with app.app_context():
        return db.session.get(EventRegistration, registration_id).attended_at is not None


def _json_mark(client, event_id, registration, present, **extra):
    return client.post(
        f"/events/{event_id}/attendance/mark",
        json={"registration": registration, "present": present, **extra},
        headers={"X-CSRFToken": client.csrf_token()},
    )


# The list ------------------------------------------------------------------------------


def test_the_organiser_sees_everyone_registered_and_the_counts(
    client, as_role, organisation, event
):
    as_role(Role.TRAINER, organisation_id=organisation)
    response = client.get(f"/events/{event['id']}/attendance")
    assert response.status_code == 200
    text = page_text(response)
    for name in NAMES:
        assert name in text
    assert "0 din 3" in text  # Romanian: present 0 of 3 registered
    assert 'name="present"' in response.get_data(as_text=True)
    assert "js/attendance.js" in response.get_data(as_text=True)


def test_the_list_is_searchable_by_name_without_javascript(client, as_role, organisation, event):
    as_role(Role.MANAGER, organisation_id=organisation)
    text = page_text(client.get(f"/events/{event['id']}/attendance?q=stefan"))
    assert "Ștefan Gyöngyi Popescu" in text
    assert "Ana Pop" not in text


def test_anonymous_is_sent_to_sign_in_and_a_learner_is_refused(client, as_role, event):
    response = client.get(f"/events/{event['id']}/attendance")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    as_role(Role.LEARNER)
    assert client.get(f"/events/{event['id']}/attendance").status_code == 403


def test_an_organiser_of_another_organisation_is_refused_everywhere(
    app, client, as_role, make, event
):
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", county="CJ")
    as_role(Role.MANAGER, organisation_id=other)
    base = f"/events/{event['id']}"
    assert client.get(f"{base}/attendance").status_code == 403
    assert client.get(f"{base}/check-in-code").status_code == 403
    shown = {"shown": event["registrations"], "present": event["registrations"], "unregistered": 0}
    assert client.post(f"{base}/attendance", data=shown).status_code == 403
    assert _json_mark(client, event["id"], event["registrations"][0], True).status_code == 403
    assert not _present(app, event["registrations"][0])


def test_a_missing_event_is_not_found(client, as_role, organisation):
    as_role(Role.ADMIN)
    assert client.get("/events/999999/attendance").status_code == 404
    assert client.get("/events/999999/check-in-code").status_code == 404
    assert client.post("/events/999999/attendance", data={}).status_code == 404


def test_saving_the_form_marks_the_ticked_and_counts_the_unregistered(
    app, client, as_role, organisation, event
):
    as_role(Role.TRAINER, organisation_id=organisation)
    ana, ion, stefan = event["registrations"]
    response = client.post(
        f"/events/{event['id']}/attendance",
        data={"shown": [ana, ion, stefan], "present": [ana, stefan], "unregistered": "4"},
    )
    assert response.status_code == 302
    assert [_present(app, r) for r in (ana, ion, stefan)] == [True, False, True]
    with app.app_context():
        assert db.session.get(Event, event["id"]).unregistered_attendees == 4
    assert "2 din 3" in page_text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("unregistered", ["", "-3", "many", "10001"])
def test_a_bad_unregistered_count_is_named_and_nothing_is_saved(
    app, client, as_role, organisation, event, unregistered
):
    as_role(Role.TRAINER, organisation_id=organisation)
    ana = event["registrations"][0]
    response = client.post(
        f"/events/{event['id']}/attendance",
        data={"shown": event["registrations"], "present": [ana], "unregistered": unregistered},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert f'id="present-{ana}" checked' in html  # the ticks made are still there
    assert not _present(app, ana)


def test_a_forged_list_is_refused_with_a_message(app, client, as_role, organisation, event):
    as_role(Role.TRAINER, organisation_id=organisation)
    response = client.post(
        f"/events/{event['id']}/attendance",
        data={"shown": ["x"], "present": ["1"], "unregistered": "0"},
    )
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)


def test_saving_without_the_csrf_token_is_refused(app, client, as_role, organisation, event):
    as_role(Role.TRAINER, organisation_id=organisation)
    ana = event["registrations"][0]
    response = client.post(
        f"/events/{event['id']}/attendance",
        data={"shown": [ana], "present": [ana], "unregistered": "0"},
        csrf=False,
    )
    assert response.status_code == 400
    assert not _present(app, ana)


# The JSON endpoint ---------------------------------------------------------------------


def test_a_tick_sent_twice_is_saved_once_and_answers_the_counts(
    app, client, as_role, organisation, event
):
    as_role(Role.TRAINER, organisation_id=organisation)
    ana = event["registrations"][0]
    for _ in range(2):
        response = _json_mark(client, event["id"], ana, True)
        assert response.status_code == 200
        assert response.json == {
            "registration": ana,
            "present": True,
            "counts": {"present": 1, "registered": 3},
        }
    assert _present(app, ana)
    assert _json_mark(client, event["id"], ana, False).json["counts"]["present"] == 0
    assert not _present(app, ana)


def test_the_json_endpoint_needs_the_csrf_header(app, client, as_role, organisation, event):
    as_role(Role.TRAINER, organisation_id=organisation)
    ana = event["registrations"][0]
    response = client.post(
        f"/events/{event['id']}/attendance/mark", json={"registration": ana, "present": True}
    )
    assert response.status_code == 400
    assert not _present(app, ana)


@pytest.mark.parametrize(
    "payload",
    [
        {"registration": "1", "present": True},
        {"registration": 1, "present": "yes"},
        {"present": True},
    ],
)
def test_the_json_endpoint_names_bad_input(client, as_role, organisation, event, payload):
    as_role(Role.TRAINER, organisation_id=organisation)
    response = client.post(
        f"/events/{event['id']}/attendance/mark",
        json=payload,
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 400
    assert response.json["error"]


def test_a_registration_of_another_event_is_not_found(app, client, as_role, organisation, event):
    with app.app_context():
        other = add_event(organisation_id=organisation)
        [elsewhere] = register_many(other, ["Ilona Máshol"])
        db.session.commit()
        elsewhere_id = elsewhere.id
    as_role(Role.TRAINER, organisation_id=organisation)
    response = _json_mark(client, event["id"], elsewhere_id, True)
    assert response.status_code == 404 and response.json["error"]
    assert not _present(app, elsewhere_id)


def test_the_list_takes_the_same_number_of_queries_for_3_or_200_people(
    app, client, as_role, organisation, event
):
    as_role(Role.TRAINER, organisation_id=organisation)
    url = f"/events/{event['id']}/attendance"
    client.get(url)  # the first page after signing in also records the session's activity
    few = count_queries(app, lambda: client.get(url))
    with app.app_context():
        register_many(db.session.get(Event, event["id"]), [f"Persoana {n}" for n in range(197)])
        db.session.commit()
    many = count_queries(app, lambda: client.get(url))
    assert many == few
    assert "0 din 200" in page_text(client.get(url))


# The code and checking in --------------------------------------------------------------


def test_the_organiser_shows_the_code_and_a_qr_code_of_the_check_in_address(
    client, as_role, organisation, event
):
    as_role(Role.TRAINER, organisation_id=organisation)
    html = client.get(f"/events/{event['id']}/check-in-code").get_data(as_text=True)
    assert "RT2026AB" in html
    assert "<svg" in html and 'role="img"' in html
    assert f"/events/{event['id']}/check-in/RT2026AB" in html


def test_a_registered_attendee_checks_in_from_the_qr_link(app, client, make, organisation, event):
    from tests.conftest import sign_in

    person = make.user(full_name="Maria Nouă")
    with app.app_context():
        registration = register(db.session.get(Event, event["id"]), person.id)
        db.session.commit()
        registration_id = registration.id
    sign_in(client, person)
    url = f"/events/{event['id']}/check-in/{event['code']}"
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    response = client.post(url)
    assert response.status_code == 302
    assert _present(app, registration_id)
    assert "Sunteți marcat prezent" in page_text(client.get(url))


def test_someone_not_registered_checks_in_by_typing_the_code_as_a_walk_in(
    app, client, as_role, event
):
    person = as_role(Role.LEARNER)
    response = client.post("/events/check-in", data={"code": " rt2026ab "})
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.scalar(
            select(EventRegistration).where(EventRegistration.user_id == person.id)
        )
        assert registration.walk_in and registration.attended_at is not None
        assert registration.status == RegistrationStatus.REGISTERED


def test_a_full_event_tells_the_walk_in_kindly(app, client, as_role, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, capacity=1, code="FULL01")
        register_many(event, ["Ana Pop"])
        db.session.commit()
        event_id = event.id
    as_role(Role.LEARNER)
    response = client.post(f"/events/{event_id}/check-in/FULL01")
    assert response.status_code == 409
    assert "evenimentul este complet" in page_text(response)


def test_a_wrong_code_is_named_clearly(client, as_role, event):
    as_role(Role.LEARNER)
    response = client.post("/events/check-in", data={"code": "NOPE"})
    assert response.status_code == 400
    assert "Niciun eveniment nu are acest cod" in page_text(response)
    empty = client.post("/events/check-in", data={"code": ""})
    assert empty.status_code == 400 and "error-summary" in empty.get_data(as_text=True)
    wrong_link = client.get(f"/events/{event['id']}/check-in/NOPE")
    assert wrong_link.status_code == 404
    assert "Acest cod nu este al acestui eveniment" in page_text(wrong_link)


def test_checking_in_before_the_day_says_when_it_opens(app, client, as_role, organisation):
    with app.app_context():
        event = add_event(organisation_id=organisation, starts_in=timedelta(days=2), code="SOON01")
        db.session.commit()
        event_id = event.id
    person = as_role(Role.LEARNER)
    response = client.post(f"/events/{event_id}/check-in/SOON01")
    assert response.status_code == 409
    assert "cu o oră înainte" in page_text(response)
    with app.app_context():
        assert (
            db.session.scalar(
                select(EventRegistration).where(EventRegistration.user_id == person.id)
            )
            is None
        )


def test_check_in_pages_need_a_signed_in_person_and_an_existing_event(client, as_role, event):
    response = client.get(f"/events/{event['id']}/check-in/{event['code']}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.get("/events/check-in").status_code == 302
    as_role(Role.LEARNER)
    assert client.get(f"/events/999999/check-in/{event['code']}").status_code == 404
    assert client.get("/events/check-in").status_code == 200


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}],
    indirect=True,
)
def test_checking_in_is_rate_limited(client, as_role, event):
    as_role(Role.LEARNER)
    answers = [
        client.post("/events/check-in", data={"code": "WRONG"}).status_code for _ in range(12)
    ]
    assert answers[:10] == [400] * 10
    assert answers[-1] == 429
