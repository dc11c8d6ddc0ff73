"""The deliverer's pages: own reach, recording, editing, correcting, showing the code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.database import utcnow
from elearn.extensions import db
from elearn.reach.models import DeliveredSession, SessionMaterial
from tests.conftest import page_text, sign_in
from tests.reach.conftest import (
    PLAN,
    add_resource,
    all_sessions,
    record,
    session_row,
    session_values,
)

PAGES = ("", "/edit", "/correct", "/code", "/count")


def count_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(DeliveredSession.id)))


@pytest.mark.parametrize(
    "path", ["/reach/", "/reach/new", "/reach/sessions/1", "/reach/sessions/1/code"]
)
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_without_a_certificate_the_page_explains_and_links_to_the_courses(client, make):
    sign_in(client, make.user(language="en"))
    for path in ("/reach/new", "/reach/"):
        response = client.get(path)
        assert response.status_code == 200
        assert 'href="/courses/"' in response.get_data(as_text=True)
        assert "valid certificate" in page_text(response)
    response = client.post("/reach/new", data={"locality": "Oradea"})
    assert response.status_code == 200
    assert "valid certificate" in page_text(response)


def test_a_certified_teacher_records_a_session(app, client, teacher, course_with_plan):
    poster = add_resource(app)
    sign_in(client, teacher)
    form = client.get("/reach/new")
    text = page_text(form)
    assert form.status_code == 200 and "Closing en" in text and "Poster poster-signs" in text
    values = session_values(app, course_with_plan, **{f"material_{poster}": "40"})
    response = client.post("/reach/new", data=values)
    assert response.status_code == 302, page_text(response)
    (session,) = all_sessions(app)
    assert response.headers["Location"] == f"/reach/sessions/{session.id}"
    assert (session.audience, session.age_band, session.declared_count) == ("pupils", "13-15", 28)
    assert session.session_plan_key == PLAN and session.county == "BH"
    with app.app_context():
        assert db.session.scalar(select(SessionMaterial.quantity)) == 40
    page = page_text(client.get(response.headers["Location"]))
    assert "Oradea" in page and "13–15 years" in page and "Closing en" in page
    assert "Poster poster-signs: 40" in page and "Show the code" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"locality": ""}, "Enter the locality, like Oradea."),
        ({"age_band": ""}, "Choose the pupils' age band."),
        ({"audience": "parents"}, "An age band is only for sessions with pupils"),
        ({"declared_count": "many"}, "Enter a whole number, like 25."),
        ({"declared_count": "0"}, "Enter how many people attended, from 1 to 10,000."),
        ({"delivered_on": "10/03/2027"}, "Enter the date as year-month-day"),
        ({"course_id": "999999"}, "Choose a course you hold a valid certificate for."),
        ({"session_plan_key": "welcome"}, "Choose a session plan from the list."),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_nothing_is_saved(
    app, client, teacher, course_with_plan, changes, message
):
    sign_in(client, teacher)
    response = client.post("/reach/new", data=session_values(app, course_with_plan, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert "There is a problem" in page_text(response)
    assert count_sessions(app) == 0


def test_bad_input_is_explained_in_romanian(app, client, make, course_with_plan):
    from tests.reach.conftest import certify

    person = make.user(language="ro")
    certify(app, person.id, course_with_plan)
    sign_in(client, person)
    response = client.post("/reach/new", data=session_values(app, course_with_plan, age_band=""))
    assert response.status_code == 200
    assert "Alegeți grupa de vârstă a elevilor." in page_text(response)


def test_someone_elses_session_is_not_found(app, client, make, teacher, course_with_plan):
    session_id = record(app, teacher.id, course_with_plan)
    sign_in(client, make.user(language="en"))
    for path in PAGES:
        assert client.get(f"/reach/sessions/{session_id}{path}").status_code == 404, path
    response = client.post(
        f"/reach/sessions/{session_id}/edit", data=session_values(app, course_with_plan)
    )
    assert response.status_code == 404
    assert session_row(app, session_id).declared_count == 28


def test_a_missing_session_is_not_found(client, teacher):
    sign_in(client, teacher)
    for path in PAGES:
        assert client.get(f"/reach/sessions/999999{path}").status_code == 404, path


def test_the_count_is_updated_afterwards(app, client, teacher, course_with_plan):
    session_id = record(app, teacher.id, course_with_plan)
    sign_in(client, teacher)
    assert 'value="28"' in client.get(f"/reach/sessions/{session_id}/edit").get_data(as_text=True)
    values = session_values(app, course_with_plan, declared_count="31")
    response = client.post(f"/reach/sessions/{session_id}/edit", data=values)
    assert response.status_code == 302
    assert session_row(app, session_id).declared_count == 31
    assert len(all_sessions(app)) == 1


def test_after_thirty_days_the_record_is_kept_and_a_correction_replaces_it(
    app, client, teacher, course_with_plan
):
    session_id = record(app, teacher.id, course_with_plan, now=utcnow() - timedelta(days=40))
    sign_in(client, teacher)
    response = client.get(f"/reach/sessions/{session_id}/edit")
    assert response.status_code == 302
    response = client.post(
        f"/reach/sessions/{session_id}/edit", data=session_values(app, course_with_plan)
    )
    assert response.status_code == 302
    assert "Correct this session" in page_text(client.get(f"/reach/sessions/{session_id}"))
    values = session_values(app, course_with_plan, declared_count="25")
    response = client.post(f"/reach/sessions/{session_id}/correct", data=values)
    assert response.status_code == 302
    old, new = all_sessions(app)
    assert old.replaced_by_id == new.id and new.declared_count == 25
    assert response.headers["Location"] == f"/reach/sessions/{new.id}"
    assert "replaced by a correction" in page_text(client.get(f"/reach/sessions/{old.id}"))
    # The replaced record cannot be corrected twice.
    client.post(f"/reach/sessions/{old.id}/correct", data=values)
    assert len(all_sessions(app)) == 2
    mine = page_text(client.get("/reach/"))
    assert "Sessions 1" in mine and "25" in mine


def test_a_bad_correction_writes_nothing(app, client, teacher, course_with_plan):
    session_id = record(app, teacher.id, course_with_plan, now=utcnow() - timedelta(days=40))
    sign_in(client, teacher)
    values = session_values(app, course_with_plan, locality="")
    response = client.post(f"/reach/sessions/{session_id}/correct", data=values)
    assert response.status_code == 200 and "Enter the locality" in page_text(response)
    assert [s.replaced_by_id for s in all_sessions(app)] == [None]


def test_the_code_page_shows_the_code_the_qr_code_and_the_count(
    app, client, teacher, course_with_plan
):
    session_id = record(app, teacher.id, course_with_plan)
    code = session_row(app, session_id).confirm_code
    sign_in(client, teacher)
    response = client.get(f"/reach/sessions/{session_id}/code")
    markup = response.get_data(as_text=True)
    assert response.status_code == 200
    assert code in markup and "<svg" in markup
    assert "Confirmed so far: 0 of 28" in page_text(response)
    assert client.get(f"/reach/sessions/{session_id}/count").json == {
        "confirmed": 0,
        "declared": 28,
    }


def test_own_reach_counts_sessions_people_and_materials(app, client, teacher, course_with_plan):
    poster = add_resource(app)
    record(app, teacher.id, course_with_plan, materials={poster: 30})
    record(app, teacher.id, course_with_plan, audience="parents", age_band=None, declared_count=12)
    sign_in(client, teacher)
    text = page_text(client.get("/reach/"))
    assert "Sessions 2" in text
    assert "People reached, as you declared 40" in text
    assert "Materials handed out 30" in text
    assert "Pupils 1 28 0" in text and "Parents 1 12 0" in text


def test_a_session_can_be_planned_ahead_but_not_beyond_a_year(
    app, client, teacher, course_with_plan
):
    with freeze_time("2027-03-10 10:00:00"):
        sign_in(client, teacher)
        ahead = session_values(app, course_with_plan, delivered_on="2027-09-01")
        assert client.post("/reach/new", data=ahead).status_code == 302
        too_far = session_values(app, course_with_plan, delivered_on="2028-09-01")
        response = client.post("/reach/new", data=too_far)
    assert "up to a year ahead" in page_text(response)
    assert count_sessions(app) == 1


def test_a_record_is_corrected_on_its_course_after_the_certificate_expired(
    app, client, teacher, course_with_plan
):
    from datetime import date

    from elearn.certificates.models import Certificate

    session_id = record(app, teacher.id, course_with_plan, now=utcnow() - timedelta(days=40))
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        certificate.expires_on = date.today() - timedelta(days=1)
        db.session.commit()
    sign_in(client, teacher)
    values = session_values(app, course_with_plan, declared_count="27")
    response = client.post(f"/reach/sessions/{session_id}/correct", data=values)
    assert response.status_code == 302, page_text(response)
    old, new = all_sessions(app)
    assert old.replaced_by_id == new.id and new.session_plan_key == PLAN
    # A new session, though, needs a valid certificate.
    assert "valid certificate" in page_text(client.get("/reach/new"))
