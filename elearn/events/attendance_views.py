"""Attendance on the day: the organisers' list to tick (a form without JavaScript, one tick at
a time in the background with it), the check-in code to show, and attendees checking
themselves in (docs/events-attendance.md)."""

from __future__ import annotations

import segno
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required, signed_in
from elearn.accounts.models import Role
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.events import attendance, bp
from elearn.events.attendance_forms import AttendanceForm, CheckInForm, HereForm, IssueForm
from elearn.events.models import Event
from elearn.extensions import db, limiter
from elearn.forms import show_domain_error
from elearn.links import external_url

ORGANISERS = (Role.TRAINER, Role.MANAGER, Role.ADMIN)
# Per person and per address: enough for a room checking in on one phone, not for guessing.
CHECK_IN_LIMIT = "10 per minute; 60 per hour"


def organised_event(event_id: int) -> Event:
    """The event, for one of its organisers: 404 when there is none, 403 for anyone else."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if not attendance.may_take_attendance(current_user, event):
        abort(403)
    return event


def _ids(values: list[str]) -> set[int] | None:
    try:
        return {int(value) for value in values}
    except ValueError:
        return None


def _list_page(event: Event, form: AttendanceForm, *, ticked: set[int] | None = None, status=200):
    search = request.args.get("q", "")[:100]
    return render_template(
        "events/attendance.html",
        event=event,
        form=form,
        search=search,
        attendees=attendance.attendees(event, search),
        counts=attendance.counts(event),
        ticked=ticked,
        started=utcnow() >= event.starts_at,
        issue_form=IssueForm(),
    ), status


@bp.get("/<int:event_id>/attendance")
@roles_required(*ORGANISERS)
def attendance_list(event_id: int):
    """Everyone registered, a box to tick each, and the count of people who came unregistered."""
    event = organised_event(event_id)
    return _list_page(event, AttendanceForm(data={"unregistered": event.unregistered_attendees}))


@bp.post("/<int:event_id>/attendance")
@roles_required(*ORGANISERS)
def save_attendance(event_id: int):
    """The list saved at once: the page without JavaScript (and its Save button with it)."""
    event = organised_event(event_id)
    form = AttendanceForm()
    shown, present = _ids(request.form.getlist("shown")), _ids(request.form.getlist("present"))
    if shown is None or present is None:
        form.form_errors.append(_("The list sent is not one this page made. Open it again."))
        return _list_page(event, form, status=400)
    if form.validate_on_submit():
        try:
            attendance.save_list(
                event,
                shown=shown,
                present=present,
                unregistered=form.unregistered.data,
                by_id=current_user.id,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Attendance saved."), "success")
            return redirect(url_for("events.attendance_list", event_id=event.id, **_search()))
    return _list_page(event, form, ticked=present, status=400)


def _search() -> dict:
    search = request.args.get("q", "").strip()
    return {"q": search} if search else {}


@bp.post("/<int:event_id>/attendance/mark")
@roles_required(*ORGANISERS)
def mark_attendance(event_id: int):
    """One tick, sent in the background as JSON: {"registration": id, "present": bool}. The
    same tick sent twice changes nothing; the last one sent wins."""
    event = organised_event(event_id)
    payload = request.get_json(silent=True)
    payload = payload if isinstance(payload, dict) else {}
    registration_id, present = payload.get("registration"), payload.get("present")
    if type(registration_id) is not int or type(present) is not bool:
        message = _("Send the registration's number and whether the person is present.")
        return jsonify(error=message), 400
    try:
        attendance.mark(event, registration_id, present, by_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), 404
    db.session.commit()
    counts = attendance.counts(event)
    return jsonify(
        registration=registration_id,
        present=present,
        counts={"present": counts.present, "registered": counts.registered},
    )


@bp.get("/<int:event_id>/check-in-code")
@roles_required(*ORGANISERS)
def show_checkin_code(event_id: int):
    """The code, big, and a QR code of the check-in address, to show on a screen or a phone."""
    event = organised_event(event_id)
    url = external_url("events.check_in", event_id=event.id, code=event.checkin_code)
    qr = segno.make(url, error="m").svg_inline(scale=6, border=4, omitsize=True)
    opens, closes = attendance.check_in_window(event)
    return render_template(
        "events/attendance_code.html", event=event, url=url, qr_svg=qr, opens=opens, closes=closes
    )


def _person_key() -> str:
    return f"check-in:{current_user.id}"


@bp.route("/check-in", methods=["GET", "POST"])
@signed_in
@limiter.limit(CHECK_IN_LIMIT, methods=["POST"])
@limiter.limit(CHECK_IN_LIMIT, key_func=_person_key, methods=["POST"])
def check_in_by_code():
    """Type the code shown at the event: present at once (on the day)."""
    form = CheckInForm()
    if form.validate_on_submit():
        event = attendance.event_by_checkin_code(form.code.data)
        if event is None:
            form.code.errors = [_("No event has this code. Check it against the one shown.")]
        else:
            return _check_in(event, form)
    return render_template("events/attendance_checkin.html", form=form), (
        400 if form.errors else 200
    )


@bp.route("/<int:event_id>/check-in/<code>", methods=["GET", "POST"])
@signed_in
@limiter.limit(CHECK_IN_LIMIT, methods=["POST"])
@limiter.limit(CHECK_IN_LIMIT, key_func=_person_key, methods=["POST"])
def check_in(event_id: int, code: str):
    """Where the QR code leads: the event and one button, "I am here"."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if not attendance.code_matches(event, code):
        form = CheckInForm(formdata=None)
        form.code.errors = [_("This code is not this event's. Type the code shown.")]
        return render_template("events/attendance_checkin.html", form=form), 404
    form = HereForm()
    if form.validate_on_submit():
        return _check_in(event, form)
    registration = attendance.registration_of(event, current_user)
    return render_template(
        "events/attendance_here.html", event=event, form=form, registration=registration
    )


def _check_in(event: Event, form):
    try:
        attendance.check_in(event, current_user)
    except DomainError as error:
        db.session.rollback()
        return render_template(
            "events/attendance_here.html", event=event, form=None, refusal=error.message
        ), 409
    db.session.commit()
    flash(_("You are marked present. Welcome!"), "success")
    return redirect(url_for("events.check_in", event_id=event.id, code=event.checkin_code))
