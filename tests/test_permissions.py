"""Authorisation tests generated from docs/permissions.md.

For every route in the matrix and every column (anonymous, learner, trainer, manager,
administrator), a person holding exactly that role makes the request: ✗ must be refused
(anonymous: sent to sign in; others: 403), ✓ must not be. A route that is in the code but not
in the matrix, or the other way round, fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from elearn import create_app
from elearn.access import access_of
from elearn.accounts.models import Role
from elearn.extensions import db

MATRIX = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
COLUMNS: tuple[Role | None, ...] = (None, Role.LEARNER, Role.TRAINER, Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Row:
    endpoint: str
    methods: tuple[str, ...]
    allowed: tuple[bool, ...]  # one per column


def read_matrix() -> list[Row]:
    rows = []
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([\w.]+)`\s*\|(.*)\|\s*$", line)
        if not match:
            continue
        cells = [cell.strip() for cell in match.group(2).split("|")]
        methods = tuple(m.strip() for m in cells[0].split(","))
        marks = cells[2:7]
        assert all(mark in ("✓", "✗") for mark in marks), line
        rows.append(Row(match.group(1), methods, tuple(mark == "✓" for mark in marks)))
    return rows


ROWS = read_matrix()
# One test per route and method; inside it, a person holding exactly each column's role makes
# the request in turn (anonymous first, the administrator last), on one database set up once:
# the refusals change nothing, so the columns cannot disturb each other's answer.
CASES = [
    pytest.param(row, method, id=f"{row.endpoint}-{method}")
    for row in ROWS
    for method in row.methods
]


def test_the_matrix_lists_every_route_and_only_those():
    app = create_app({})
    in_code = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_matrix = {(row.endpoint, method) for row in ROWS for method in row.methods}
    assert in_code == in_matrix


def test_every_view_declares_who_may_use_it():
    app = create_app({})
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and access_of(view) is None
    ]
    assert undeclared == []


def test_each_views_declaration_agrees_with_the_matrix():
    app = create_app({})
    for row in ROWS:
        access = access_of(app.view_functions[row.endpoint])
        anonymous, *signed_in = row.allowed
        if access.kind == "public":
            assert all(row.allowed), row.endpoint
        elif access.kind == "signed_in":
            assert not anonymous and all(signed_in), row.endpoint
        elif access.kind == "token":
            # No signed-in session opens the API: only a token does (test_token_routes_...).
            assert not any(row.allowed), row.endpoint
        else:
            expected = [role in access.roles for role in COLUMNS[1:]]
            assert not anonymous and signed_in == expected, row.endpoint


def _course_values(app, organisation_id: int, *, draft: bool = True) -> dict:
    """A course owned by the test's organisation, for the routes that name one, and a draft
    of it when ``draft`` (starting one writes its course.yaml: only for routes that name it)."""
    from elearn.authoring.services import start_draft
    from elearn.courses.models import VersionStatus
    from elearn.courses.services import import_package
    from tests.content.helpers import load_once, valid_files

    with app.app_context():
        package = load_once(valid_files())
        version = import_package(package, organisation_id=organisation_id, by_id=None).version
        db.session.commit()
        media = next(file for file in version.files if file.path == "media/diagram.png")
        version.status = VersionStatus.PUBLISHED  # the version a draft starts from
        draft_id = start_draft(version.course, by_id=None).id if draft else 1
        db.session.commit()
        return {
            "draft_id": draft_id,
            "version_id": version.id,
            "course_id": version.course_id,
            "sha256": media.sha256,
            "name": "diagram.png",
        }


def _names_a_course(app, endpoint: str) -> bool:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    return bool(rule.arguments & {"version_id", "course_id", "sha256", "slug", "draft_id"})


def _url(app, endpoint: str, organisation_id: int, user_id: int, course=None) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {
        "organisation_id": organisation_id,
        "user_id": user_id,
        "token": "not-a-token",
        "code": "0000000000000000Z",
        "signatory_id": 1,
        "request_id": 1,
        "decision": "approve",
        "export_id": 1,
        "kid": "not-a-key",
        "token_id": 1,
        "dimension": "professions",
        "path_id": 1,  # none exists: 404 for administrators, refused for the others
        "assignment_id": 1,
        "session_id": 1,  # a delivered session (reach): none exists, "not found" for everyone
        "cohort_id": 1,
        "invitation_id": 1,
        "upload_id": 1,
        "secret": "not-a-secret",
        "announcement_id": 1,  # none exists: 404 for the course's editors, refused for others
        "quiz_id": "module-check",
        "question_id": "single-q",
        "module_id": "first",  # a module of the valid test package
        "lesson_id": "welcome",  # a lesson of the valid test package
        "resource_key": "no-such-resource",  # none exists: 404 for those allowed
        "language": "ro",
        "event_id": 1,  # none exists: 404 for those who may, refused for the others
    }
    if _names_a_course(app, endpoint):
        values.update(course or _course_values(app, organisation_id))
        quiz_route = endpoint == "courses.preview_quiz" or endpoint.startswith("quizzes.")
        values["key"] = "module-check" if quiz_route else "welcome"
        values.update(slug="test-course", attempt_id=1, number=1)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})


@pytest.mark.parametrize(("row", "method"), CASES)
def test_route_access(app, make, row, method):
    from tests.conftest import signed_in_client

    organisation_id = make.organisation()
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == row.endpoint)
    course = (
        _course_values(app, organisation_id, draft="draft_id" in rule.arguments)
        if _names_a_course(app, row.endpoint)
        else {}
    )
    token_route = access_of(app.view_functions[row.endpoint]).kind == "token"
    names_a_person = "user_id" in rule.arguments
    target = make.user(organisation_id=organisation_id)
    for column, allowed in zip(COLUMNS, row.allowed, strict=True):
        who = column.value if column else "anonymous"
        if names_a_person and column is not None:
            # A person of their own for each column: what one column's allowed request did
            # to its person (a membership ended) does not change the next column's answer.
            target = make.user(organisation_id=organisation_id)
        url = _url(app, row.endpoint, organisation_id, target.id, course)
        if column is None:
            client = app.test_client()
        else:
            # Exactly that role; the manager belongs to the organisation the URL names.
            roles = (Role.LEARNER,) if column == Role.LEARNER else (Role.LEARNER, column)
            person = make.user(roles=roles, organisation_id=organisation_id)
            client = signed_in_client(app, person)
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        response.close()  # a streamed export ends here, before the next person's request
        status = response.status_code
        signing_in = status == 302 and response.headers["Location"].startswith("/sign-in")
        if token_route:
            # The API ignores the session cookie: everyone without a token is refused alike.
            assert status == 401, (who, url, status)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), (who, url)
            assert response.is_json and "csrf" not in response.get_data(as_text=True).lower()
        elif allowed:
            assert status != 403 and not signing_in, (who, url, status)
            assert status < 500, (who, url, status)
        elif column is None:
            assert signing_in, (who, url, status)
        else:
            assert status == 403, (who, url, status)


TOKEN_CASES = [
    pytest.param(row, role, id=f"{row.endpoint}-{role.value}-token")
    for row in ROWS
    if row.endpoint.startswith("api.") and not all(row.allowed)
    for role in (Role.MANAGER, Role.ADMIN)
]


@pytest.mark.parametrize(("row", "role"), TOKEN_CASES)
def test_token_routes_let_in_a_managers_and_an_administrators_token(app, make, row, role):
    """The other side of the ✗ above: a token of either role opens every API route."""
    from tests.api.conftest import token_for

    organisation_id = make.organisation()
    owner = make.user(roles=(Role.LEARNER, role), organisation_id=organisation_id)
    secret = token_for(app, owner, [organisation_id])
    target = make.user(organisation_id=organisation_id)
    url = _url(app, row.endpoint, organisation_id, target.id)
    response = app.test_client().get(url, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, (url, response.get_data(as_text=True))


def test_a_manager_cannot_see_the_people_of_another_organisation(client, make, as_role):
    own = make.organisation(name="Inspectoratul de Poliție Județean Bihor", kind="police")
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", kind="school", county="CJ")
    make.user(full_name="Ilona Szabó", organisation_id=other)
    as_role(Role.MANAGER, organisation_id=own)
    response = client.get(f"/organisations/{other}/people")
    assert response.status_code == 403
    assert "Ilona Szabó" not in response.get_data(as_text=True)


def test_a_manager_sees_only_their_own_organisations_people(client, make, as_role):
    own = make.organisation(name="DGASPC Bihor", kind="social_assistance")
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", kind="school", county="CJ")
    make.user(full_name="Ilona Szabó", organisation_id=other)
    make.user(full_name="Mihai Pop", organisation_id=own)
    make.user(full_name="Fără Organizație")
    as_role(Role.MANAGER, organisation_id=own)
    html = client.get(f"/organisations/{own}/people").get_data(as_text=True)
    assert "Mihai Pop" in html
    assert "Ilona Szabó" not in html
    assert "Fără Organizație" not in html


def test_a_manager_without_an_organisation_sees_no_organisation_link(client, as_role):
    as_role(Role.MANAGER)
    html = client.get("/").get_data(as_text=True)
    assert "/organisations/" not in html
