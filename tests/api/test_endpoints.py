"""The read-only API: a token's reach, its refusals (401, 403, 404, 400, 429) as JSON, cookies
ignored, the token's use noted without flooding the audit log, and the same figures as the
dashboard for the county tree of tests/reporting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.api.models import ApiToken
from elearn.audit.models import AuditEvent
from elearn.courses.models import CourseVersion
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.organisations.models import Organisation
from tests.api.conftest import bearer, token_for
from tests.conftest import count_queries, sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.conftest import county, place  # noqa: F401 - the county tree fixture

API = "/api/v1"


def test_a_token_lists_its_organisations_and_those_below(app, make, manager, school):
    below = make.organisation(name="Grădinița nr. 3 Oradea")
    place(app, below, school)
    make.organisation(name="Liceul Teoretic Beiuș")  # beside: never listed
    secret = token_for(app, manager, [school])
    response = app.test_client().get(f"{API}/organisations", headers=bearer(secret))
    assert response.status_code == 200 and response.is_json
    listed = response.get_json()["organisations"]
    assert [row["id"] for row in listed] == [school, below]
    assert listed[1] == {
        "id": below,
        "name": "Grădinița nr. 3 Oradea",
        "kind": "school",
        "county": "BH",
        "parent_id": school,
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_the_county_tree_figures_match_the_dashboards(app, make, county):  # noqa: F811
    isj_manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"])
    secret = token_for(app, isj_manager, [county["isj"]])
    client = app.test_client()
    body = client.get(f"{API}/organisations/{county['isj']}/figures", headers=bearer(secret))
    assert body.status_code == 200
    figures = body.get_json()
    assert figures["members"] == 6  # the manager, Ana, Bogdan, Csilla, Dan, Elena
    (row,) = figures["courses"]
    assert row["title"]["en"] == "Test course"
    assert (row["enrolled"], row["not_started"], row["in_progress"]) == (4, 1, 1)
    assert (row["completed"], row["completion_rate"]) == (2, 0.5)
    assert (row["valid_certificates"], row["expiring_certificates"]) == (2, 0)
    assert row["median_days_to_complete"] == 15.0
    assert row["median_minutes_spent"] == 30.0 and row["average_best_score"] == 100.0
    assert figures["filters"]["organisation"] == county["isj"]
    assert figures["computed_at"].endswith("+00:00")
    school_a = client.get(
        f"{API}/organisations/{county['isj']}/figures?organisation={county['a']}",
        headers=bearer(secret),
    ).get_json()
    assert school_a["courses"][0]["enrolled"] == 3


def test_breakdowns_and_people_by_the_dashboards_definitions(app, make, county):  # noqa: F811
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"])
    secret = token_for(app, manager, [county["isj"]])
    client = app.test_client()
    url = f"{API}/organisations/{county['isj']}"
    organisations = client.get(f"{url}/breakdowns/organisations", headers=bearer(secret))
    rows = {row["key"]: row for row in organisations.get_json()["rows"]}
    assert (rows[county["b"]]["enrolled"], rows[county["b"]]["completed"]) == (1, 1)
    assert rows[county["b"]]["completion_rate"] == 1.0
    professions = client.get(f"{url}/breakdowns/professions", headers=bearer(secret)).get_json()
    assert {row["key"] for row in professions["rows"]} == {"teacher", "police_officer"}
    months = client.get(f"{url}/breakdowns/months", headers=bearer(secret)).get_json()
    assert sum(row["completed"] for row in months["rows"]) == 2
    people = client.get(f"{url}/people?per_page=3", headers=bearer(secret)).get_json()
    assert (people["total"], people["page"], len(people["people"])) == (4, 1, 3)
    second = client.get(people["next"], headers=bearer(secret)).get_json()
    assert second["next"] is None and len(second["people"]) == 1
    everyone = {row["name"]: row for row in people["people"] + second["people"]}
    assert set(everyone) == {"Ana Enrolled", "Bogdan Started", "Csilla Completed", "Elena Police"}
    csilla = everyone["Csilla Completed"]
    assert csilla["status"] == "completed" and csilla["certificate_status"] == "valid"
    assert csilla["organisation_path"].endswith("› Școala Gimnazială nr. 11 Oradea")
    assert everyone["Ana Enrolled"]["status"] == "not_started"
    assert everyone["Ana Enrolled"]["completed_on"] is None


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?profession=wizard", "profession"),
        ("?since=2026-02-30", "since"),
        ("?since=2026-05-01&until=2026-04-01", "until"),
        ("?course=999999", "course"),
        ("?colour=blue", "colour"),
    ],
)
def test_a_refused_filter_is_a_400_naming_it(app, manager, school, query, named):
    secret = token_for(app, manager, [school])
    response = app.test_client().get(
        f"{API}/organisations/{school}/figures{query}", headers=bearer(secret)
    )
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["error"] == "invalid_parameter" and named in body["parameters"]
    assert named in body["message"]


def test_bad_paging_and_unknown_breakdowns_are_refused(app, manager, school):
    secret = token_for(app, manager, [school])
    client = app.test_client()
    for query in ("?page=0", "?per_page=501", "?page=two", "?page=²"):
        response = client.get(f"{API}/organisations/{school}/people{query}", headers=bearer(secret))
        assert response.status_code == 400, query
    response = client.get(
        f"{API}/organisations/{school}/breakdowns/shoe-size", headers=bearer(secret)
    )
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_another_organisation_is_not_found(app, make, manager, school):
    beside = make.organisation(name="Liceul Teoretic Beiuș")
    above = make.organisation(name="Inspectoratul Școlar Județean Bihor")
    place(app, school, above)
    secret = token_for(app, manager, [school])
    client = app.test_client()
    for organisation_id in (beside, above, 999999):
        for path in ("figures", "breakdowns/counties", "people"):
            response = client.get(
                f"{API}/organisations/{organisation_id}/{path}", headers=bearer(secret)
            )
            assert response.status_code == 404 and response.is_json, (organisation_id, path)
    # Nor as the sub-organisation filter of one within reach.
    response = client.get(
        f"{API}/organisations/{school}/figures?organisation={beside}", headers=bearer(secret)
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer elearn_pat_not-a-token", "Basic dXNlcjpwYXNz", "bearer  "],
)
def test_no_or_a_wrong_token_is_a_401_bearer_challenge(app, school, header):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get(f"{API}/organisations/{school}/figures", headers=headers)
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="elearn"')


def test_expired_and_revoked_tokens_are_refused(app, manager, school):
    secret = token_for(app, manager, [school], days=1)
    client = app.test_client()
    with freeze_time(utcnow() + timedelta(days=3)):
        response = client.get(f"{API}/organisations", headers=bearer(secret))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.get_json()["message"] == "The token has expired."
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    response = client.get(f"{API}/organisations", headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json()["message"] == "The token has been revoked."


def test_the_owner_losing_the_role_or_the_account_stops_the_token(app, manager, school):
    secret = token_for(app, manager, [school])
    client = app.test_client()
    assert client.get(f"{API}/organisations", headers=bearer(secret)).status_code == 200
    with app.app_context():
        db.session.execute(
            db.delete(RoleAssignment).where(
                RoleAssignment.user_id == manager.id, RoleAssignment.role == Role.MANAGER
            )
        )
        db.session.commit()
    response = client.get(f"{API}/organisations", headers=bearer(secret))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    with app.app_context():
        db.session.get(User, manager.id).deactivated_at = utcnow()
        db.session.commit()
    assert client.get(f"{API}/organisations", headers=bearer(secret)).status_code == 401


def test_a_manager_who_leaves_the_organisation_reaches_nothing(app, make, manager, school):
    secret = token_for(app, manager, [school])
    with app.app_context():
        db.session.get(User, manager.id).organisation_confirmed_at = None
        db.session.commit()
    client = app.test_client()
    listed = client.get(f"{API}/organisations", headers=bearer(secret)).get_json()
    assert listed["organisations"] == []
    response = client.get(f"{API}/organisations/{school}/figures", headers=bearer(secret))
    assert response.status_code == 404


def test_a_signed_in_browser_cannot_use_the_api_with_its_cookie(app, make, manager, school):
    """The session cookie is ignored: no cookie opens the API, and the API does not end,
    redirect or otherwise touch the browser's session."""
    browser = app.test_client()
    sign_in(browser, manager)
    response = browser.get(f"{API}/organisations/{school}/figures")
    assert response.status_code == 401 and response.is_json
    assert "Set-Cookie" not in response.headers
    assert browser.get("/account/api-tokens").status_code == 200  # still signed in


