"""A learning path: the courses a profession takes, in order (for teachers: the core course,
then the teachers' course). Administrators declare paths; the library may ship some."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.courses.models import Course
from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class LearningPath(db.Model):
    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable id ("teachers"), the same in every installation for a shipped path.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict] = mapped_column(JSON)  # by language
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # by language
    # The profession (elearn/reference.py) it is declared for; None: for everyone.
    profession: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For a path shipped in courses/paths.yaml: the fingerprint of the file's definition last
    # imported (with the courses of it that were installed). None: made in the browser. An
    # import overwrites a shipped path only when this fingerprint changes (docs/learning-paths.md).
    shipped_hash: Mapped[str | None] = mapped_column(String(64))

    steps: Mapped[list[LearningPathStep]] = relationship(
        back_populates="path", order_by="LearningPathStep.position", cascade="all, delete-orphan"
    )

    def text(self, field: str, language: str) -> str:
        """A translated field in ``language``, else in any language it has."""
        values = getattr(self, field) or {}
        return values.get(language) or next(iter(values.values()), "")


class LearningPathStep(db.Model):
    """One course of a path, at its place (1, 2, ...)."""

    __tablename__ = "learning_path_steps"
    __table_args__ = (
        UniqueConstraint("path_id", "position"),
        UniqueConstraint("path_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)

    path: Mapped[LearningPath] = relationship(back_populates="steps")
    course: Mapped[Course] = relationship()


class RemovedShippedPath(db.Model):
    """A shipped path an administrator deleted: the import leaves it out until the file's
    definition of it changes (its fingerprint differs from the one deleted)."""

    __tablename__ = "removed_shipped_paths"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    shipped_hash: Mapped[str] = mapped_column(String(64))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
