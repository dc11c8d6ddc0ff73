"""Copying a platform course into an organisation, to adapt it there.

The copy is a new course owned by the organisation, whose first version is written as a
draft: the source's latest published files, with course.yaml's ``id`` and ``version`` (and
the titles, when new ones are given) changed by yamledit, line by line. Everything else stays
as it was, ``authors`` and ``licence`` included (CC BY-SA needs attribution); the other files
point at the same stored blobs. The draft's base version is the SOURCE version, so that its
review shows what the organisation adapted. A CourseOrigin row records where it came from.

Services flush and never commit.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.audit.services import record
from elearn.authoring import files as package_files
from elearn.authoring import services, yamledit
from elearn.authoring.models import (
    CourseAuthor,
    CourseOrigin,
    Draft,
    DraftEvent,
    DraftEventKind,
    DraftFile,
)
from elearn.courses.media import blob_bytes, store_blob
from elearn.courses.models import Blob, Course, CourseVersion
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.services import latest_published, newest_published
from elearn.organisations.models import Organisation

FIRST_LABEL = "1.0.0"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # the format's rule (content/schema.py)
SLUG_MAX = 80
_SHORT_MAX = 20


def is_copyable(course: Course) -> bool:
    """Only platform courses (shipped with the platform, owned by no organisation) are
    copied; an organisation's course stays its own."""
    return course.owner_organisation_id is None


def copyable_courses() -> list[CourseVersion]:
    """The newest published version of every platform course, by slug (two queries)."""
    versions = [v for v in latest_published().values() if v.course.owner_organisation_id is None]
    return sorted(versions, key=lambda v: v.course.slug)


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def short_name(organisation: Organisation) -> str:
    """A short slug for the organisation: its name, or the initials of its words when the
    name is long ('Școala Gimnazială nr. 11 Oradea' -> 'sgn11o')."""
    full = _slugify(organisation.name)
    if len(full) <= _SHORT_MAX:
        return full or "org"
    words = full.split("-")
    return "".join(word if word.isdigit() else word[0] for word in words)[:_SHORT_MAX]


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None


def proposed_slug(source: Course, organisation: Organisation) -> str:
    """``<slug>-<short org name>``, numbered when that is taken."""
    suffix = f"-{short_name(organisation)}"
    stem = source.slug[: SLUG_MAX - len(suffix) - 4] + suffix
    candidate, number = stem, 1
    while slug_taken(candidate):
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


def check_slug(slug: str) -> None:
    """Raises DomainError (on the ``slug`` field) for an id the format refuses or that a
    course already has."""
    if not slug or len(slug) > SLUG_MAX or not SLUG.match(slug):
        raise DomainError(
            _l(
                "Use lowercase letters a to z, digits and single hyphens between them, "
                "at most 80 characters, like teachers-course-sgn11o."
            ),
            field="slug",
        )
    if slug_taken(slug):
        raise DomainError(
            _l("A course with the id %(slug)s already exists: choose another.", slug=slug),
            field="slug",
        )


def copied_manifest(text: str, *, slug: str, titles: dict[str, str]) -> str:
    """course.yaml of the copy: new id, first version, and the titles given (others kept)."""

    def change(data):
        data["id"] = slug
        data["version"] = yamledit.to_yaml(FIRST_LABEL)
        for language, title in titles.items():
            if title and data["title"].get(language) != title:
                data["title"][language] = title

    return yamledit.edit(text, change)


def copy_course(
    source: Course,
    *,
    organisation_id: int,
    slug: str,
    titles: dict[str, str] | None = None,
    by_id: int | None,
) -> Draft:
    """A copy of ``source`` owned by ``organisation_id``, as a draft of its version 1.0.0.

    The copier becomes its first co-author. Raises DomainError for a course that is not a
    platform course or has no published version, or for a refused id (field ``slug``);
    PackageError if the copied package does not validate (nothing is written then).
    """
    if not is_copyable(source):
        raise DomainError(_l("Only the platform's own courses can be copied."))
    version = newest_published(source)
    if version is None:
        raise DomainError(_l("This course has no published version to copy."))
    check_slug(slug)
    shas = {file.path: file.sha256 for file in version.files}
    files = {path: blob_bytes(db.session.get(Blob, sha)) for path, sha in shas.items()}
    manifest = files[package_files.MANIFEST].decode("utf-8")
    files[package_files.MANIFEST] = copied_manifest(
        manifest, slug=slug, titles=titles or {}
    ).encode("utf-8")
    package = services.validate(files)
    if package.manifest.id != slug or package.manifest.version != FIRST_LABEL:
        raise DomainError(_l("The copy's course.yaml could not be prepared: nothing was copied."))
    # The loader's copy of each file, as a draft keeps them; the same blob wherever unchanged.
    for path, data in package.files.items():
        if data != files.get(path) or path == package_files.MANIFEST:
            shas[path] = services.sha(data)
            store_blob(data, shas[path])

    course = Course(slug=slug, owner_organisation_id=organisation_id)
    db.session.add(course)
    db.session.flush()
    db.session.add(
        CourseOrigin(
            course_id=course.id,
            source_version_id=version.id,
            source_course=source.slug,
            source_label=version.label,
            copied_by_id=by_id,
        )
    )
    if by_id is not None:
        db.session.add(CourseAuthor(course_id=course.id, user_id=by_id, added_by_id=by_id))
    draft = Draft(course=course, base_version_id=version.id, label=FIRST_LABEL, created_by_id=by_id)
    first = package.languages[0]
    for path, digest in sorted(shas.items()):
        parsed = package_files.parse_lesson_path(path)
        source_sha = None
        if parsed and parsed[1] != first:
            source_sha = shas.get(package_files.lesson_path(parsed[0], first))
        draft.files.append(
            DraftFile(path=path, sha256=digest, source_sha256=source_sha, updated_by_id=by_id)
        )
    draft.events.append(DraftEvent(kind=DraftEventKind.CREATED, actor_id=by_id, revision=1))
    db.session.add(draft)
    db.session.flush()
    record(
        "course.copied",
        actor_id=by_id,
        target_type="course",
        target_id=course.id,
        source=source.slug,
        label=version.label,
    )
    db.session.flush()
    return draft


def origin_of(course_id: int) -> CourseOrigin | None:
    return db.session.get(CourseOrigin, course_id)
