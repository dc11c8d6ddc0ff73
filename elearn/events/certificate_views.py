"""Certificates of attendance: the organisers issue and revoke them, the holder sees and
downloads theirs. Anyone checks one on the course certificates' public page (answered
through elearn/events/certificate_subscriptions.py)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required, signed_in
from elearn.errors import DomainError
from elearn.events import bp, certificate_pdf
from elearn.events import certificates as service
from elearn.events.attendance_forms import IssueForm, revoke_form
from elearn.events.attendance_views import ORGANISERS, organised_event
from elearn.extensions import db
from elearn.i18n import LANGUAGES


@bp.post("/<int:event_id>/certificates")
@roles_required(*ORGANISERS)
def issue_attendance_certificates(event_id: int):
    """One certificate to each person marked present who has none yet (pressing again issues
    only those marked since)."""
    event = organised_event(event_id)
    if not IssueForm().validate_on_submit():
        abort(400)
    try:
        issued = service.issue_certificates(event, by_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("events.attendance_list", event_id=event.id))
    db.session.commit()
    if issued:
        flash(_("Certificates of attendance issued: %(count)s.", count=issued), "success")
    else:
        flash(_("Everyone marked present already has a certificate of attendance."), "info")
    return redirect(url_for("events.attendance_certificates", event_id=event.id))


@bp.get("/<int:event_id>/certificates")
@roles_required(*ORGANISERS)
def attendance_certificates(event_id: int):
    """The event's certificates of attendance, each with its page and a way to revoke it."""
    event = organised_event(event_id)
    return render_template(
        "events/certificate_list.html",
        event=event,
        certificates=service.certificates_of_event(event),
        reasons=service.REVOCATION_REASONS,
        revoke_form=revoke_form,
    )


@bp.post("/certificates/<code>/revoke")
@roles_required(*ORGANISERS)
def revoke_attendance_certificate(code: str):
    """An organiser of the certificate's event revokes it, with a reason from the list."""
    certificate = service.by_code(code)
    if certificate is None:
        abort(404)
    event = organised_event(certificate.event_id)
    form = revoke_form(prefix=f"c{certificate.id}")
    if form.validate_on_submit():
        try:
            service.revoke(certificate, form.reason.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The certificate is revoked. Its page says so from now on."), "success")
    else:
        flash(_("Choose a reason from the list."), "error")
    return redirect(url_for("events.attendance_certificates", event_id=event.id))


@bp.get("/my-certificates")
@signed_in
def my_attendance_certificates():
    """The certificates of attendance of the signed-in person."""
    return render_template(
        "events/certificate_mine.html",
        certificates=service.certificates_of(current_user),
        status=service.status,
        kind_name=service.kind_name,
        language_names=LANGUAGES,
    )


@bp.get("/my-certificates/<code>.pdf")
@signed_in
def download_attendance_certificate(code: str):
    """The holder's PDF, in the language asked for, else their own."""
    certificate = service.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    if certificate.revoked_at is not None:
        flash(_("This certificate was revoked, so it cannot be downloaded."), "error")
        return redirect(url_for("events.my_attendance_certificates"))
    language = certificate_pdf.language_for(
        request.args.get("lang"), current_user.preferred_language
    )
    data = certificate_pdf.pdf_bytes(certificate, language)
    response = Response(data, mimetype="application/pdf")
    name = f"attendance-{certificate.code}-{language}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