def test_use_is_noted_once_a_minute_and_audited_once_an_hour(app, manager, school):
    secret = token_for(app, manager, [school])
    client = app.test_client()
    start = utcnow().replace(minute=10, second=0, microsecond=0)
    moments = [start, start + timedelta(seconds=20), start + timedelta(minutes=5)]
    moments.append(start + timedelta(hours=1))
    seen = []
    for moment in moments:
        with freeze_time(moment):
            assert client.get(f"{API}/organisations", headers=bearer(secret)).status_code == 200
        with app.app_context():
            seen.append(db.session.scalar(select(ApiToken.last_used_at)))
    assert seen == [moments[0], moments[0], moments[2], moments[3]]
    with app.app_context():
        used = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api_token.used").order_by(AuditEvent.id)
        ).all()
    assert len(used) == 2 and used[0].details["endpoint"] == "api.list_organisations"


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "2 per minute"}],
    indirect=True,
)
def test_each_token_has_its_own_rate_limit(app, make, manager, school):
    first = token_for(app, manager, [school], name="One")
    second = token_for(app, manager, [school], name="Two")
    client = app.test_client()
    assert client.get(f"{API}/organisations", headers=bearer(first)).status_code == 200
    figures = f"{API}/organisations/{school}/figures"
    assert client.get(figures, headers=bearer(first)).status_code == 200
    # One budget across the API's routes, not one per route.
    response = client.get(f"{API}/organisations/{school}/people", headers=bearer(first))
    assert response.status_code == 429 and response.is_json
    assert response.get_json()["error"] == "too_many_requests"
    assert client.get(f"{API}/organisations", headers=bearer(second)).status_code == 200


