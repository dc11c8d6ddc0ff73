"""An event, the people registered for it (or waiting), their attendance, the materials
handed out, and the certificates of attendance."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"  # the event was full; promoted in order when a place frees
    CANCELLED = "cancelled"


class Event(db.Model):
    """One event. A draft is seen by its organisers only; a published one by everyone; a
    cancelled one stays, marked, so that registered people see what happened."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_published_starts", "published_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # workshop, seminar, round_table, network_meeting, information_session, training,
    # campaign (elearn/events/choices.py)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    # Markdown as the organiser wrote it, and its sanitised HTML (elearn/html.py), stored.
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    county: Mapped[str | None] = mapped_column(String(8))  # None: online only
    locality: Mapped[str | None] = mapped_column(String(100))
    venue: Mapped[str | None] = mapped_column(String(300))  # the address
    online_url: Mapped[str | None] = mapped_column(String(500))
    # Who it is for: an audience of elearn/reach/choices.py, or "specialists", and the
    # professions it is meant for (empty: any).
    audience: Mapped[str] = mapped_column(String(24))
    professions: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON)  # the languages spoken at it
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What attendees type or scan to mark themselves present, on the day only.
    checkin_code: Mapped[str] = mapped_column(String(12), unique=True)
    # People present who had not registered: counted, never named.
    unregistered_attendees: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The copies of materials handed out, summed over ``materials`` by their one writer
    # (elearn/resources/handed_out.py), so that the figures need no join.
    materials_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The hours a certificate of attendance states; None: from the start and end times.
    certificate_hours: Mapped[float | None] = mapped_column(Float)
    certificates_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The calendar file's SEQUENCE: raised whenever a published event's details change or it
    # is cancelled, so that calendars that imported it take the new version.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    registrations: Mapped[list[EventRegistration]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    materials: Mapped[list[EventMaterial]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventRegistration(db.Model):
    """A person's place at an event, or on its waiting list, and whether they came.

    Erasing the account empties ``user_id`` and keeps the row, so that the event's figures
    still count the person, anonymously.
    """

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_event_registrations_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        Enum(
            RegistrationStatus,
            name="registration_status",
            native_enum=False,
            create_constraint=True,
            length=12,
            values_callable=lambda statuses: [s.value for s in statuses],
        )
    )
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The waiting list's order: when the person joined it.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Copied in at registration, for the figures by profession and county after erasure.
    profession: Mapped[str | None] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(8))
    # Registered on the day by checking in without a place booked.
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The reminder the day before, claimed like every mail of `elearn notify`.
    reminder_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="registrations")


class EventMaterial(db.Model):
    """How many copies of a library resource were handed out at an event."""

    __tablename__ = "event_materials"
    __table_args__ = (UniqueConstraint("event_id", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="materials")


class AttendanceCertificate(db.Model):
    """A certificate that someone attended an event: a snapshot like a course certificate,
    verifiable by its code on the same public page."""

    __tablename__ = "attendance_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(17), unique=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="SET NULL"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    event_title: Mapped[str] = mapped_column(String(200))
    event_kind: Mapped[str] = mapped_column(String(24))
    held_on: Mapped[date] = mapped_column(Date)
    locality: Mapped[str | None] = mapped_column(String(100))
    hours: Mapped[float] = mapped_column(Float)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_url: Mapped[str | None] = mapped_column(String(300))
    colour: Mapped[str] = mapped_column(String(7))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
