"""Personal access tokens: only a hash of each secret is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db
from elearn.organisations.models import Organisation


class ApiToken(db.Model):
    """A manager's or administrator's token for the read-only API.

    The secret is shown once, when the token is made; the table keeps its SHA-256 hash (a
    token is 256 random bits, so a fast hash is enough: there is nothing to guess) and its
    first characters, so that the owner can tell their tokens apart.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "elearn_pat_" and the secret's first four characters, shown in the list of tokens.
    hint: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Refreshed at most once a minute (elearn/api/services.py, touch).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary="api_token_organisations", lazy="selectin", order_by=Organisation.name
    )

    def status(self, now: datetime) -> str:
        """active, expired or revoked (revocation wins)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"


class ApiTokenOrganisation(db.Model):
    """An organisation a token was given (with everything below it)."""

    __tablename__ = "api_token_organisations"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
