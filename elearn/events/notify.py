"""The mail about events: the confirmation of a place (with the .ics file), a place freed
for someone waiting, a cancelled event, and the reminder the day before.

The reminder goes out by `elearn notify`, with the usual guarantees (elearn/certificates/
notify.py): the registration's ``reminder_claimed_at`` is the claim, set by one UPDATE ...
WHERE nobody holds it and committed before the mail is sent; ``reminder_sent_at`` is set once
the mail server accepted the message; a failed send releases the claim for the next run; a
claim left by a run that died is taken over after ``LEASE``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from elearn.accounts.models import User
from elearn.certificates.services import local_day
from elearn.database import utcnow
from elearn.events import calendar
from elearn.events.models import Event, EventRegistration, RegistrationStatus
from elearn.events.services import local_zone
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email

LEASE = timedelta(minutes=15)


def _person(user_id: int | None) -> User | None:
    person = db.session.get(User, user_id) if user_id else None
    if person is None or not person.is_active or person.erased_at is not None:
        return None
    return person


def _send(person: User, event: Event, *, subject, template: str, attachments=()) -> bool:
    return send_email(
        to=person.email,
        language=person.preferred_language,
        subject=subject,
        template=template,
        attachments=attachments,
        user=person,
        event=event,
        link=external_url("events.show_event", event_id=event.id),
    )


def send_confirmation(registration: EventRegistration) -> bool:
    """A place, with the calendar file; or a place on the waiting list."""
    person, event = _person(registration.user_id), registration.event
    if person is None:
        return False
    if registration.status == RegistrationStatus.WAITING:
        return _send(
            person, event, subject=_l("You are on the waiting list"), template="event_waiting"
        )
    ics = _calendar_attachment(event, with_online_link=True)
    return _send(
        person,
        event,
        subject=_l("Your place is booked"),
        template="event_registered",
        attachments=[ics],
    )


def send_promotions(registrations) -> None:
    """A place freed (or added) for people who were waiting: told so, with the calendar file."""
    for registration in registrations:
        person, event = _person(registration.user_id), registration.event
        if person is not None:
            _send(
                person,
                event,
                subject=_l("A place has freed up for you"),
                template="event_promoted",
                attachments=[_calendar_attachment(event, with_online_link=True)],
            )


def _calendar_attachment(event: Event, *, with_online_link: bool) -> tuple[str, bytes, str]:
    return (
        calendar.filename(event),
        calendar.event_calendar(event, with_online_link=with_online_link),
        calendar.MIMETYPE,
    )


def send_cancellations(event: Event, registrations) -> None:
    """The event is cancelled: everyone with a place or waiting is told, with the cancelled
    calendar entry so that their calendar drops it."""
    ics = _calendar_attachment(event, with_online_link=False)
    for registration in registrations:
        person = _person(registration.user_id)
        if person is not None:
            _send(
                person,
                event,
                subject=_l("An event has been cancelled"),
                template="event_cancelled",
                attachments=[ics],
            )


def send_event_reminders(now: datetime | None = None) -> dict[str, int]:
    """Remind everyone with a place at an event that starts tomorrow (or later today, if the
    reminder could not go yesterday). Returns how many were sent and failed."""
    now = now or utcnow()
    day_after_tomorrow = local_day(now) + timedelta(days=2)
    until = datetime.combine(day_after_tomorrow, time(0), tzinfo=local_zone())
    due = db.session.scalars(
        select(EventRegistration.id)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(
            Event.published_at.is_not(None),
            Event.cancelled_at.is_(None),
            Event.starts_at > now,
            Event.starts_at < until,
            EventRegistration.status == RegistrationStatus.REGISTERED,
            EventRegistration.user_id.is_not(None),
            EventRegistration.reminder_sent_at.is_(None),
        )
        .order_by(EventRegistration.id)
    ).all()
    counts = {"sent": 0, "failed": 0}
    for registration_id in due:
        if not _claim(registration_id, now):
            continue
        registration = db.session.get(EventRegistration, registration_id)
        person = _person(registration.user_id)
        sent = person is not None and _send(
            person,
            registration.event,
            subject=_l("Your event is coming soon"),
            template="event_reminder",
        )
        values = {"reminder_sent_at": utcnow()} if sent else {"reminder_claimed_at": None}
        db.session.execute(
            update(EventRegistration)
            .where(EventRegistration.id == registration_id)
            .values(**values)
        )
        db.session.commit()
        counts["sent" if sent else "failed"] += 1
    return counts


def _claim(registration_id: int, now: datetime) -> bool:
    """Whether this run may send the reminder now: one UPDATE takes the claim if nobody holds
    it (or its holder died), committed before anything is sent."""
    taken = db.session.execute(
        update(EventRegistration)
        .where(
            EventRegistration.id == registration_id,
            EventRegistration.reminder_sent_at.is_(None),
            or_(
                EventRegistration.reminder_claimed_at.is_(None),
                EventRegistration.reminder_claimed_at < now - LEASE,
            ),
        )
        .values(reminder_claimed_at=now)
    ).rowcount
    db.session.commit()
    return taken == 1
