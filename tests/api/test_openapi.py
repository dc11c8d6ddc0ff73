"""The OpenAPI 3.1 document: valid by the specification's own schema, served as kept in the
code, and true: real answers of every route, good and bad, match the schemas it gives."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from elearn.api.openapi import document
from tests.api.conftest import bearer, token_for
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.reporting.conftest import county  # noqa: F401 - the county tree

BASE = "urn:elearn:openapi"


def test_the_document_is_valid_openapi_3_1():
    spec = document()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_the_served_document_is_the_one_in_the_code(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json() == document()


def _check(spec: dict, template: str, status: int, body) -> None:
    """Validate ``body`` against the schema the document gives for ``template`` and status."""
    operation = spec["paths"][template]["get"]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    registry = Registry().with_resource(
        BASE, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    pointer = schema["$ref"].removeprefix("#")
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(body)


def test_every_answer_matches_its_documented_schema(app, make, county):  # noqa: F811
    from elearn.accounts.models import Role

    spec = document()
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=county["isj"])
    secret = token_for(app, manager, [county["isj"]])
    client = app.test_client()
    base = f"/api/v1/organisations/{county['isj']}"
    answers = [
        ("/organisations", "/api/v1/organisations", 200),
        ("/organisations/{organisation_id}/figures", f"{base}/figures", 200),
        ("/organisations/{organisation_id}/figures", f"{base}/figures?since=2026-01-01", 200),
        ("/organisations/{organisation_id}/figures", f"{base}/figures?until=someday", 400),
        ("/organisations/{organisation_id}/figures", "/api/v1/organisations/999999/figures", 404),
        ("/organisations/{organisation_id}/people", f"{base}/people?per_page=2", 200),
        ("/organisations/{organisation_id}/people", f"{base}/people?page=-1", 400),
    ]
    for dimension in ("organisations", "professions", "counties", "months"):
        answers.append(
            (
                "/organisations/{organisation_id}/breakdowns/{dimension}",
                f"{base}/breakdowns/{dimension}",
                200,
            )
        )
    for template, url, status in answers:
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == status, (url, response.get_json())
        _check(spec, template, status, response.get_json())
    refused = client.get(f"{base}/figures", headers=bearer("elearn_pat_wrong"))
    assert refused.status_code == 401
    _check(spec, "/organisations/{organisation_id}/figures", 401, refused.get_json())


@pytest.mark.parametrize(
    ("name", "bad"),
    [("CourseFigures", {"course_id": "1"}), ("Person", {"status": "halfway"})],
)
def test_the_schemas_are_strict_enough_to_catch_a_wrong_answer(name, bad):
    spec = document()
    schema = spec["components"]["schemas"][name]
    assert schema["additionalProperties"] is False
    errors = list(Draft202012Validator(schema).iter_errors(bad))
    assert errors  # missing fields and a wrong type or value are caught
