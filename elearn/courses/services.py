"""Importing a loaded package, and the life of a course version: publish, withdraw, export.

The importer writes one package in one transaction (the caller commits): the same content
again changes nothing, changed content under a new version label becomes a new version, and a
label reused for different content is refused. A course belongs to the organisation that first
imported it.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.audit.services import record
from elearn.content.contacts import load_directory
from elearn.content.loader import Package
from elearn.content.markdown import rendering_fingerprint, resource_keys
from elearn.content.media import MIME_TYPES
from elearn.courses.media import blob_bytes, blob_chunks, store_blob
from elearn.courses.models import (
    Blob,
    Course,
    CourseVersion,
    LanguageReview,
    Lesson,
    PackageFile,
    Question,
    Quiz,
    VersionStatus,
)
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.versions import learner_counts, move_learners
from elearn.signals import resource_keys_known_requested, signatory_known_requested


@dataclass
class ImportResult:
    version: CourseVersion
    created: bool
    # Problems that do not stop the import but that the importer must hear about.
    warnings: list = field(default_factory=list)


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def import_package(
    package: Package,
    *,
    organisation_id: int | None,
    by_id: int | None,
    publish: bool = False,
    operator: bool = False,
) -> ImportResult:
    """Store ``package`` as a version of its course.

    ``organisation_id`` is the importer's organisation (it owns a new course). The operator's
    command line (``operator=True``) may import into a course of any owner. Raises DomainError
    for a course owned by another organisation, or a version label reused for other content.
    """
    manifest = package.manifest
    course = course_by_slug(manifest.id)
    if course is None:
        course = Course(slug=manifest.id, owner_organisation_id=organisation_id)
        db.session.add(course)
        db.session.flush()
    elif not operator and course.owner_organisation_id != organisation_id:
        raise DomainError(
            _l(
                "The course '%(course)s' belongs to another organisation; "
                "you cannot import over it.",
                course=manifest.id,
            )
        )
    same = db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.content_hash == package.content_hash
        )
    )
    if same is not None:
        return ImportResult(same, created=False, warnings=package_warnings(manifest, package))
    taken = db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.label == manifest.version
        )
    )
    if taken is not None:
        raise DomainError(
            _l(
                "Version %(version)s of '%(course)s' already exists with other content. Give the "
                "changed package a new version in course.yaml.",
                version=manifest.version,
                course=manifest.id,
            )
        )
    version = CourseVersion(
        course_id=course.id,
        label=manifest.version,
        status=VersionStatus.DRAFT,
        content_hash=package.content_hash,
        format_version=manifest.format,
        languages=list(manifest.languages),
        title=dict(manifest.title),
        summary=dict(manifest.summary),
        audiences=list(manifest.audiences),
        manifest=manifest.model_dump(mode="json"),
        duration_minutes=sum(lesson.duration for lesson in package.lessons)
        + sum(quiz.settings.duration for quiz in package.quizzes),
        review_status=manifest.review_status,
        facts_checked=manifest.facts_checked,
        contacts_hash=package.contacts_hash,
        created_by_id=by_id,
    )
    for path, data in sorted(package.files.items()):
        sha = hashlib.sha256(data).hexdigest()
        store_blob(data, sha)
        suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
        version.files.append(
            PackageFile(
                path=path,
                sha256=sha,
                mime_type=MIME_TYPES.get(suffix, "application/octet-stream"),
                is_media=path.startswith("media/"),
            )
        )
    for lesson in package.lessons:
        version.lessons.append(
            Lesson(
                key=lesson.id,
                module_key=lesson.module_id,
                position=lesson.position,
                duration=lesson.duration,
                required=lesson.required,
                content_hash=lesson.content_hash,
                titles={language: text.title for language, text in lesson.texts.items()},
                objectives={language: text.objectives for language, text in lesson.texts.items()},
                html={language: text.html for language, text in lesson.texts.items()},
            )
        )
    for position, quiz in enumerate(package.quizzes, start=1):
        row = Quiz(
            fingerprint=quiz_fingerprint(quiz.question_hashes),
            question_hashes=dict(quiz.question_hashes),
            key=quiz.settings.id,
            module_key=quiz.module_id,
            position=position,
            titles=dict(quiz.settings.title),
            settings=quiz.settings.model_dump(mode="json"),
        )
        for index, question in enumerate(quiz.questions, start=1):
            row.questions.append(
                Question(
                    key=question["id"],
                    position=index,
                    type=question["type"],
                    content_hash=quiz.question_hashes[question["id"]],
                    data=question,
                )
            )
        version.quizzes.append(row)
    db.session.add(version)
    db.session.flush()
    record(
        "course.imported",
        actor_id=by_id,
        target_type="course_version",
        target_id=version.id,
        course=manifest.id,
        version=manifest.version,
    )
    if publish:
        publish_version(version, by_id=by_id, reviews={})
    return ImportResult(version, created=True, warnings=package_warnings(manifest, package))


def package_warnings(manifest, package: Package | None = None) -> list:
    """What an imported package names that the platform does not hold: a certificate's
    signatory (its certificates would say "Signed on behalf of" the issuer, with no
    signature, until an administrator adds one with that key), and resources of the library
    (``resources:``, ``{{resource:key}}``) that do not exist yet (their links lead nowhere)."""
    warnings = _resource_warnings(manifest, package) if package is not None else []
    key = manifest.certificate.signatory if manifest.certificate else None
    if not key:
        return warnings
    answers = signatory_known_requested.send(manifest, key=key)
    if any(known for _receiver, known in answers):
        return warnings
    return [
        _l(
            "The certificate names the signatory “%(key)s”, who does not exist on this "
            "platform: its certificates will be signed on behalf of the issuer, without a "
            "signature, until an administrator adds a signatory with this key.",
            key=key,
        ),
        *warnings,
    ]


def _resource_warnings(manifest, package: Package) -> list:
    keys = set(manifest.resources or [])
    for path, data in package.files.items():
        if path.startswith("lessons/") and path.endswith(".md"):
            keys |= resource_keys(data.decode("utf-8", "replace"))
    if not keys:
        return []
    known = set()
    for _receiver, answer in resource_keys_known_requested.send(manifest, keys=set(keys)):
        known |= set(answer or ())
    return [
        _l(
            "The course names the resource “%(key)s”, which is not in the resource library: "
            "its link leads nowhere until a resource with this key is uploaded.",
            key=key,
        )
        for key in sorted(keys - known)
    ]


def quiz_fingerprint(question_hashes: dict[str, str]) -> str:
    """One hash of a quiz's questions, their ids and their content."""
    text = "\n".join(f"{key}:{value}" for key, value in sorted(question_hashes.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def publish_version(
    version: CourseVersion, *, by_id: int | None, reviews: dict[str, tuple[int, date]]
) -> None:
    """Make a draft visible to learners, recording who reviewed each language and when.

    ``reviews`` maps a language to (reviewer's user id, date). Raises DomainError unless the
    version is a draft.
    """
    if version.status != VersionStatus.DRAFT:
        raise DomainError(_l("Only a draft can be published."))
    for language, (reviewer_id, reviewed_on) in sorted(reviews.items()):
        version.reviews.append(
            LanguageReview(
                language=language,
                reviewer_id=reviewer_id,
                reviewed_on=reviewed_on,
                recorded_by_id=by_id,
            )
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = by_id
    record(
        "course.published",
        actor_id=by_id,
        target_type="course_version",
        target_id=version.id,
        languages_reviewed=sorted(reviews),
    )
    db.session.flush()


def withdraw_version(
    version: CourseVersion, *, replacement: CourseVersion | None, reason: str, by_id: int
) -> None:
    """Take a published version out of the catalogue at once; its learners move to
    ``replacement`` (a published version of the same course), keeping credit for what did
    not change."""
    if version.status != VersionStatus.PUBLISHED:
        raise DomainError(_l("Only a published version can be withdrawn."))
    if replacement is None and learner_counts().get(version.id):
        raise DomainError(
            _l("This version has learners: choose the version to move them to."),
            field="replacement",
        )
    if replacement is not None and (
        replacement.course_id != version.course_id
        or replacement.status != VersionStatus.PUBLISHED
        or replacement.id == version.id
    ):
        raise DomainError(
            _l("Choose another published version of the same course."), field="replacement"
        )
    version.status = VersionStatus.WITHDRAWN
    version.withdrawn_at = utcnow()
    version.withdrawn_by_id = by_id
    version.withdrawal_reason = reason
    version.replacement_id = replacement.id if replacement else None
    moved = move_learners(version, replacement) if replacement is not None else 0
    record(
        "course.withdrawn",
        actor_id=by_id,
        target_type="course_version",
        target_id=version.id,
        replacement=version.replacement_id,
        reason=reason,
        learners_moved=moved,
    )
    db.session.flush()


def transfer_course(course: Course, organisation_id: int | None, *, by_id: int) -> None:
    before = course.owner_organisation_id
    course.owner_organisation_id = organisation_id
    record(
        "course.transferred",
        actor_id=by_id,
        target_type="course",
        target_id=course.id,
        before={"organisation_id": before},
        after={"organisation_id": organisation_id},
    )
    db.session.flush()


def export_zip(version: CourseVersion, target=None) -> bytes | None:
    """The version's package, exactly as imported, as a zip.

    Written to ``target`` (a binary file) a chunk at a time when one is given, else returned.
    """
    buffer = target if target is not None else io.BytesIO()
    blobs = _blobs(version)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(version.files, key=lambda f: f.path):
            info = zipfile.ZipInfo(file.path, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            blob = blobs[file.sha256]
            with archive.open(info, "w", force_zip64=blob.size > 2**31) as member:
                for chunk in blob_chunks(blob, 0, blob.size):
                    member.write(chunk)
    return buffer.getvalue() if target is None else None


def _blobs(version: CourseVersion) -> dict[str, Blob]:
    return {
        blob.sha256: blob
        for blob in db.session.scalars(
            select(Blob).where(Blob.sha256.in_([f.sha256 for f in version.files]))
        )
    }


def stored_files(version: CourseVersion) -> dict[str, bytes]:
    """The version's package files, from the media storage (or the database, for old rows)."""
    blobs = _blobs(version)
    return {file.path: blob_bytes(blobs[file.sha256]) for file in version.files}


def rerender_stale_lessons(load, *, every_version: bool = False) -> int:
    """Render again the lessons of every version made with an older contacts directory, renderer
    or sanitiser (see rendering_fingerprint), so that a corrected help number, or a change in how
    lessons are rendered (tables in scrolling regions), reaches every course.
    ``load(files)`` loads a package. Returns how many versions were refreshed.

    Loading cleans the media again: a file whose bytes change (one stored before the current
    metadata cleaning, still carrying a location) is stored anew and the version points at
    the clean copy, so that the lessons' media URLs (hash and name) match the files served.
    The old URL of such a file stops working, on purpose. ``every_version`` re-cleans every
    version, not only those with an older contacts directory (after upgrading the cleaner).
    """
    _directory, contacts_hash = load_directory()
    current = rendering_fingerprint(contacts_hash)
    refreshed = 0
    query = select(CourseVersion)
    if not every_version:
        query = query.where(CourseVersion.contacts_hash != current)
    for version in db.session.scalars(query).all():
        package = load(stored_files(version))
        for file in version.files:
            sha = hashlib.sha256(package.files[file.path]).hexdigest()
            if sha != file.sha256:
                store_blob(package.files[file.path], sha)
                file.sha256 = sha
        texts = {lesson.id: lesson.texts for lesson in package.lessons}
        for lesson in version.lessons:
            lesson.html = {language: text.html for language, text in texts[lesson.key].items()}
        version.contacts_hash = current
        refreshed += 1
    db.session.flush()
    return refreshed
