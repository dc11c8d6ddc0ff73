"""Administrators search and filter the audit log; nobody can change it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from elearn.access import roles_required
from elearn.accounts.models import Role, User
from elearn.accounts.services import user_by_email
from elearn.audit.forms import AuditFilterForm
from elearn.audit.services import ACTIONS, email_fingerprint, events_query
from elearn.extensions import db
from elearn.organisations.models import Organisation

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50


def _names(events) -> tuple[dict[int, User], dict[int, Organisation]]:
    """The people and organisations a page of events mentions, in two queries."""
    user_ids = {e.actor_id for e in events if e.actor_id} | {
        e.target_id for e in events if e.target_type == "user" and e.target_id
    }
    organisation_ids = {e.target_id for e in events if e.target_type == "organisation"} | {
        e.details.get("organisation_id") for e in events if e.details.get("organisation_id")
    }
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))).all() if user_ids else []
    organisations = (
        db.session.scalars(select(Organisation).where(Organisation.id.in_(organisation_ids))).all()
        if organisation_ids
        else []
    )
    return {u.id: u for u in users}, {o.id: o for o in organisations}


@bp.get("/")
@roles_required(Role.ADMIN)
def list_events():
    form = AuditFilterForm(request.args)
    valid = form.validate()
    filters = {}
    if valid:
        if form.action.data:
            filters["action"] = form.action.data
        if form.person.data:
            person = user_by_email(form.person.data)
            if person is not None:
                filters["person_id"] = person.id
            else:
                # Failed sign-ins with an address that has no account keep only its hash.
                filters["email_hash"] = email_fingerprint(form.person.data)
        # Dates are read in the time zone the log is shown in.
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        if form.since.data:
            filters["since"] = datetime.combine(form.since.data, time.min, tzinfo=zone)
        if form.until.data:
            end = form.until.data + timedelta(days=1)
            filters["until"] = datetime.combine(end, time.min, tzinfo=zone)
    page = db.paginate(events_query(**filters), per_page=PER_PAGE, error_out=False)
    users, organisations = _names(page.items)
    return render_template(
        "audit/list.html",
        form=form,
        page=page,
        users=users,
        organisations=organisations,
        actions=ACTIONS,
    )
