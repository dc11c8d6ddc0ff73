"""Certificates, who signs them, and who issues them.

A certificate is a snapshot: the name, course title, hours, issuer and signatory are copied
in when it is issued, so that a later change to a course or to the issuer's settings never
changes a certificate someone already holds. Only its status moves: revoked, superseded by a
recertification, or reissued under a corrected name (same code, new PDF).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db

# The places of the revocation status list (Open Badges, elearn/certificates/badges.py): the
# Bitstring Status List's minimum, 16 KB, for herd privacy.
STATUS_LIST_BITS = 131_072


class RevocationReason(enum.StrEnum):
    """The fixed list a revocation's reason is chosen from (shown on the public page)."""

    ISSUED_IN_ERROR = "issued_in_error"
    IDENTITY = "identity"
    MISCONDUCT = "misconduct"
    COURSE_WITHDRAWN = "course_withdrawn"
    HOLDER_REQUEST = "holder_request"


class Issuer(db.Model):
    """The organisation that issues certificates on this platform (one row)."""

    __tablename__ = "certificate_issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    # e.g. {"ro": "Program acreditat ...", ...}; None prints no accreditation line.
    accreditation: Mapped[dict | None] = mapped_column(JSON)
    colour: Mapped[str] = mapped_column(String(7), default="#1d4e89")
    logo_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Signatory(db.Model):
    """A person whose name (and signature image) a course's certificates carry. A package
    names one by ``key``; it can never bring a signature of its own."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[dict] = mapped_column(JSON)  # {"ro": "Director executiv", "en": ..., "hu": ...}
    signature_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReissueRequest(db.Model):
    """A holder whose name changed asks for their certificate under the new name; an
    administrator approves (same code, new PDF, "reissued on") or refuses."""

    __tablename__ = "certificate_reissue_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    requested_name: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved: Mapped[bool | None] = mapped_column(Boolean)

    certificate: Mapped[Certificate] = relationship()


class CertificateExport(db.Model):
    """A manager's bulk export, built a slice at a time (elearn/certificates/exports.py)."""

    __tablename__ = "certificate_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    filters: Mapped[dict] = mapped_column(JSON)
    certificate_ids: Mapped[list] = mapped_column(JSON)  # fixed when asked for
    done: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(2))
    file_name: Mapped[str] = mapped_column(String(64))
    working_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CertificateReminder(db.Model):
    """One reminder of one threshold (days before expiry) for one certificate.

    The row is the claim: `elearn notify` inserts it before sending, so that two runs at the
    same moment cannot both send; ``sent_at`` is set only once the mail server accepted the
    message. A claim whose sending failed is removed, and one left by a run that died is taken
    over after a while, so every reminder goes out once and only once.
    """

    __tablename__ = "certificate_reminders"
    __table_args__ = (UniqueConstraint("certificate_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    days_before: Mapped[int] = mapped_column(Integer)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A larger threshold that had already passed when the first reminder went out: never sent.
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)


class Certificate(db.Model):
    __tablename__ = "certificates"
    # Issued exactly once per completion round of an enrolment, even under concurrent requests.
    __table_args__ = (UniqueConstraint("enrolment_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(17), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer, default=1)  # 2, 3...: recertifications
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="RESTRICT"))
    # The snapshot.
    holder_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[dict] = mapped_column(JSON)  # by language
    languages: Mapped[list] = mapped_column(JSON)  # the course version's languages
    version_label: Mapped[str] = mapped_column(String(40))
    hours: Mapped[float] = mapped_column(Float)
    # Whether the certificate states those hours: only when the time the holder spent on the
    # lessons reached the course's share of its duration (docs/certificates.md). Certificates
    # issued before this rule state them.
    states_hours: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_url: Mapped[str | None] = mapped_column(String(300))
    accreditation: Mapped[dict | None] = mapped_column(JSON)
    colour: Mapped[str] = mapped_column(String(7))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_role: Mapped[dict | None] = mapped_column(JSON)
    signature_sha256: Mapped[str | None] = mapped_column(String(64))
    design: Mapped[str] = mapped_column(String(40), default="standard")
    # Open Badges: the place in the revocation status list (random, below STATUS_LIST_BITS),
    # and the salt of the holder's email hash.
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    holder_salt: Mapped[str] = mapped_column(String(32))
    # Status.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reissued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    superseded_by: Mapped[Certificate | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id]
    )

    def status(self, today: date) -> str:
        """valid, expired, revoked or superseded (revocation wins over everything)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_by_id is not None:
            return "superseded"
        if self.expires_on is not None and today > self.expires_on:
            return "expired"
        return "valid"
