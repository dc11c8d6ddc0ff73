"""Confirming presence without an account: one per phone, counted atomically, capped at the
declared count, open from the session's day to the end of the next, rate-limited."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.database import utcnow
from elearn.extensions import db
from elearn.reach import confirmations
from elearn.reach.models import DeliveredSession, SessionConfirmation
from tests.conftest import page_text
from tests.reach.conftest import record, session_row


@pytest.fixture
def code(app, teacher, course_with_plan) -> str:
    session_id = record(app, teacher.id, course_with_plan)
    return session_row(app, session_id).confirm_code


def phone(app):
    """A separate phone: its own cookies, no account, set to English."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def press(client, code):
    client.get(f"/reach/c/{code}")  # the page gives the phone its random value
    return client.post(f"/reach/c/{code}")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        confirmed = db.session.scalar(select(DeliveredSession.confirmed_count))
        rows = db.session.scalar(select(func.count(SessionConfirmation.id)))
        return confirmed, rows


def test_the_page_shows_what_is_confirmed_and_never_who_led_it(app, code, teacher):
    response = phone(app).get(f"/reach/c/{code}")
    text = page_text(response)
    assert response.status_code == 200
    assert "Oradea" in text and "Bihor" in text and "Pupils (13–15 years)" in text
    assert teacher.full_name not in text and teacher.email not in text
    assert 'value="I was there"' in response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert "reach_device=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=" in cookie
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_the_same_phone_is_counted_once(app, code):
    client = phone(app)
    response = press(client, code)
    assert response.status_code == 303
    after = client.get(response.headers["Location"])
    assert "Thank you: your presence is counted." in page_text(after)
    assert "is counted. Thank you!" in page_text(after)
    assert 'value="I was there"' not in after.get_data(as_text=True)
    again = client.post(f"/reach/c/{code}")
    assert "already confirmed" in page_text(client.get(again.headers["Location"]))
    assert counts(app) == (1, 1)


def test_different_phones_each_count(app, code):
    for _ in range(3):
        press(phone(app), code)
    assert counts(app) == (3, 3)


def test_the_device_is_kept_only_as_a_keyed_hash_different_at_each_session(
    app, teacher, course_with_plan, code
):
    client = phone(app)
    press(client, code)
    other = session_row(app, record(app, teacher.id, course_with_plan)).confirm_code
    press(client, other)
    value = client.get_cookie("reach_device", path="/reach/c").value
    with app.app_context():
        devices = db.session.scalars(select(SessionConfirmation.device)).all()
    assert len(devices) == 2 and len(set(devices)) == 2
    assert all(value not in device and len(device) == 64 for device in devices)


def test_confirmations_stop_at_the_declared_count(app, teacher, course_with_plan):
    session_id = record(app, teacher.id, course_with_plan, declared_count=2)
    code = session_row(app, session_id).confirm_code
    press(phone(app), code)
    press(phone(app), code)
    third = phone(app)
    response = press(third, code)
    assert "Everyone the session was recorded for has confirmed" in page_text(
        third.get(response.headers["Location"])
    )
    assert counts(app) == (2, 2)


