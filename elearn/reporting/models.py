"""Reporting's one table of its own: which weekly digests have gone to which manager."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.database import UTCDateTime
from elearn.extensions import db


class ReportDigest(db.Model):
    """One manager's weekly digest of one organisation for one ISO week.

    The row is the claim, as for certificate reminders: `elearn notify` inserts it before
    sending, so that two runs at the same moment cannot both send; ``sent_at`` is set only once
    the mail server accepted the message; a failed send deletes the row, and one left by a run
    that died is taken over after a while. ``skipped`` marks a week with nothing to report.
    """

    __tablename__ = "report_digests"
    # The unique (user_id, organisation_id, week) index also serves lookups by user.
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[date] = mapped_column(Date)  # the Monday of the ISO week, local calendar
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