def test_unknown_addresses_and_methods_under_the_api_answer_json(app, manager, school):
    secret = token_for(app, manager, [school])
    client = app.test_client()
    response = client.get(f"{API}/nothing-here", headers=bearer(secret))
    assert response.status_code == 404 and response.is_json
    response = client.post(f"{API}/organisations", headers=bearer(secret))
    assert response.status_code in (400, 405) and response.is_json


def test_an_erased_organisation_scope_goes_with_the_organisation(app, make, manager, school):
    spare = make.organisation(name="Școala de Arte Oradea")
    place(app, spare, school)
    token_for(app, manager, [school, spare])
    with app.app_context():
        db.session.delete(db.session.get(Organisation, spare))
        db.session.commit()
        token = db.session.scalar(select(ApiToken))
        assert [organisation.id for organisation in token.organisations] == [school]
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_a_token_for_two_organisations_reaches_both_trees(app, make, manager, school):
    administrator = make.user(roles=(Role.LEARNER, Role.ADMIN))
    other = make.organisation(name="Liceul Teoretic Beiuș")
    below_other = make.organisation(name="Grădinița Beiuș")
    place(app, below_other, other)
    third = make.organisation(name="Școala de Arte Oradea")
    secret = token_for(app, administrator, [school, other])
    client = app.test_client()
    listed = client.get(f"{API}/organisations", headers=bearer(secret)).get_json()
    assert {row["id"] for row in listed["organisations"]} == {school, other, below_other}
    for reached in (school, other, below_other):
        response = client.get(f"{API}/organisations/{reached}/figures", headers=bearer(secret))
        assert response.status_code == 200, reached
    response = client.get(f"{API}/organisations/{third}/figures", headers=bearer(secret))
    assert response.status_code == 404


def test_the_apis_queries_do_not_grow_with_the_people(app, make, manager, school, course):  # noqa: F811
    secret = token_for(app, manager, [school])
    client = app.test_client()

    def enrol_more(count: int) -> None:
        with app.app_context():
            version = db.session.get(CourseVersion, course)
            for _ in range(count):
                person = make.user(organisation_id=school)
                db.session.add(
                    Enrolment(user_id=person.id, course_id=version.course_id, version_id=course)
                )
            db.session.commit()

    def queries() -> list[int]:
        return [
            count_queries(app, lambda path=path: client.get(path, headers=bearer(secret)))
            for path in (
                f"{API}/organisations/{school}/figures",
                f"{API}/organisations/{school}/breakdowns/organisations",
                f"{API}/organisations/{school}/people",
            )
        ]

    enrol_more(2)
    client.get(f"{API}/organisations", headers=bearer(secret))  # its use noted: no more writes
    before = queries()
    enrol_more(8)
    assert queries() == before
