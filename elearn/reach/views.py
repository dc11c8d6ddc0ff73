"""The reach ledger for the person who delivers sessions: their own reach, recording,
editing and correcting a session, and the page that shows its confirmation code."""

from __future__ import annotations

import segno
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import signed_in
from elearn.certificates.services import today
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.reach import bp, catalogue, confirmations, figures, services
from elearn.reach.choices import AGE_BANDS, AUDIENCES, SETTINGS
from elearn.reach.forms import session_form


def _own(session_id: int):
    session = services.own_session(current_user.id, session_id)
    if session is None:
        abort(404)
    return session


def _form(options, resources, data=None):
    form = session_form(resources, current_language(), data=data or _defaults(options))
    return form.setup(options, resources, current_language())


def _defaults(options) -> dict:
    only = options[0] if len(options) == 1 else None
    return {
        "delivered_on": today(),
        "county": current_user.county,
        "course_id": str(only.course_id) if only else None,
        "session_plan_key": only.plans[0][0] if only and only.plans else "",
    }


def _values(session) -> dict:
    """A record's values as the form's data."""
    data = services.input_of(session)
    values = {name: getattr(data, name) for name in data.__dataclass_fields__}
    values["course_id"] = str(data.course_id)
    values["age_band"] = data.age_band or ""
    values["session_plan_key"] = data.session_plan_key or ""
    values.update({f"material_{rid}": copies for rid, copies in data.materials.items()})
    return values


def _labels() -> dict:
    return {"settings": SETTINGS, "audiences": AUDIENCES, "age_bands": AGE_BANDS}


def _save(form, action):
    """Validate ``form`` and run ``action(data)``; the record, or None with errors shown."""
    if not form.validate_on_submit():
        return None
    try:
        return action(form.to_input())
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None


@bp.get("/")
@signed_in
def mine():
    """The person's own reach: totals, by audience, and their sessions a page at a time."""
    page = figures.sessions_page(current_user.id, request.args.get("page", 1, type=int))
    return render_template(
        "reach/mine.html",
        page=page,
        totals=figures.totals(current_user.id),
        by_audience=figures.by_audience(current_user.id),
        certified=bool(catalogue.course_options(current_user.id, today(), current_language())),
        editable=lambda session: services.is_editable(session, today()),
        **_labels(),
    )


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def record_session():
    options = catalogue.course_options(current_user.id, today(), current_language())
    if not options:
        return render_template("reach/no_certificate.html")
    resources = catalogue.approved_resources()
    form = _form(options, resources)
    session = _save(form, lambda data: services.record_session(current_user, data, options))
    if session is None:
        return render_template("reach/form.html", form=form, mode="new")
    db.session.commit()
    flash(_("The session is recorded."), "success")
    return redirect(url_for("reach.view_session", session_id=session.id))


@bp.get("/sessions/<int:session_id>")
@signed_in
def view_session(session_id: int):
    session = _own(session_id)
    return render_template(
        "reach/session.html",
        delivered=session,
        editable=services.is_editable(session, today()),
        editable_until=services.editable_until(session),
        state=confirmations.state(session),
        plan_title=_plan_title(session),
        course_title=catalogue.course_title(session.version_id, current_language()),
        materials=catalogue.material_titles(session.id, current_language()),
        **_labels(),
    )


def _options_for(session):
    options = catalogue.course_options(current_user.id, today(), current_language())
    return catalogue.options_for(session, options, current_language())


def _plan_title(session) -> str | None:
    """The title of the session plan used, in the reader's language (its key if unknown)."""
    if not session.session_plan_key:
        return None
    return catalogue.plan_title(session.version_id, session.session_plan_key, current_language())


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_session(session_id: int):
    session = _own(session_id)
    if not services.is_editable(session, today()):
        flash(_("This record can no longer be changed: record a correction."), "error")
        return redirect(url_for("reach.view_session", session_id=session.id))
    options = _options_for(session)
    form = _form(options, catalogue.approved_resources(), _values(session))
    if _save(form, lambda data: services.update_session(session, data, options) or session):
        db.session.commit()
        flash(_("The session is updated."), "success")
        return redirect(url_for("reach.view_session", session_id=session.id))
    return render_template("reach/form.html", form=form, mode="edit", delivered=session)


@bp.route("/sessions/<int:session_id>/correct", methods=["GET", "POST"])
@signed_in
def correct_session(session_id: int):
    session = _own(session_id)
    if session.replaced_by_id is not None or services.is_editable(session, today()):
        return redirect(url_for("reach.view_session", session_id=session.id))
    options = _options_for(session)
    form = _form(options, catalogue.approved_resources(), _values(session))
    action = lambda data: services.correct_session(current_user, session, data, options)  # noqa: E731
    correction = _save(form, action)
    if correction is None:
        return render_template("reach/form.html", form=form, mode="correct", delivered=session)
    db.session.commit()
    flash(_("The correction is recorded; it replaces the earlier record."), "success")
    return redirect(url_for("reach.view_session", session_id=correction.id))


def _absolute(path: str) -> str:
    """An address for phones in the room: under BASE_URL when it is set."""
    return (current_app.config.get("BASE_URL") or request.url_root.rstrip("/")) + path


@bp.get("/sessions/<int:session_id>/code")
@signed_in
def show_code(session_id: int):
    """Made to be projected or held up: the code, its QR code and the count confirmed."""
    session = _own(session_id)
    if not session.confirm_code or session.replaced_by_id is not None:
        abort(404)
    url = _absolute(url_for("reach.confirm_page", code=session.confirm_code))
    qr = segno.make(url, error="m").svg_inline(border=4, omitsize=True, title=_("QR code"))
    return render_template(
        "reach/code.html",
        delivered=session,
        enter_url=_absolute(url_for("reach.enter_code")),
        qr=qr,
        state=confirmations.state(session),
        **_labels(),
    )


@bp.get("/sessions/<int:session_id>/count")
@signed_in
def session_count(session_id: int):
    """The count confirmed, for the code page's optional polling script."""
    session = _own(session_id)
    return jsonify(confirmed=session.confirmed_count, declared=session.declared_count)