def test_a_typed_code_leads_to_its_page_however_it_is_typed(app, code):
    client = phone(app)
    typed = f" {code[:3].lower()}-{code[3:]} "
    response = client.get("/reach/c", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reach/c/{code}"
    assert client.get(f"/reach/c/{code.lower()}").headers["Location"] == f"/reach/c/{code}"


def test_a_typed_code_that_cannot_be_one_is_explained(app):
    response = phone(app).get("/reach/c", query_string={"code": "12"})
    assert response.status_code == 200
    assert "This is not a session code" in page_text(response)
    response = phone(app).get("/reach/c", query_string={"code": ""})
    assert "Enter the code shown at the session." in page_text(response)


def test_an_unknown_code_is_not_found_in_the_readers_language(app, code):
    missing = "ACDEFGH" if code != "ACDEFGH" else "HGFEDCA"
    response = phone(app).get(f"/reach/c/{missing}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "No session has this code" in page_text(response)
    assert phone(app).post(f"/reach/c/{missing}").status_code == 404
    assert counts(app) == (0, 0)


def test_a_press_without_a_csrf_token_changes_nothing(app, code):
    client = phone(app)
    client.get(f"/reach/c/{code}")
    response = client.post(f"/reach/c/{code}", csrf=False)
    assert response.status_code == 400
    assert counts(app) == (0, 0)


def test_confirmations_open_on_the_day_and_close_after_the_next(app, teacher, course_with_plan):
    with freeze_time("2027-03-10 10:00:00"):
        session_id = record(app, teacher.id, course_with_plan, delivered_on=date(2027, 3, 12))
        code = session_row(app, session_id).confirm_code
        client = phone(app)
        response = press(client, code)
        assert "open on the day of the session" in page_text(
            client.get(response.headers["Location"])
        )
    with freeze_time("2027-03-13 21:59:00"):  # 23:59 in Bucharest, the day after
        assert press(phone(app), code).status_code == 303
    with freeze_time("2027-03-13 22:00:00"):
        client = phone(app)
        response = press(client, code)
        assert "closed" in page_text(client.get(response.headers["Location"]))
    assert counts(app) == (1, 1)


def test_a_replaced_sessions_code_no_longer_confirms(app, teacher, course_with_plan, code):
    with app.app_context():
        session = db.session.scalar(select(DeliveredSession))
        session.replaced_by_id = session.id
        db.session.commit()
    assert phone(app).get(f"/reach/c/{code}").status_code == 404


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "REACH_CONFIRM_LIMIT_PER_ADDRESS": "4 per minute"}],
    indirect=True,
)
def test_one_address_is_rate_limited(app, code):
    client = phone(app)
    statuses = [client.get(f"/reach/c/{code}").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "REACH_CONFIRM_LIMIT_PER_CODE": "2 per hour"}],
    indirect=True,
)
def test_one_code_is_rate_limited_whatever_the_address(app, code):
    statuses = []
    for number in range(3):
        client = phone(app)
        address = {"REMOTE_ADDR": f"10.0.0.{number + 1}"}
        client.get(f"/reach/c/{code}", environ_base=address)
        statuses.append(client.post(f"/reach/c/{code}", environ_base=address).status_code)
    assert statuses == [303, 303, 429]
    assert counts(app) == (2, 2)


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_a_class_of_thirty_on_one_school_network_all_confirm(app, code):
    for _ in range(30):
        response = press(phone(app), code)
        assert response.status_code == 303
    assert counts(app) == (28, 28)  # capped at the 28 declared


def test_concurrent_presses_lose_no_count(app, teacher, course_with_plan):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    session_id = record(app, teacher.id, course_with_plan, declared_count=10)
    barrier = threading.Barrier(12)
    outcomes = []

    def confirm(value):
        with app.app_context():
            session = db.session.get(DeliveredSession, session_id)
            barrier.wait()
            outcomes.append(confirmations.confirm(session, value))
            db.session.commit()
            db.session.remove()

    values = [f"phone-{n:02d}" * 4 for n in range(11)] + ["phone-00" * 4]  # one phone twice
    threads = [threading.Thread(target=confirm, args=(value,)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts(app) == (10, 10)
    assert sorted(outcomes).count("counted") == 10
    # The monthly summary counted each of them too.
    from tests.reach.test_tally import ledger, summary

    assert summary(app) == ledger(app)


def test_the_window_is_computed_in_local_time(app, teacher, course_with_plan):
    session_id = record(app, teacher.id, course_with_plan)
    session = session_row(app, session_id)
    assert session.confirm_open_until > utcnow()
    assert session.confirm_open_until <= utcnow() + timedelta(days=2)
