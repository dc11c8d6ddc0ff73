"""Error pages in the reader's language: never a bare stack trace, never a blank page."""

from __future__ import annotations

import logging

from flask import jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from elearn.extensions import db

log = logging.getLogger(__name__)

# Title and explanation for each status we answer with a page of our own.
MESSAGES = {
    400: (
        _l("Something in the request was not right"),
        _l("Go back, check what you entered and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l(
            "Your account does not have the role this page needs. If you think it should, "
            "ask an administrator of the platform."
        ),
    ),
    404: (
        _l("Page not found"),
        _l("Check the address, or start again from the home page."),
    ),
    405: (
        _l("This action is not allowed here"),
        _l("Go back to the previous page and use its buttons."),
    ),
    413: (
        _l("What you sent is too large"),
        _l("Send a smaller file or less text, then try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your security, please wait a few minutes before you try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "Nothing you did caused this. Try again in a few minutes; if it keeps happening, "
            "tell the platform's administrators."
        ),
    ),
}

CSRF_MESSAGE = (
    _l("This form could not be accepted"),
    _l(
        "It may have been open for too long, or your session ended. Go back, reload the "
        "page and submit the form again."
    ),
)

NUL_MESSAGE = (
    _l("The request held a character that cannot be saved"),
    _l(
        "Something you entered, or the address, contains an invisible control character "
        "(NUL). Type the text again instead of pasting it, then try again."
    ),
)


class NulCharacter(BadRequest):
    """A request carrying a NUL character, which no database column can hold."""


def _render(code: int, title, message):
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http_error(error: HTTPException):
    if error.code not in MESSAGES:
        return error
    if request.path.startswith("/healthz"):
        return error
    if request.path.startswith("/api/"):
        # Outside the API's own routes (an unknown address, a wrong method): JSON as well,
        # in the API's shape (elearn/api/errors.py).
        response = jsonify(error=error.name.lower().replace(" ", "_"), message=error.description)
        response.status_code = error.code
    else:
        title, message = MESSAGES[error.code]
        response = make_response(_render(error.code, title, message))
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_csrf_error(error: CSRFError):
    return _render(400, *CSRF_MESSAGE)


def handle_nul_character(error: NulCharacter):
    return _render(400, *NUL_MESSAGE)


def handle_server_error(error: InternalServerError):
    db.session.rollback()
    title, message = MESSAGES[500]
    return _render(500, title, message)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(NulCharacter, handle_nul_character)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
