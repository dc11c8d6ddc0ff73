"""The public pages where the people present at a session confirm it from their own phone,
without an account and without a name (docs/reach.md)."""

from __future__ import annotations

import re

from flask import (
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from elearn.access import public
from elearn.extensions import db, limiter
from elearn.reach import bp, confirmations
from elearn.reach.choices import AGE_BANDS, AUDIENCES, SETTINGS
from elearn.reach.confirmations import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, Outcome
from elearn.reach.forms import CodeForm, ConfirmForm
from elearn.reach.services import normalise_code

_DEVICE_VALUE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

# A whole class confirms from one school network: each phone opens the page, presses the
# button and is sent back to it, three requests; two classes in the same minute still pass.
# Per code, generous for a large hall, far too few to matter for guessing (codes are
# 6 billion, and open for two days at most).
DEFAULT_LIMIT_PER_ADDRESS = "200 per minute; 2000 per hour"
DEFAULT_LIMIT_PER_CODE = "300 per hour"


def _limit_per_address() -> str:
    return current_app.config.get("REACH_CONFIRM_LIMIT_PER_ADDRESS", DEFAULT_LIMIT_PER_ADDRESS)


def _limit_per_code() -> str:
    return current_app.config.get("REACH_CONFIRM_LIMIT_PER_CODE", DEFAULT_LIMIT_PER_CODE)


def _code_key() -> str:
    return "reach-code:" + (normalise_code((request.view_args or {}).get("code")) or "unknown")


def _device_value() -> str | None:
    value = request.cookies.get(DEVICE_COOKIE)
    return value if value and _DEVICE_VALUE.match(value) else None


def _with_device(response: Response, value: str) -> Response:
    """Keep the phone's random value while a code can be open (DEVICE_COOKIE_DAYS):
    HttpOnly, SameSite=Lax, Secure as the platform's session cookie is."""
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        path=url_for("reach.enter_code"),
    )
    return response


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _labels() -> dict:
    return {"settings": SETTINGS, "audiences": AUDIENCES, "age_bands": AGE_BANDS}


@bp.get("/c")
@public
@limiter.limit(_limit_per_address)
def enter_code():
    """Type the code shown at the session (or arrive with ?code=)."""
    form = CodeForm(request.args)
    if request.args and form.validate():
        code = normalise_code(form.code.data)
        if code:
            return redirect(url_for("reach.confirm_page", code=code))
        form.code.errors = [_("This is not a session code: it has seven letters and digits.")]
    return _noindex(make_response(render_template("reach/enter_code.html", form=form)))


@bp.get("/c/<code>")
@public
@limiter.limit(_limit_per_address)
def confirm_page(code: str):
    """What the person is confirming (the day, the place, the audience; never who led it),
    and one button."""
    normal = normalise_code(code)
    if normal and normal != code:
        return redirect(url_for("reach.confirm_page", code=normal))
    session = confirmations.by_code(normal) if normal else None
    if session is None:
        page = render_template("reach/enter_code.html", form=CodeForm(formdata=None), unknown=True)
        return _noindex(make_response(page, 404))
    device = _device_value()
    page = render_template(
        "reach/confirm.html",
        delivered=session,
        form=ConfirmForm(),
        state=confirmations.state(session),
        counted=confirmations.already_confirmed(session, device),
        **_labels(),
    )
    response = _noindex(make_response(page))
    return _with_device(response, device or confirmations.new_device_value())


@bp.post("/c/<code>")
@public
@limiter.limit(_limit_per_address)
@limiter.limit(_limit_per_code, key_func=_code_key)
def confirm_presence(code: str):
    normal = normalise_code(code)
    session = confirmations.by_code(normal) if normal else None
    if session is None:
        page = render_template("reach/enter_code.html", form=CodeForm(formdata=None), unknown=True)
        return _noindex(make_response(page, 404))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("reach.confirm_page", code=normal))
    device = _device_value() or confirmations.new_device_value()
    outcome = confirmations.confirm(session, device)
    db.session.commit()
    messages = {
        Outcome.COUNTED: (_("Thank you: your presence is counted."), "success"),
        Outcome.ALREADY: (
            _("This phone has already confirmed this session: it is counted once."),
            "info",
        ),
        Outcome.FULL: (
            _(
                "Everyone the session was recorded for has confirmed already. If more people "
                "came, the person who led it can update the number."
            ),
            "info",
        ),
        Outcome.NOT_YET: (_("Confirmations open on the day of the session."), "error"),
        Outcome.CLOSED: (_("Confirmations for this session are closed."), "error"),
    }
    message, category = messages[outcome]
    flash(message, category)
    response = redirect(url_for("reach.confirm_page", code=normal), code=303)
    return _with_device(response, device)
