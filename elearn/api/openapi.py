"""The API described in OpenAPI 3.1, kept beside the code it describes and served at
/api/v1/openapi.json. A test checks it against the OpenAPI specification and checks real
answers against its response schemas (tests/api/test_openapi.py)."""

from __future__ import annotations

from elearn.reference import COUNTIES, PROFESSIONS

VERSION = "1.0.0"
DIMENSIONS = ("organisations", "professions", "counties", "months")


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


COUNT = {"type": "integer", "minimum": 0}
RATE = _nullable(
    "number", minimum=0, maximum=1, description="Completed ÷ enrolled; null with nobody enrolled."
)
ASSIGNMENTS = {
    "assigned": {**COUNT, "description": "People with the course assigned (one row each)."},
    "met_on_time": {**COUNT, "description": "Met on or before the due date."},
    "met_late": {**COUNT, "description": "Met after the due date."},
    "overdue": {**COUNT, "description": "Not met; the due date has passed."},
    "due_soon": {**COUNT, "description": "Not met; due today or within 14 days."},
}
TITLE = {
    "type": "object",
    "description": "The course's title by language code (ro, en, hu).",
    "additionalProperties": {"type": "string"},
}

HEAD = {
    "organisation": _ref("Organisation"),
    "filters": _ref("Filters"),
    "computed_at": {"type": "string", "format": "date-time"},
    "today": {
        "type": "string",
        "format": "date",
        "description": "The day (where the platform is) certificates are judged valid on.",
    },
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {
            "error": {"type": "string", "description": "A code: invalid_parameter, ..."},
            "message": {"type": "string", "description": "In English."},
            "parameters": {
                "type": "object",
                "description": "Each refused query parameter, with why.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["error", "message"],
        "additionalProperties": False,
    },
    "Organisation": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "county": _nullable("string"),
            "parent_id": _nullable("integer"),
        }
    ),
    "OrganisationList": _object(
        {"organisations": {"type": "array", "items": _ref("Organisation")}}
    ),
    "Filters": _object(
        {
            "organisation": {"type": "integer", "description": "The organisation counted."},
            "course": _nullable("integer"),
            "profession": _nullable("string"),
            "county": _nullable("string"),
            "since": _nullable("string", format="date"),
            "until": _nullable("string", format="date"),
        },
        "The filters applied; null where none was chosen.",
    ),
    "CourseFigures": _object(
        {
            "course_id": {"type": "integer"},
            "title": TITLE,
            "enrolled": COUNT,
            "not_started": COUNT,
            "in_progress": COUNT,
            "completed": COUNT,
            "completion_rate": RATE,
            "valid_certificates": COUNT,
            "expiring_certificates": {**COUNT, "description": "Valid, expiring within 60 days."},
            "median_days_to_complete": _nullable("number"),
            "median_minutes_spent": _nullable("number"),
            "average_best_score": _nullable("number", minimum=0, maximum=100),
            **ASSIGNMENTS,
        }
    ),
    "Figures": _object(
        {
            **HEAD,
            "members": {**COUNT, "description": "People counted."},
            "courses": {"type": "array", "items": _ref("CourseFigures")},
        }
    ),
    "BreakdownRow": _object(
        {
            "key": {
                "type": ["integer", "string"],
                "description": "An organisation's id, a profession's or a county's code.",
            },
            "label": {"type": "string"},
            "enrolled": COUNT,
            "completed": COUNT,
            "completion_rate": RATE,
            **ASSIGNMENTS,
        }
    ),
    "MonthRow": _object(
        {
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
            "completed": COUNT,
        }
    ),
    "Breakdown": _object(
        {
            **HEAD,
            "dimension": {"type": "string", "enum": list(DIMENSIONS)},
            "rows": {
                "type": "array",
                "items": {"anyOf": [_ref("BreakdownRow"), _ref("MonthRow")]},
            },
        }
    ),
    "Person": _object(
        {
            "user_id": {"type": "integer"},
            "organisation_id": {"type": "integer"},
            "organisation_path": {"type": "string"},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "profession": {"type": "string"},
            "county": {"type": "string"},
            "course_id": {"type": "integer"},
            "course_title": TITLE,
            "version": _nullable("string", description="Null when not enrolled."),
            "enrolled_on": _nullable("string", format="date"),
            "status": {
                "type": "string",
                "enum": ["not_enrolled", "not_started", "in_progress", "completed"],
                "description": "not_enrolled: the course is assigned, never enrolled on.",
            },
            "lessons_completed": COUNT,
            "required_lessons": COUNT,
            "completed_on": _nullable("string", format="date"),
            "best_score": _nullable("number", minimum=0, maximum=100),
            "minutes_spent": COUNT,
            "certificate_code": _nullable("string"),
            "certificate_status": {
                "type": ["string", "null"],
                "enum": ["valid", "expired", "revoked", "superseded", None],
            },
            "certificate_expires_on": _nullable("string", format="date"),
            "due_on": _nullable(
                "string", format="date", description="The assignment's due date, if any."
            ),
            "assignment_status": {
                "type": ["string", "null"],
                "enum": ["met_on_time", "met_late", "overdue", "due_soon", "due_later", None],
            },
        }
    ),
    "PeoplePage": _object(
        {
            **HEAD,
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
            "total": {**COUNT, "description": "Rows on every page together."},
            "next": _nullable("string", description="The next page's address, or null."),
            "people": {"type": "array", "items": _ref("Person")},
        }
    ),
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


