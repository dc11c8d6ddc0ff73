"""Event pages: the public list and each event's page with its calendar file, registering
and giving up a place, one's own events, and the organisers' pages (list, new, edit, publish,
cancel)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from elearn.access import confirmed_email_required, public, roles_required, signed_in
from elearn.accounts.models import Role
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.events import bp, calendar, notify, services
from elearn.events.choices import AUDIENCES, EVENT_LANGUAGES, KINDS
from elearn.events.forms import ButtonForm, EventFilterForm, EventForm
from elearn.events.models import Event, RegistrationStatus
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.organisations.models import Organisation
from elearn.organisations.services import organisation_choices
from elearn.reference import COUNTIES

PER_PAGE = 20
ORGANISERS = services.ORGANISER_ROLES


def _visible_or_404(event_id: int) -> Event:
    """A published or cancelled event for everyone; a draft for its organisers only."""
    event = db.session.get(Event, event_id) or abort(404)
    if event.published_at is None and not (
        current_user.is_authenticated and services.may_organise(current_user, event)
    ):
        abort(404)
    return event


def _organised_or_403(event_id: int) -> Event:
    event = db.session.get(Event, event_id) or abort(404)
    if not services.may_organise(current_user, event):
        abort(403)
    return event


def _to_event(event: Event):
    return redirect(url_for("events.show_event", event_id=event.id), code=303)


@bp.get("/")
@public
def list_events():
    filters = EventFilterForm(request.args)
    query = services.upcoming_query(
        county=filters.value("county", COUNTIES),
        kind=filters.value("kind", KINDS),
        language=filters.value("language", EVENT_LANGUAGES),
    )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template(
        "events/list.html",
        filters=filters,
        page=page,
        counts=services.counts([event.id for event in page.items]),
        kinds=KINDS,
    )


@bp.get("/<int:event_id>")
@public
def show_event(event_id: int):
    event = _visible_or_404(event_id)
    registration = None
    if current_user.is_authenticated:
        registration = services.registration_of(event.id, current_user.id)
    organiser = current_user.is_authenticated and services.may_organise(current_user, event)
    return render_template(
        "events/event.html",
        event=event,
        state=services.state(event),
        registration=registration,
        has_place=registration is not None and registration.status == RegistrationStatus.REGISTERED,
        organiser=organiser,
        taken_waiting=services.counts([event.id])[event.id],
        organisation=db.session.get(Organisation, event.organisation_id)
        if event.organisation_id
        else None,
        form=ButtonForm(),
        kinds=KINDS,
        audiences=AUDIENCES,
        languages=EVENT_LANGUAGES,
    )


@bp.get("/<int:event_id>/calendar.ics")
@public
def download_calendar(event_id: int):
    """The event's .ics; with the online link only for a person who has a place."""
    event = _visible_or_404(event_id)
    registration = (
        services.registration_of(event.id, current_user.id)
        if current_user.is_authenticated
        else None
    )
    has_place = registration is not None and registration.status == RegistrationStatus.REGISTERED
    body = calendar.event_calendar(event, with_online_link=has_place)
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{calendar.filename(event)}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.post("/<int:event_id>/register")
@signed_in
@confirmed_email_required
def register(event_id: int):
    event = _visible_or_404(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        registration = services.register(event, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_event(event)
    except IntegrityError:
        # The same person's second request at the same moment: the first one got the place.
        db.session.rollback()
        flash(_("You are already registered for this event."), "error")
        return _to_event(event)
    notify.send_confirmation(registration)
    if registration.status == RegistrationStatus.WAITING:
        flash(_("The event is full: you are on the waiting list."), "info")
    else:
        flash(_("Your place is booked. We have emailed you the calendar file."), "success")
    return _to_event(event)


@bp.post("/<int:event_id>/cancel-registration")
@signed_in
def cancel_registration(event_id: int):
    event = _visible_or_404(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        promoted = services.cancel_registration(event, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_event(event)
    db.session.commit()
    notify.send_promotions(promoted)
    flash(_("Your registration has been cancelled."), "success")
    return _to_event(event)


@bp.get("/mine")
@signed_in
def my_events():
    rows = services.my_registrations(current_user.id)
    now = utcnow()
    return render_template(
        "events/mine.html",
        upcoming=[(r, e) for r, e in rows if e.ends_at > now and e.cancelled_at is None],
        cancelled=[(r, e) for r, e in rows if e.ends_at > now and e.cancelled_at is not None],
        past=[
            (r, e)
            for r, e in rows
            if e.ends_at <= now and r.status == RegistrationStatus.REGISTERED
        ],
        kinds=KINDS,
    )


@bp.get("/manage")
@roles_required(*ORGANISERS)
def manage_list():
    page = db.paginate(services.organised_query(current_user), per_page=PER_PAGE, error_out=False)
    return render_template(
        "events/manage.html",
        page=page,
        counts=services.counts([event.id for event in page.items]),
        state=services.state,
        kinds=KINDS,
    )


def _details(form: EventForm) -> services.EventDetails:
    return services.EventDetails(
        kind=form.kind.data,
        title=form.title.data,
        description=form.description.data or "",
        starts_at=services.from_local(form.starts_at.data),
        ends_at=services.from_local(form.ends_at.data),
        county=form.county.data,
        locality=form.locality.data,
        venue=form.venue.data,
        online_url=form.online_url.data,
        audience=form.audience.data,
        professions=list(form.professions.data or []),
        languages=list(form.languages.data or []),
        capacity=form.capacity.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def create_event():
    form = EventForm()
    if current_user.has_role(Role.ADMIN):
        form.organisation_id.choices = organisation_choices()
    elif current_user.confirmed_organisation_id is None:
        flash(_("You need a confirmed organisation to publish events."), "error")
        return redirect(url_for("events.manage_list"))
    else:
        del form.organisation_id
    if form.validate_on_submit():
        organisation_id = (
            form.organisation_id.data
            if "organisation_id" in form
            else current_user.confirmed_organisation_id
        )
        try:
            event = services.create_event(
                _details(form), organisation_id=organisation_id, by=current_user
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The event has been saved as a draft."), "success")
            return _to_event(event)
    return render_template("events/edit.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_event(event_id: int):
    event = _organised_or_403(event_id)
    form = EventForm()
    del form.organisation_id
    if request.method == "GET":
        values = {name: getattr(event, name) for name in form.data if hasattr(event, name)}
        values.update(
            starts_at=services.to_local(event.starts_at), ends_at=services.to_local(event.ends_at)
        )
        form.process(**values)  # an obj would win over the local times
    if form.validate_on_submit():
        try:
            promoted = services.update_event(event, _details(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            notify.send_promotions(promoted)
            flash(_("The changes have been saved."), "success")
            return _to_event(event)
    return render_template("events/edit.html", form=form, event=event)


def _organiser_action(event_id: int, act):
    """An organiser's button on an event: (the event, what ``act(event)`` returned), committed;
    or the event page again with the refusal when the service raised DomainError."""
    event = _organised_or_403(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        result = act(event)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return event, None, _to_event(event)
    db.session.commit()
    return event, result, None


@bp.post("/<int:event_id>/publish")
@roles_required(*ORGANISERS)
def publish_event(event_id: int):
    event, _result, refused = _organiser_action(event_id, services.publish_event)
    if refused:
        return refused
    flash(_("The event is published."), "success")
    return _to_event(event)


@bp.post("/<int:event_id>/delete")
@roles_required(*ORGANISERS)
def delete_event(event_id: int):
    _event, _result, refused = _organiser_action(
        event_id, lambda event: services.delete_draft(event, by_id=current_user.id)
    )
    if refused:
        return refused
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("events.manage_list"), code=303)


@bp.post("/<int:event_id>/cancel")
@roles_required(*ORGANISERS)
def cancel_event(event_id: int):
    event, told, refused = _organiser_action(event_id, services.cancel_event)
    if refused:
        return refused
    notify.send_cancellations(event, told)
    flash(_("The event is cancelled. The people registered are told by email."), "success")
    return _to_event(event)
