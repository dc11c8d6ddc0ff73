"""A delivered session, the materials handed out at it, the anonymous confirmations of the
people present, and the invitations to record a first session."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class DeliveredSession(db.Model):
    """One session a trained person delivered: the reach ledger's row.

    The person's profession and organisation are copied in when it is recorded, so that the
    figures stay right when they move, and stay counted (anonymously) once they erase their
    account: erasure sets ``user_id`` to None and empties ``reflection``.
    """

    __tablename__ = "delivered_sessions"
    __table_args__ = (
        # The figures group by month, county and audience over the rows still counted.
        Index("ix_delivered_sessions_counted", "replaced_by_id", "delivered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    profession: Mapped[str] = mapped_column(String(32))
    delivered_on: Mapped[date] = mapped_column(Date)
    county: Mapped[str] = mapped_column(String(8))
    locality: Mapped[str] = mapped_column(String(100))
    setting: Mapped[str] = mapped_column(String(24))  # elearn/reach/choices.py SETTINGS
    audience: Mapped[str] = mapped_column(String(24))  # AUDIENCES
    age_band: Mapped[str | None] = mapped_column(String(8))  # AGE_BANDS, pupils only
    declared_count: Mapped[int] = mapped_column(Integer)
    # Kept in step with the rows of session_confirmations by the statement that adds one.
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The copies of materials handed out, summed over ``materials``: kept in step by their
    # one writer (elearn/resources/handed_out.py) so that the figures need no join.
    materials_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    version_label: Mapped[str | None] = mapped_column(String(40))
    # The lesson of that version the session followed (a ``session_plans`` entry of the
    # course's manifest), or None.
    session_plan_key: Mapped[str | None] = mapped_column(String(80))
    reflection: Mapped[str | None] = mapped_column(Text)
    # The short code the people present type (or scan) to confirm; None once closed.
    confirm_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    confirm_open_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A correction made after the editing window is a new record; the old one points to it
    # and leaves the figures.
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivered_sessions.id", ondelete="SET NULL")
    )

    materials: Mapped[list[SessionMaterial]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


# The columns that make one row of the monthly summary: one per combination.
SESSION_MONTH_KEY = (
    "month",
    "course_id",
    "profession",
    "county",
    "audience",
    "age_band",
    "setting",
    "organised",
)


class SessionMonth(db.Model):
    """The ledger summed by month and by every dimension the figures break it down by: what
    the network-wide figures read instead of a million rows (docs/reporting.md, "Reach").

    Kept in step in the same transaction by the ledger's writers (elearn/reach/tally.py);
    ``elearn reach recount`` makes it again from the ledger. Only sessions still counted (not
    replaced by a correction) are in it. No column may be NULL, so that each combination has
    one row to add to: no course is 0, no age band ''. Which organisation is not kept (an
    organisation's figures read the ledger: its rows are few enough), only whether there is
    one: the figures of an organisation above all the others (the national network's root)
    are those of every session with an organisation."""

    __tablename__ = "reach_session_months"
    __table_args__ = (UniqueConstraint(*SESSION_MONTH_KEY, name="uq_reach_session_months_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # 'YYYY-MM' of delivered_on
    course_id: Mapped[int] = mapped_column(Integer)  # 0: none (no foreign key: a summary)
    profession: Mapped[str] = mapped_column(String(32))
    county: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(24))
    age_band: Mapped[str] = mapped_column(String(8))  # '': none
    setting: Mapped[str] = mapped_column(String(24))
    organised: Mapped[int] = mapped_column(Integer)  # 1: the session has an organisation, 0: not
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    declared: Mapped[int] = mapped_column(Integer, default=0)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    materials: Mapped[int] = mapped_column(Integer, default=0)


class SessionMaterial(db.Model):
    """How many copies of a library resource were handed out at a session."""

    __tablename__ = "session_materials"
    __table_args__ = (UniqueConstraint("session_id", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("delivered_sessions.id", ondelete="CASCADE"))
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[DeliveredSession] = relationship(back_populates="materials")


class SessionConfirmation(db.Model):
    """One person present confirmed, from their own phone, without an account or a name.

    ``device`` is a keyed hash of a random value the phone keeps in a cookie: enough to refuse
    a second confirmation from the same phone, and nothing that identifies anyone.
    """

    __tablename__ = "session_confirmations"
    __table_args__ = (UniqueConstraint("session_id", "device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("delivered_sessions.id", ondelete="CASCADE"))
    device: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReachInvitation(db.Model):
    """One invitation to plan and record a session, after a certificate: on the day (0), and
    30 and 90 days later. The row is the claim, as for certificate reminders (`elearn
    notify`): inserted before sending, ``sent_at`` set once the mail server accepted it;
    ``skipped`` when the person had already recorded a session."""

    __tablename__ = "reach_invitations"
    __table_args__ = (UniqueConstraint("certificate_id", "days_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    days_after: Mapped[int] = mapped_column(Integer)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
