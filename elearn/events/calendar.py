"""An event as a calendar file (.ics, RFC 5545), built with the icalendar library.

The UID stays the same for the event's whole life and SEQUENCE goes up with each change, so a
calendar that imported the file replaces its copy instead of adding a second one; a cancelled
event comes as STATUS:CANCELLED. Times carry the platform's time zone (with its VTIMEZONE).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from elearn.database import utcnow
from elearn.events.models import Event
from elearn.events.services import local_zone
from elearn.links import external_url
from elearn.reference import COUNTIES, label

MIMETYPE = "text/calendar; charset=utf-8"


def filename(event: Event) -> str:
    return f"event-{event.id}.ics"


def uid(event: Event) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "elearn"
    return f"event-{event.id}@{host}"


def location(event: Event) -> str:
    """Venue, locality and county as one line; the online link for an online-only event."""
    county = str(label(COUNTIES, event.county)) if event.county else None
    parts = [part for part in (event.venue, event.locality, county) if part]
    return ", ".join(parts) if parts else (event.online_url or "")


def event_calendar(event: Event, *, with_online_link: bool = False) -> bytes:
    """The .ics file of ``event``. The online link is put in only for people with a place."""
    zone = local_zone()
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['SITE_NAME']}//events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", uid(event))
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title)
    url = external_url("events.show_event", event_id=event.id)
    description = event.description or ""
    if with_online_link and event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    entry.add("description", f"{description}\n\n{url}".strip())
    place = location(event)
    if place and (place != event.online_url or with_online_link):
        entry.add("location", place)
    entry.add("url", url)
    entry.add("sequence", event.calendar_sequence)
    entry.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    entry.add("last-modified", event.updated_at)
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
