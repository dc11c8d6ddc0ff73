"""The API's errors: JSON bodies, in English (docs/api.md), never an HTML page.

Every error is ``{"error": code, "message": text}``, with ``parameters`` naming each query
parameter that was refused and why. Refused tokens carry ``WWW-Authenticate: Bearer`` as
RFC 6750 asks.
"""

from __future__ import annotations

from flask import abort, jsonify
from werkzeug.exceptions import HTTPException

# Error codes for the statuses the API answers with, and what each means.
CODES = {
    400: "invalid_parameter",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "too_many_requests",
    500: "server_error",
}
REALM = 'Bearer realm="elearn"'


def problem(status: int, message: str, *, code: str | None = None, **extra):
    response = jsonify(error=code or CODES.get(status, "error"), message=message, **extra)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def refuse(status: int, message: str, **extra):
    """Stop the request with a JSON error."""
    abort(problem(status, message, **extra))


def refuse_token(status: int, error: str | None, message: str):
    """401 or 403 for a token that cannot be used, with the Bearer challenge."""
    response = problem(status, message, code=error or CODES[status])
    challenge = REALM
    if error:
        challenge += f', error="{error}", error_description="{message}"'
    response.headers["WWW-Authenticate"] = challenge
    abort(response)


def handle_http_error(error: HTTPException):
    """Errors raised inside the API (429 from the rate limit, 404, 405...) as JSON."""
    if error.code == 401:
        response = problem(401, "Send a personal access token: Authorization: Bearer ...")
        response.headers["WWW-Authenticate"] = REALM
        return response
    response = problem(error.code or 500, error.description or "")
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429:
        response = problem(429, "Too many requests with this token; wait and try again.")
    return response
