"""Drafts edited in the browser, their review, the course's co-authors and announcements.

A draft is a content package being written: the same files as a package folder, kept as
rows that point at stored blobs. Whatever the editor saves goes through the package loader
first, so a draft is always a package that `elearn courses validate` accepts; publishing it
imports those files as a new, immutable version.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.courses.models import Course, CourseVersion
from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class DraftStatus(enum.StrEnum):
    EDITING = "editing"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    DISCARDED = "discarded"


OPEN_STATUSES = (
    DraftStatus.EDITING,
    DraftStatus.IN_REVIEW,
    DraftStatus.CHANGES_REQUESTED,
    DraftStatus.APPROVED,
)


def _enum(kind, name: str, length: int):
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda items: [item.value for item in items],
    )


class Draft(db.Model):
    """The next version of a course, being written. A course has at most one open draft."""

    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    # The version it started from (and is reviewed against); None for a zip imported into a
    # course that has no version yet.
    base_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    # The version label it will be published as: proposed by the platform, never typed.
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[DraftStatus] = mapped_column(
        _enum(DraftStatus, "draft_status", 20), default=DraftStatus.EDITING
    )
    # Counts every save: a page that shows the draft can tell that it changed since.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )

    course: Mapped[Course] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship(foreign_keys=[base_version_id])
    files: Mapped[list[DraftFile]] = relationship(
        back_populates="draft", order_by="DraftFile.path", cascade="all, delete-orphan"
    )
    contributors: Mapped[list[DraftContributor]] = relationship(cascade="all, delete-orphan")
    events: Mapped[list[DraftEvent]] = relationship(
        order_by="DraftEvent.id", cascade="all, delete-orphan"
    )
    signoffs: Mapped[list[DraftSignoff]] = relationship(
        order_by="DraftSignoff.language", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DraftFile(db.Model):
    """One file of a draft, by its path in the package ('lessons/intro.ro.md')."""

    __tablename__ = "draft_files"
    __table_args__ = (UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="RESTRICT"), index=True)
    # For a lesson in a language other than the course's first: the first language's file
    # (its sha256) this translation was last saved against. When the source changes, the
    # translation is out of date until it is saved again.
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    draft: Mapped[Draft] = relationship(back_populates="files")


class DraftContributor(db.Model):
    """Someone who changed the draft: they cannot approve it."""

    __tablename__ = "draft_contributors"
    __table_args__ = (UniqueConstraint("draft_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class DraftEventKind(enum.StrEnum):
    CREATED = "created"
    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"
    APPROVED = "approved"
    PUBLISHED = "published"
    DISCARDED = "discarded"


class DraftEvent(db.Model):
    """The draft's review story: asked for review, sent back with comments, approved..."""

    __tablename__ = "draft_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DraftEventKind] = mapped_column(_enum(DraftEventKind, "draft_event_kind", 20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    # The draft's revision at the time: an approval holds only for the revision it saw.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DraftSignoff(db.Model):
    """A reviewer's sign-off on one changed language of a draft, at one revision."""

    __tablename__ = "draft_signoffs"
    __table_args__ = (UniqueConstraint("draft_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewerRight(db.Model):
    """A trainer who may review and publish the drafts of their organisation's courses.

    Administrators review every course without it.
    """

    __tablename__ = "reviewer_rights"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseAuthor(db.Model):
    """A co-author of a course: a trainer of the owning organisation who may edit it."""

    __tablename__ = "course_authors"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Announcement(db.Model):
    """A short message from a course's authors to its learners."""

    __tablename__ = "course_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Plain text, in the language the author wrote it in.
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by `elearn notify` once the opted-in learners have been emailed.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class CourseOrigin(db.Model):
    """Where a course copied in the browser came from: a version of another course."""

    __tablename__ = "course_origins"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    source_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    # Kept in words too, so that the record survives the source being deleted.
    source_course: Mapped[str] = mapped_column(String(80))
    source_label: Mapped[str] = mapped_column(String(40))
    copied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    copied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
