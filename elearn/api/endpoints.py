"""The read-only API's routes (/api/v1): the dashboard's figures, breakdowns and people as
JSON, for a personal access token, by the same definitions and filters as the dashboard
(through reporting's public functions). GET only; nothing here writes but the token's use.
"""

from __future__ import annotations

import logging

from flask import g, jsonify, request, url_for
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from elearn.access import public
from elearn.api import bp, documents, errors, openapi, services
from elearn.api.auth import api_limit, api_token
from elearn.api.openapi import DIMENSIONS
from elearn.certificates.services import today
from elearn.database import utcnow
from elearn.i18n import current_language
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting import figures, people_export
from elearn.reporting.forms import read_filters
from elearn.reporting.snapshots import kept_dashboard

log = logging.getLogger(__name__)

FILTERS = frozenset({"organisation", "course", "profession", "county", "since", "until"})
PAGING = frozenset({"page", "per_page"})
PER_PAGE, MAX_PER_PAGE = 100, 500

bp.register_error_handler(HTTPException, errors.handle_http_error)


@bp.after_request
def _no_store(response):
    """Figures about people are not kept by caches; every use goes to the log."""
    response.headers.setdefault("Cache-Control", "no-store")
    token = g.get("api_token")
    log.info(
        "api %s %s token=%s status=%s",
        request.method,
        request.path,
        token.id if token is not None else "-",
        response.status_code,
    )
    return response


@bp.get("/openapi.json")
@public
def openapi_document():
    """The API described in OpenAPI 3.1 (public: it holds no data)."""
    return jsonify(openapi.document())


@bp.get("/organisations")
@api_token
@api_limit
def list_organisations():
    """The organisations the token reaches today, each with everything below it."""
    _refuse_unknown(frozenset())
    nodes = services.reached_tree(g.api_roots)
    return jsonify(organisations=[documents.organisation(node.organisation) for node in nodes])


@bp.get("/organisations/<int:organisation_id>/figures")
@api_token
@api_limit
def course_figures(organisation_id: int):
    """The dashboard's table by course, and the number of people counted."""
    organisation, filters = _scope(organisation_id, FILTERS)
    day = today()
    report = _report(filters, day)
    return jsonify(
        **_head(organisation, filters, day, report.computed_at),
        members=report.members,
        courses=[documents.course(row) for row in report.courses],
    )


@bp.get("/organisations/<int:organisation_id>/breakdowns/<dimension>")
@api_token
@api_limit
def breakdown(organisation_id: int, dimension: str):
    """Enrolled and completed by sub-organisation, profession or county; completions by
    month."""
    organisation, filters = _scope(organisation_id, FILTERS)
    if dimension not in DIMENSIONS:
        errors.refuse(404, f"No breakdown {dimension!r}; there are: {', '.join(DIMENSIONS)}.")
    day = today()
    report = _report(filters, day)
    if dimension == "months":
        rows = [documents.month(*pair) for pair in report.by_month]
    else:
        found = {
            "organisations": report.by_organisation,
            "professions": report.by_profession,
            "counties": report.by_county,
        }[dimension]
        rows = [documents.breakdown(row) for row in found]
    return jsonify(
        **_head(organisation, filters, day, report.computed_at), dimension=dimension, rows=rows
    )


def _report(filters, day) -> figures.Dashboard:
    """The dashboard's own figures: the same statement, and the same few minutes' copy the
    page shows (REPORTING_CACHE_SECONDS), labelled in the language asked for."""
    labels = {"profession": PROFESSIONS, "county": COUNTIES}
    return kept_dashboard(filters, day, current_language(), labels)


@bp.get("/organisations/<int:organisation_id>/people")
@api_token
@api_limit
def people(organisation_id: int):
    """The people export's rows (one per enrolment of the people counted, and one per course
    assigned to one of them who never enrolled on it), a page at a time."""
    organisation, filters = _scope(organisation_id, FILTERS | PAGING)
    page = _whole_number("page", 1, maximum=10**6)
    per_page = _whole_number("per_page", PER_PAGE, maximum=MAX_PER_PAGE)
    day = today()
    total = people_export.people_count(filters, day)
    records = people_export.people_records(
        filters, day, offset=(page - 1) * per_page, limit=per_page
    )
    paths = people_export.organisation_paths(filters.organisation_id)
    more = page * per_page < total
    return jsonify(
        **_head(organisation, filters, day, utcnow()),
        page=page,
        per_page=per_page,
        total=total,
        next=url_for(
            "api.people",
            organisation_id=organisation.id,
            page=page + 1,
            per_page=per_page,
            **filters.query_args(),
        )
        if more
        else None,
        people=[documents.person(record, paths) for record in records],
    )


def _refuse_unknown(allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        errors.refuse(
            400,
            f"Unknown parameter: {', '.join(unknown)}.",
            parameters={name: ["Unknown parameter."] for name in unknown},
        )


def _scope(organisation_id: int, allowed: frozenset[str]):
    """(organisation, Filters): 404 outside the token's reach, 400 naming each unknown
    parameter or refused filter value (the dashboard's own checks, in English)."""
    organisation = services.reached(g.api_roots, organisation_id)
    if organisation is None:
        errors.refuse(404, "No organisation with this id is within the token's reach.")
    _refuse_unknown(allowed)
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k in FILTERS])
    with force_locale("en"):
        form, filters = read_filters(args, organisation.id)
        if filters is None:
            refused = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            errors.refuse(400, f"Refused: {', '.join(sorted(refused))}.", parameters=refused)
    return organisation, filters


def _whole_number(name: str, default: int, *, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        message = f"A whole number from 1 to {maximum}."
        errors.refuse(400, f"Refused: {name}.", parameters={name: [message]})
    return int(raw)


def _head(organisation, filters, day, computed_at) -> dict:
    return {
        "organisation": documents.organisation(organisation),
        "filters": documents.filters(filters),
        "computed_at": computed_at.isoformat(),
        "today": day.isoformat(),
    }