FILTER_PARAMETERS = [
    _query(
        "organisation",
        "Count only this organisation of the tree (with everything below it).",
        {"type": "integer"},
    ),
    _query("course", "Only this course (its id).", {"type": "integer"}),
    _query(
        "profession",
        "Only people of this profession.",
        {"type": "string", "enum": sorted(PROFESSIONS)},
    ),
    _query("county", "Only people of this county.", {"type": "string", "enum": sorted(COUNTIES)}),
    _query("since", "Enrolments made on or after this day.", {"type": "string", "format": "date"}),
    _query("until", "Enrolments made on or before this day.", {"type": "string", "format": "date"}),
]
ORGANISATION_ID = {
    "name": "organisation_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "401": {
        **_error(
            "No token, or one that is unknown, expired or revoked, or whose owner cannot sign in."
        ),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "403": _error("The token's owner no longer holds the manager or administrator role."),
    "429": _error("Too many requests with this token (API_RATE_LIMIT)."),
}


def _get(summary: str, schema: str, parameters: list, *, bad_input: bool = True) -> dict:
    responses = {
        "200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}},
        **ERRORS,
    }
    if bad_input:
        responses["400"] = _error("An unknown parameter or a refused value (each named).")
        responses["404"] = _error("An organisation outside the token's reach, or none.")
    return {"summary": summary, "parameters": parameters, "responses": responses}


def document() -> dict:
    """The OpenAPI 3.1 document of /api/v1."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "elearn read-only API",
            "version": VERSION,
            "description": (
                "Completion figures of an organisation and everything below it, as the "
                "dashboard shows them (docs/reporting.md defines each), for a manager's "
                "personal access token. docs/api.md explains tokens, limits and errors."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}],
        "paths": {
            "/organisations": {
                "get": _get(
                    "The organisations the token reaches", "OrganisationList", [], bad_input=False
                )
            },
            "/organisations/{organisation_id}/figures": {
                "get": _get("Figures by course", "Figures", [ORGANISATION_ID, *FILTER_PARAMETERS])
            },
            "/organisations/{organisation_id}/breakdowns/{dimension}": {
                "get": _get(
                    "Enrolled and completed by organisation, profession or county; completions "
                    "by month",
                    "Breakdown",
                    [
                        ORGANISATION_ID,
                        {
                            "name": "dimension",
                            "in": "path",
                            "required": True,
                            "schema": {
                                "type": "string",
                                "enum": list(DIMENSIONS),
                            },
                        },
                        *FILTER_PARAMETERS,
                    ],
                )
            },
            "/organisations/{organisation_id}/people": {
                "get": _get(
                    "The people counted, one row per enrolment, a page at a time",
                    "PeoplePage",
                    [
                        ORGANISATION_ID,
                        *FILTER_PARAMETERS,
                        _query("page", "From 1.", {"type": "integer", "minimum": 1}),
                        _query(
                            "per_page",
                            "Rows per page (100 unless asked).",
                            {"type": "integer", "minimum": 1, "maximum": 500},
                        ),
                    ],
                )
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token (elearn_pat_...), made on "
                    "/account/api-tokens.",
                }
            },
        },
    }
