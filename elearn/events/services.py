"""Events: publishing, changing and cancelling them, and registering with a waiting list.

Services flush and never commit, and raise DomainError with a message for the person.
Registering, cancelling a place, changing the capacity and cancelling the event first lock the
event's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite writes one transaction at a time), so
that two people taking the last place at the same moment cannot both get it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from sqlalchemy import String, case, cast, func, select

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.events.models import Event, EventRegistration, RegistrationStatus
from elearn.extensions import db
from elearn.html import clean_html
from elearn.organisations import tree

# Check-in codes are read aloud and typed on phones: no 0/O, 1/I/L or U.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECKIN_LENGTH = 8
ORGANISER_ROLES = (Role.TRAINER, Role.MANAGER, Role.ADMIN)
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass
class EventDetails:
    """What an organiser enters; times are UTC and aware."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    audience: str
    languages: list[str]
    description: str = ""
    county: str | None = None
    locality: str | None = None
    venue: str | None = None
    online_url: str | None = None
    professions: list[str] = field(default_factory=list)
    capacity: int | None = None


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def from_local(moment: datetime) -> datetime:
    """A wall-clock time where the platform is (as typed in a form) as an aware UTC time."""
    return moment.replace(tzinfo=local_zone()).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """A stored UTC time as the naive wall-clock time a form shows."""
    return moment.astimezone(local_zone()).replace(tzinfo=None)


def render_description(markdown: str) -> str:
    """The description's Markdown as safe HTML, once, at save (raw HTML off, then sanitised
    by the platform's one sanitiser). Headings sit below the page's own title."""
    tokens = _MARKDOWN.parse(markdown or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return clean_html(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))


def new_checkin_code() -> str:
    """A short code, unique among events, in an alphabet without look-alike symbols."""
    while True:
        code = "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_LENGTH))
        if db.session.scalar(select(Event.id).where(Event.checkin_code == code)) is None:
            return code


def may_organise(user, event: Event) -> bool:
    """Administrators organise every event; trainers and managers, the events of their
    confirmed organisation and of the organisations below it."""
    if user.has_role(Role.ADMIN):
        return True
    own = user.confirmed_organisation_id
    if own is None or event.organisation_id is None:
        return False
    if not user.has_role(Role.TRAINER, Role.MANAGER):
        return False
    return own == event.organisation_id or tree.is_within(event.organisation_id, own)


def _check(details: EventDetails, *, registered: int = 0) -> None:
    if details.ends_at <= details.starts_at:
        raise DomainError(_l("The end must be after the start."), field="ends_at")
    if details.online_url and not details.online_url.startswith("https://"):
        raise DomainError(_l("The online link must start with https://."), field="online_url")
    if not details.online_url and not (details.county and details.locality):
        raise DomainError(
            _l("Give the county and locality of the venue, or an online link, or both."),
            field="locality",
        )
    if not details.languages:
        raise DomainError(_l("Choose at least one language."), field="languages")
    if details.capacity is not None and details.capacity < 1:
        raise DomainError(_l("The capacity must be at least 1, or empty."), field="capacity")
    if details.capacity is not None and details.capacity < registered:
        raise DomainError(
            _l(
                "%(num)d people already have a place: the capacity cannot be lower.",
                num=registered,
            ),
            field="capacity",
        )


def _apply(event: Event, details: EventDetails) -> None:
    for name, value in vars(details).items():
        setattr(event, name, value)
    event.description_html = render_description(details.description)


