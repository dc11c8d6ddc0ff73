"""A resource of the library, its files (one per language) and its download counts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class ResourceStatus(enum.StrEnum):
    """Where a resource is in its review: only approved ones are offered to everyone."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


class Resource(db.Model):
    """One material, e.g. "Poster: know the signs", in one or more languages.

    Courses (``resources:`` in course.yaml, ``{{resource:key}}`` in lessons), delivered
    sessions and events name it by ``key``, which never changes.
    """

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    # poster, flyer, guide, session_kit, presentation, other (elearn/resources/choices.py)
    kind: Mapped[str] = mapped_column(String(24))
    # Who it is for: an audience of elearn/reach/choices.py's AUDIENCES, or "specialists".
    audience: Mapped[str] = mapped_column(String(24))
    title: Mapped[dict] = mapped_column(JSON)  # by language
    description: Mapped[dict] = mapped_column(JSON)  # by language, plain text
    # An SPDX-like identifier from elearn/resources/choices.py (CC-BY-4.0, ...).
    licence: Mapped[str] = mapped_column(String(40))
    attribution: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[ResourceStatus] = mapped_column(
        Enum(
            ResourceStatus,
            name="resource_status",
            native_enum=False,
            create_constraint=True,
            length=12,
            values_callable=lambda statuses: [s.value for s in statuses],
        ),
        default=ResourceStatus.DRAFT,
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)

    files: Mapped[list[ResourceFile]] = relationship(
        back_populates="resource", order_by="ResourceFile.language", cascade="all, delete-orphan"
    )

    def text(self, field: str, language: str) -> str:
        values = getattr(self, field) or {}
        return values.get(language) or next(iter(values.values()), "")


class ResourceFile(db.Model):
    """The file of a resource in one language, stored once as a blob (checked and stripped
    of metadata like a package's media)."""

    __tablename__ = "resource_files"
    __table_args__ = (UniqueConstraint("resource_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship(back_populates="files")


class ResourceDownloadDay(db.Model):
    """How many times a file was downloaded on a day: a count, never who (no person, address
    or cookie is kept)."""

    __tablename__ = "resource_download_days"
    __table_args__ = (UniqueConstraint("file_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("resource_files.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    downloads: Mapped[int] = mapped_column(Integer, default=0)
