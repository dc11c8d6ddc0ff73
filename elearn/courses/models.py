"""Courses, their versions, and the content of each version as imported from its package.

A version's content never changes once stored: a changed package is a new version. Lessons and
questions keep the package's stable ids and a hash of their content, which is how a learner
moving to a newer version keeps credit for what did not change.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db
from elearn.organisations.models import Organisation


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The package's stable id ("understanding-trafficking"): the same in every installation.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # The organisation that first imported it; nobody else can import over it.
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[Organisation | None] = relationship()
    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", order_by="CourseVersion.id", foreign_keys="CourseVersion.course_id"
    )


class CourseVersion(db.Model):
    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[VersionStatus] = mapped_column(
        Enum(
            VersionStatus,
            name="version_status",
            native_enum=False,
            create_constraint=True,
            length=12,
            values_callable=lambda statuses: [s.value for s in statuses],
        ),
        default=VersionStatus.DRAFT,
    )
    # The fingerprint of every file of the package: importing the same files changes nothing.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    format_version: Mapped[int] = mapped_column(Integer)
    languages: Mapped[list] = mapped_column(JSON)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    audiences: Mapped[list] = mapped_column(JSON)
    # The whole validated manifest (course.yaml), for pages, certificates and reports.
    manifest: Mapped[dict] = mapped_column(JSON)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    review_status: Mapped[str] = mapped_column(String(20))
    facts_checked: Mapped[date | None] = mapped_column(Date)
    # Which version of the contacts directory the lessons' help numbers come from.
    contacts_hash: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    replacement_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="version", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list[Quiz]] = relationship(
        back_populates="version", order_by="Quiz.position", cascade="all, delete-orphan"
    )
    files: Mapped[list[PackageFile]] = relationship(
        back_populates="version", order_by="PackageFile.path", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[LanguageReview]] = relationship(
        back_populates="version", order_by="LanguageReview.language", cascade="all, delete-orphan"
    )

    def text(self, field: str, language: str) -> str:
        """A translated field of the course in ``language``, else in its first language."""
        values = getattr(self, field) or {}
        return values.get(language) or values.get(self.languages[0], "")

    @property
    def recertification_quiz(self) -> str | None:
        """The quiz whose pass renews the course's certificate: the one the manifest names,
        else the last quiz outside the modules (the final quiz), else the last quiz."""
        named = (self.manifest.get("certificate") or {}).get("recertification_quiz")
        if named:
            return named
        finals = [quiz for quiz in self.quizzes if quiz.module_key is None] or self.quizzes
        return finals[-1].key if finals else None


class Blob(db.Model):
    """A file stored once however many versions use it, addressed by its SHA-256.

    The bytes live in the media storage (elearn/storage/) under ``storage_key``. Rows made
    before that kept them in ``data``; they stay readable until `elearn courses move-media`
    moves them. ``data`` is deferred so that looking a file up never loads its bytes.
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class PackageFile(db.Model):
    """Every file of the package a version came from, so that it can be exported unchanged."""

    __tablename__ = "package_files"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="RESTRICT"), index=True)
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    # True for images, audio, video, captions and handouts served to learners.
    is_media: Mapped[bool] = mapped_column(Boolean, default=False)

    version: Mapped[CourseVersion] = relationship(back_populates="files")


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    module_key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    duration: Mapped[int] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    titles: Mapped[dict] = mapped_column(JSON)
    # The text is deferred: outlines, progress and navigation read every lesson of a version
    # (keys, titles, order) and show none of it, while the HTML of all three languages is most
    # of a version's bytes. A page that shows a lesson reads its text in one language alone
    # (elearn/courses/lesson_text.py); touching either attribute loads both, for one lesson.
    objectives: Mapped[dict] = mapped_column(JSON, deferred=True, deferred_group="text")
    # Rendered and sanitised once, at import: {language: html}.
    html: Mapped[dict] = mapped_column(JSON, deferred=True, deferred_group="text")

    version: Mapped[CourseVersion] = relationship(back_populates="lessons")


class Quiz(db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    module_key: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    titles: Mapped[dict] = mapped_column(JSON)
    settings: Mapped[dict] = mapped_column(JSON)
    # A hash of every question's id and content: a pass carries to another version of the
    # course only if its quiz has the same fingerprint.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # Each question's id and content hash: credit for a question answered on an earlier
    # version carries over when its hash here is the same.
    question_hashes: Mapped[dict] = mapped_column(JSON, default=dict)

    version: Mapped[CourseVersion] = relationship(back_populates="quizzes")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    # The whole question, every text by language, answers included: never sent to a browser.
    data: Mapped[dict] = mapped_column(JSON)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class LanguageReview(db.Model):
    """Who reviewed a version's text in one language, and when (recorded when publishing)."""

    __tablename__ = "language_reviews"
    __table_args__ = (UniqueConstraint("version_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    # A person with an account (a trainer or an administrator), so that the record holds no
    # free-text name and an erased reviewer leaves no trace of theirs.
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    version: Mapped[CourseVersion] = relationship(back_populates="reviews")