def create_event(details: EventDetails, *, organisation_id: int, by: User) -> Event:
    """A draft event of ``organisation_id``; raises DomainError for details that cannot be."""
    _check(details)
    event = Event(organisation_id=organisation_id, created_by_id=by.id)
    _apply(event, details)
    event.checkin_code = new_checkin_code()
    db.session.add(event)
    db.session.flush()
    return event


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends, with its current values."""
    statement = select(Event).where(Event.id == event.id).with_for_update()
    return db.session.scalars(statement.execution_options(populate_existing=True)).one()


def update_event(event: Event, details: EventDetails) -> list[EventRegistration]:
    """Save the new details; a published event's calendar version goes up. A higher capacity
    gives waiting people the places it frees: they are returned, to be told."""
    event = _locked(event)
    _check(details, registered=counts([event.id])[event.id][0])
    _apply(event, details)
    event.updated_at = utcnow()
    if event.published_at is not None:
        event.calendar_sequence += 1
    db.session.flush()
    return _promote(event)


def publish_event(event: Event) -> None:
    if event.cancelled_at is not None or event.published_at is not None:
        raise DomainError(_l("Only a draft can be published."))
    if event.ends_at <= utcnow():
        raise DomainError(_l("This event is over: change its dates before publishing it."))
    event.published_at = utcnow()
    db.session.flush()


def delete_draft(event: Event, *, by_id: int | None) -> None:
    """Delete an event never published (nobody could register for it), with the materials
    recorded for it. A published event is cancelled instead, and stays in the figures."""
    if state(event) != "draft":
        raise DomainError(_l("Only a draft can be deleted: cancel a published event instead."))
    record(
        "event.draft_deleted",
        actor_id=by_id,
        target_type="event",
        target_id=event.id,
    )
    db.session.delete(event)
    db.session.flush()


def cancel_event(event: Event) -> list[EventRegistration]:
    """Cancel a published event; returns the places and waiting-list entries to tell."""
    event = _locked(event)
    if event.published_at is None or event.cancelled_at is not None:
        raise DomainError(_l("Only a published event can be cancelled."))
    event.cancelled_at = utcnow()
    event.calendar_sequence += 1
    db.session.flush()
    return db.session.scalars(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status != RegistrationStatus.CANCELLED,
            EventRegistration.user_id.is_not(None),
        )
    ).all()


def state(event: Event, now: datetime | None = None) -> str:
    """draft, published, cancelled or finished."""
    if event.cancelled_at is not None:
        return "cancelled"
    if event.published_at is None:
        return "draft"
    return "finished" if event.ends_at <= (now or utcnow()) else "published"


def counts(event_ids) -> dict[int, tuple[int, int]]:
    """{event id: (places taken, people waiting)}, in one query."""
    taken = func.sum(case((EventRegistration.status == RegistrationStatus.REGISTERED, 1), else_=0))
    waiting = func.sum(case((EventRegistration.status == RegistrationStatus.WAITING, 1), else_=0))
    rows = db.session.execute(
        select(EventRegistration.event_id, taken, waiting)
        .where(EventRegistration.event_id.in_(list(event_ids)))
        .group_by(EventRegistration.event_id)
    ).all()
    found = {event_id: (int(t or 0), int(w or 0)) for event_id, t, w in rows}
    return {event_id: found.get(event_id, (0, 0)) for event_id in event_ids}


def registration_of(event_id: int, user_id: int) -> EventRegistration | None:
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event_id, EventRegistration.user_id == user_id
        )
    )


def register(event: Event, user: User) -> EventRegistration:
    """A place for ``user``, or a place on the waiting list when the event is full. Raises
    DomainError for an event one cannot register for, or a second registration (the unique
    constraint catches a race between two requests of the same person: IntegrityError)."""
    event = _locked(event)
    now = utcnow()
    if state(event, now) != "published":
        raise DomainError(_l("Registration is not open for this event."))
    registration = registration_of(event.id, user.id)
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise DomainError(_l("You are already registered for this event."))
    taken = counts([event.id])[event.id][0]
    full = event.capacity is not None and taken >= event.capacity
    if registration is None:
        registration = EventRegistration(event_id=event.id, user_id=user.id)
        db.session.add(registration)
    registration.status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    registration.registered_at = now
    registration.waiting_since = now if full else None
    registration.cancelled_at = None
    registration.profession = user.profession
    registration.county = user.county
    registration.reminder_claimed_at = registration.reminder_sent_at = None
    db.session.flush()
    return registration


def cancel_registration(event: Event, user: User) -> list[EventRegistration]:
    """Give up one's place (or leave the waiting list); the first person waiting gets the
    place. Returns those promoted, to be told."""
    event = _locked(event)
    registration = registration_of(event.id, user.id)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(_l("You are not registered for this event."))
    if state(event) == "finished":
        raise DomainError(_l("This event is over."))
    had_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()
    return _promote(event) if had_place else []


def _promote(event: Event) -> list[EventRegistration]:
    """Give the free places to the people waiting longest."""
    if state(event) != "published":
        return []
    waiting = select(EventRegistration).where(
        EventRegistration.event_id == event.id,
        EventRegistration.status == RegistrationStatus.WAITING,
    )
    if event.capacity is not None:
        free = event.capacity - counts([event.id])[event.id][0]
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    promoted = db.session.scalars(
        waiting.order_by(EventRegistration.waiting_since, EventRegistration.id)
    ).all()
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
    db.session.flush()
    return promoted


def upcoming_query(*, county=None, kind=None, language=None):
    """Published events not yet over and not cancelled, soonest first, filtered."""
    query = select(Event).where(
        Event.published_at.is_not(None), Event.cancelled_at.is_(None), Event.ends_at > utcnow()
    )
    if county:
        query = query.where(Event.county == county)
    if kind:
        query = query.where(Event.kind == kind)
    if language:
        # The JSON list as text, on SQLite and PostgreSQL alike: ["ro", "hu"].
        query = query.where(cast(Event.languages, String).like(f'%"{language}"%'))
    return query.order_by(Event.starts_at, Event.id)


def organised_query(user):
    """The events ``user`` organises (drafts too), newest start first."""
    query = select(Event)
    if not user.has_role(Role.ADMIN):
        own = user.confirmed_organisation_id
        if own is None:
            query = query.where(False)
        else:
            query = query.where(Event.organisation_id.in_(tree.subtree_ids(own)))
    return query.order_by(Event.starts_at.desc(), Event.id.desc())


def my_registrations(user_id: int) -> list[tuple[EventRegistration, Event]]:
    """The person's places and waiting-list entries, with their events (one query)."""
    return db.session.execute(
        select(EventRegistration, Event)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(
            EventRegistration.user_id == user_id,
            EventRegistration.status != RegistrationStatus.CANCELLED,
            Event.published_at.is_not(None),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
