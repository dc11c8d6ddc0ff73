"""The home page, the health check, the accessibility statement and the language switcher."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from elearn.access import public
from elearn.accounts.models import Role
from elearn.core import setup_check
from elearn.core.forms import LanguageForm
from elearn.extensions import db, limiter
from elearn.security import is_safe_redirect

bp = Blueprint("core", __name__)

# Update when the accessibility statement is reviewed.
STATEMENT_PREPARED_ON = date(2026, 11, 29)


@bp.get("/")
@public
def home():
    """The welcome page; an administrator also sees what is left to set up, until it is done."""
    setup = None
    if current_user.is_authenticated and current_user.has_role(Role.ADMIN):
        setup = setup_check.open_items()
    return render_template("core/home.html", setup=setup)


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    """Answer 200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/ping")
@public
@limiter.exempt
def ping():
    """Answer at once and touch nothing: the floor a load balancer or the benchmark measures
    every other page against (see docs/performance.md)."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("core/accessibility.html", prepared_on=STATEMENT_PREPARED_ON)


@bp.post("/language")
@public
def set_language():
    """Switch the interface language; for a signed-in person it becomes their preference."""
    form = LanguageForm()
    target = request.form.get("next", "")
    if not is_safe_redirect(target):
        target = url_for("core.home")
    if not form.validate():
        flash(_("This language is not available. Choose Română, English or Magyar."), "error")
        return redirect(target, code=303)
    if current_user.is_authenticated:
        current_user.preferred_language = form.language.data
        db.session.commit()
    session["language"] = form.language.data
    return redirect(target, code=303)
