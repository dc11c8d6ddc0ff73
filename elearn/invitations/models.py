"""An invitation into an organisation (and perhaps a cohort), and a checked spreadsheet upload
waiting for the manager's decision.

An invitation creates nothing until it is accepted: no account and no membership. Only the
hash of the link's secret is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db

_OPEN = "accepted_at IS NULL AND revoked_at IS NULL"


class Invitation(db.Model):
    __tablename__ = "invitations"
    # One open invitation per person and organisation: inviting again resends it.
    __table_args__ = (
        Index(
            "uq_invitations_open_email",
            "organisation_id",
            "email",
            unique=True,
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    # Stored in lower case, as users.email is.
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str | None] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(2))  # of the email
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def state(self, now: datetime) -> str:
        """waiting, accepted, revoked or expired (services.STATES)."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "waiting"


class InvitationUpload(db.Model):
    """A spreadsheet of people, checked whole and kept until the manager imports it (or skips
    its bad rows), then deleted; uploads left undecided are deleted after a day."""

    __tablename__ = "invitation_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # [{"line": 2, "full_name": ..., "email": ..., "profession": ..., "county": ...,
    #   "cohort": ...}, ...] and [{"line": 5, "column": "email", "message": ...}, ...]
    rows: Mapped[list] = mapped_column(JSON)
    problems: Mapped[list] = mapped_column(JSON)
