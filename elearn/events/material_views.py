"""The event's materials page: how many copies of each library resource were handed out."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from elearn.access import roles_required
from elearn.errors import DomainError
from elearn.events import bp, materials
from elearn.events.attendance_views import ORGANISERS, organised_event
from elearn.extensions import db
from elearn.forms import Form, show_domain_error
from elearn.i18n import current_language
from elearn.resources.handed_out import copies_fields, with_copies_fields
from elearn.resources.library import approved_resources


@bp.route("/<int:event_id>/materials", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def event_materials(event_id: int):
    """An organiser records the copies of each approved material handed out at the event."""
    event = organised_event(event_id)
    resources = approved_resources()
    saved = {f"material_{rid}": copies for rid, copies in materials.handed_out(event).items()}
    form = with_copies_fields(Form, resources, current_language())(data=saved)
    fields = copies_fields(form, resources)
    if form.validate_on_submit():
        try:
            materials.set_handed_out(event, {r.id: f.data or 0 for r, f in fields})
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The materials handed out are saved."), "success")
            return redirect(url_for("events.event_materials", event_id=event.id))
    status = 400 if form.errors else 200
    return render_template("events/materials.html", event=event, form=form, fields=fields), status
