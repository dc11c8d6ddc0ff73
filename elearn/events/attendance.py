"""Attendance on the day: who may take it, the list to tick, the count of people who came
without registering, and attendees checking themselves in with the event's code
(docs/events-attendance.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update

from elearn.accounts.models import User
from elearn.database import insert_once, utcnow
from elearn.errors import DomainError
from elearn.events.models import Event, EventRegistration, RegistrationStatus
from elearn.events.services import may_organise
from elearn.extensions import db
from elearn.text import fold

# Attendees may check themselves in from this long before the start until the end.
CHECK_IN_OPENS_BEFORE = timedelta(hours=1)
# More people present without registering than this is a typing mistake, not a crowd.
MOST_UNREGISTERED = 10_000


def may_take_attendance(user, event: Event) -> bool:
    """The event's organisers (elearn/events/services.py ``may_organise``): the same people
    publish an event, take its attendance and issue its certificates."""
    return user.is_authenticated and may_organise(user, event)


@dataclass(frozen=True)
class Attendee:
    registration_id: int
    name: str  # empty once the person erased their account
    present: bool
    walk_in: bool


@dataclass(frozen=True)
class Counts:
    present: int
    registered: int


def attendees(event: Event, search: str = "") -> list[Attendee]:
    """The people registered (not waiting, not cancelled), by name, in one query; ``search``
    keeps those whose name contains it, whatever the case and diacritics ("stefan" finds
    "Ștefan"): filtered here, as SQLite's lower() knows no letter beyond ASCII."""
    query = (
        select(
            EventRegistration.id,
            User.full_name,
            EventRegistration.attended_at,
            EventRegistration.walk_in,
        )
        .outerjoin(User, User.id == EventRegistration.user_id)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.REGISTERED,
        )
        .order_by(EventRegistration.id)
    )
    wanted = fold((search or "").strip()[:100])
    found = [
        Attendee(id_, name or "", attended_at is not None, walk_in)
        for id_, name, attended_at, walk_in in db.session.execute(query)
        if wanted in fold(name or "")
    ]
    return sorted(found, key=lambda attendee: fold(attendee.name))


def counts(event: Event) -> Counts:
    """Present and registered, counted in SQL."""
    present, registered = db.session.execute(
        select(
            func.count(case((EventRegistration.attended_at.is_not(None), 1))),
            func.count(),
        ).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.REGISTERED,
        )
    ).one()
    return Counts(present=present, registered=registered)


def mark(event: Event, registration_id: int, present: bool, *, by_id: int | None) -> bool:
    """Mark one registered person present or not. Idempotent: sending the same mark twice (a
    retry on a bad connection) changes nothing the second time, and the last mark sent wins.
    Returns whether the person is now present. Raises DomainError for a registration that is
    not a registered place at this event."""
    registration = db.session.get(EventRegistration, registration_id)
    if (
        registration is None
        or registration.event_id != event.id
        or registration.status != RegistrationStatus.REGISTERED
    ):
        raise DomainError(_l("This person is not registered for this event."))
    _set_present(registration, present, by_id)
    db.session.flush()
    return present


def _set_present(registration: EventRegistration, present: bool, by_id: int | None) -> None:
    if present and registration.attended_at is None:
        registration.attended_at = utcnow()
        registration.attendance_marked_by_id = by_id
    elif not present and registration.attended_at is not None:
        registration.attended_at = None
        registration.attendance_marked_by_id = by_id


def save_list(
    event: Event, *, shown: set[int], present: set[int], unregistered: int, by_id: int
) -> None:
    """Save the whole list as the form showed it (the page without JavaScript): each shown
    registration is present when ticked and absent when not; registrations the form did not
    show (a search narrowed the list) keep their mark."""
    if not present <= shown:
        raise DomainError(_l("The list changed while you were ticking it. Open it again."))
    set_unregistered(event, unregistered)
    rows = db.session.scalars(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.REGISTERED,
            EventRegistration.id.in_(shown),
        )
    )
    for registration in rows:
        _set_present(registration, registration.id in present, by_id)
    db.session.flush()


def set_unregistered(event: Event, number: int) -> None:
    """How many people came without registering: counted, never named."""
    if not isinstance(number, int) or not 0 <= number <= MOST_UNREGISTERED:
        raise DomainError(
            _l("Enter a whole number from 0 to %(most)s.", most=MOST_UNREGISTERED),
            field="unregistered",
        )
    event.unregistered_attendees = number


# Self check-in ----------------------------------------------------------------------------


def clean_code(text: str | None) -> str:
    """What someone typed or scanned, as codes are compared: upper case, no spaces."""
    return "".join((text or "").split()).upper()[:20]


def event_by_checkin_code(text: str | None) -> Event | None:
    code = clean_code(text)
    if not code:
        return None
    return db.session.scalar(select(Event).where(func.upper(Event.checkin_code) == code))


def code_matches(event: Event, text: str | None) -> bool:
    return bool(text) and clean_code(text) == event.checkin_code.upper()


def check_in_window(event: Event) -> tuple[datetime, datetime]:
    return event.starts_at - CHECK_IN_OPENS_BEFORE, event.ends_at


def check_window(event: Event, now: datetime) -> None:
    """Raise DomainError, saying when it opens or that it closed, outside the day's window."""
    if event.cancelled_at is not None or event.published_at is None:
        raise DomainError(_l("This event is not taking place, so there is nothing to check in to."))
    opens, closes = check_in_window(event)
    if now < opens:
        raise DomainError(
            _l(
                "Check-in opens an hour before the event starts: %(when)s.",
                when=format_datetime(opens, "medium"),
            )
        )
    if now > closes:
        raise DomainError(
            _l("The event has ended, so check-in is closed. Ask the organisers to mark you.")
        )


def check_in(event: Event, user: User, *, now: datetime | None = None) -> EventRegistration:
    """Mark ``user`` present at ``event``, on the day only. Someone with no place is given one
    as a walk-in while there is room; when the event is full they are told so (DomainError),
    as they are outside the day's window."""
    now = now or utcnow()
    check_window(event, now)
    registration = registration_of(event, user)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        registration = _walk_in(event, user, registration)
    _set_present(registration, True, user.id)
    db.session.flush()
    return registration


def registration_of(event: Event, user: User) -> EventRegistration | None:
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.user_id == user.id
        )
    )


def _walk_in(event: Event, user: User, existing: EventRegistration | None) -> EventRegistration:
    if event.capacity is not None and counts(event).registered >= event.capacity:
        raise DomainError(
            _l(
                "Sorry, the event is full, so we cannot give you a place here. "
                "Please speak to the organisers at the door."
            )
        )
    if existing is None:
        # Two taps at once give one row (the unique event and person).
        insert_once(
            db.session,
            EventRegistration,
            ("event_id", "user_id"),
            event_id=event.id,
            user_id=user.id,
            status=RegistrationStatus.REGISTERED,
            registered_at=utcnow(),
            profession=user.profession,
            county=user.county,
            walk_in=True,
        )
        return registration_of(event, user)
    db.session.execute(
        update(EventRegistration)
        .where(EventRegistration.id == existing.id)
        .values(
            status=RegistrationStatus.REGISTERED,
            walk_in=True,
            waiting_since=None,
            cancelled_at=None,
            registered_at=utcnow(),
            profession=user.profession,
            county=user.county,
        )
        .execution_options(synchronize_session="fetch")
    )
    db.session.refresh(existing)
    return existing
