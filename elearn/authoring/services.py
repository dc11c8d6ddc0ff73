"""Drafts: starting one from a version, saving files into it, and moving it in and out of zips.

Every save goes through the package loader, the validator `elearn courses validate` uses, on
the whole draft as it would be after the save: a change the loader refuses is not written at
all, so a draft is always a valid package. Two people saving the same file from the same
starting point cannot overwrite each other: each save names the version of every file it
started from, and a file changed since is refused with both texts.

Services flush and never commit.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.audit.services import record
from elearn.authoring import files as package_files
from elearn.authoring.models import (
    OPEN_STATUSES,
    Draft,
    DraftContributor,
    DraftEvent,
    DraftEventKind,
    DraftFile,
    DraftStatus,
)
from elearn.content.loader import Package, load_package
from elearn.content.problems import N_, PackageError, Problem
from elearn.content.source import PackageFiles
from elearn.courses.media import blob_bytes, blob_chunks, store_blob
from elearn.courses.models import Blob, Course, CourseVersion, VersionStatus
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.reference import PROFESSIONS

# Drafts in these states are with a reviewer: the authors wait for the answer.
_LOCKED = (DraftStatus.IN_REVIEW, DraftStatus.APPROVED)


@dataclass
class Conflict(Exception):
    """Someone else saved ``path`` since the editor opened it: nothing was written."""

    path: str
    theirs: str  # the file as it is now, saved by the other person
    yours: str  # what this save would have written

    def __str__(self) -> str:
        return f"{self.path} changed since it was opened"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate(files: dict[str, bytes]) -> Package:
    """Load ``files`` as a package; raises PackageError listing every problem."""
    return load_package(PackageFiles("draft", dict(files)), professions=set(PROFESSIONS))


# Reading ------------------------------------------------------------------------------------


def open_draft(course: Course) -> Draft | None:
    """The course's draft being written or reviewed, if there is one."""
    return db.session.scalar(
        select(Draft).where(Draft.course_id == course.id, Draft.status.in_(OPEN_STATUSES))
    )


def file_map(draft: Draft) -> dict[str, DraftFile]:
    return {file.path: file for file in draft.files}


def read_file(draft: Draft, path: str) -> bytes | None:
    """One file's bytes, or None if the draft has no such file."""
    row = file_map(draft).get(path)
    if row is None:
        return None
    return blob_bytes(db.session.get(Blob, row.sha256))


def read_text(draft: Draft, path: str) -> str | None:
    data = read_file(draft, path)
    return None if data is None else data.decode("utf-8")


def draft_files(draft: Draft) -> dict[str, bytes]:
    """Every file of the draft, by path."""
    blobs = _blobs(row.sha256 for row in draft.files)
    return {row.path: blob_bytes(blobs[row.sha256]) for row in draft.files}


# Loaded drafts by their files' fingerprint: opening the editor's pages one after another
# loads (renders, checks) the package once, not on every page. Packages are never changed
# after loading; a save makes a new fingerprint.
_LOADED: OrderedDict[str, Package] = OrderedDict()
_LOADED_MAX = 8


def fingerprint(draft: Draft) -> str:
    digest = hashlib.sha256()
    for row in sorted(draft.files, key=lambda r: r.path):
        digest.update(f"{row.path}\0{row.sha256}\n".encode())
    return digest.hexdigest()


def _remember(draft: Draft, package: Package) -> None:
    """Keep a package just loaded for a save: the page after the save shows the same files."""
    _LOADED[fingerprint(draft)] = package
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.popitem(last=False)


def load_draft(draft: Draft) -> Package:
    """The draft as a loaded package (it always loads: every save was validated)."""
    key = fingerprint(draft)
    package = _LOADED.get(key)
    if package is None:
        package = validate(draft_files(draft))
        _remember(draft, package)
    else:
        _LOADED.move_to_end(key)
    return package


def _blobs(hashes: Iterable[str]) -> dict[str, Blob]:
    wanted = set(hashes)
    return {b.sha256: b for b in db.session.scalars(select(Blob).where(Blob.sha256.in_(wanted)))}


def source_language(draft: Draft, package: Package | None = None) -> str:
    """The language translations follow: the course's first."""
    if package is not None:
        return package.languages[0]
    return (draft.base_version.languages if draft.base_version else ["ro"])[0]


def translation_states(draft: Draft, package: Package) -> dict[str, dict[str, str]]:
    """For each lesson, each language's state: 'source' (the first language), 'current',
    'out_of_date' (its source changed since it was last saved) or 'missing'."""
    rows = file_map(draft)
    first = package.languages[0]
    states: dict[str, dict[str, str]] = {}
    for lesson in package.lessons:
        source = rows.get(package_files.lesson_path(lesson.id, first))
        states[lesson.id] = {}
        for language in package.languages:
            row = rows.get(package_files.lesson_path(lesson.id, language))
            if language == first:
                state = "source" if row else "missing"
            elif row is None:
                state = "missing"
            elif source is not None and row.source_sha256 not in (None, source.sha256):
                state = "out_of_date"
            else:
                state = "current"
            states[lesson.id][language] = state
    return states


# Starting a draft ---------------------------------------------------------------------------


def latest_version(course: Course) -> CourseVersion | None:
    """The version a new draft starts from: the newest published, else the newest."""
    published = [v for v in course.versions if v.status == VersionStatus.PUBLISHED]
    versions = published or list(course.versions)
    return versions[-1] if versions else None


def proposed_label(course: Course, after: str) -> str:
    return package_files.next_label(after, {v.label for v in course.versions} | {after})


def start_draft(
    course: Course, *, by_id: int | None, from_version: CourseVersion | None = None
) -> Draft:
    """The course's open draft, or a new one holding ``from_version``'s files (by default
    the latest published version) under the next version label.

    Raises DomainError when the course has no version to start from, or when another
    version is asked for while a draft is already open.
    """
    existing = open_draft(course)
    if existing is not None:
        if from_version is not None and existing.base_version_id != from_version.id:
            raise DomainError(_l("This course already has a draft: publish or discard it first."))
        return existing
    base = from_version or latest_version(course)
    if base is None:
        raise DomainError(_l("This course has no version to start a draft from."))
    label = proposed_label(course, max((v.label for v in course.versions), key=_label_key))
    draft = Draft(course=course, base_version_id=base.id, label=label, created_by_id=by_id)
    first = base.languages[0]
    shas = {file.path: file.sha256 for file in base.files}
    for path, digest in shas.items():
        parsed = package_files.parse_lesson_path(path)
        source = None
        if parsed and parsed[1] != first:
            source = shas.get(package_files.lesson_path(parsed[0], first))
        draft.files.append(
            DraftFile(path=path, sha256=digest, source_sha256=source, updated_by_id=by_id)
        )
    db.session.add(draft)
    db.session.flush()
    manifest = read_text(draft, package_files.MANIFEST)
    # The new label is the platform's doing, not an author's change.
    _write(draft, {package_files.MANIFEST: _relabel(manifest, label)}, by_id=None)
    draft.revision = 1
    draft.events.append(DraftEvent(kind=DraftEventKind.CREATED, actor_id=by_id, revision=1))
    record(
        "draft.started",
        actor_id=by_id,
        target_type="course",
        target_id=course.id,
        base=base.label,
        label=label,
    )
    db.session.flush()
    return draft


def _label_key(label: str):
    """Version labels in numeric order ('1.10' after '1.9')."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in label.split(".")]


def _relabel(manifest: str, label: str) -> bytes:
    return package_files.set_manifest_field(manifest, "version", label).encode("utf-8")


# Saving -------------------------------------------------------------------------------------


def check_editable(draft: Draft) -> None:
    if not draft.is_open:
        raise DomainError(_l("This draft is closed: start a new one to make changes."))
    if draft.status in _LOCKED:
        raise DomainError(
            _l("This draft is with a reviewer. Ask them to send it back before changing it.")
        )


def save(
    draft: Draft,
    changes: dict[str, bytes | None],
    *,
    by_id: int | None,
    base: dict[str, str | None] | None = None,
    synced: Iterable[str] = (),
) -> Package:
    """Write ``changes`` (path to new bytes, or None to delete) into the draft.

    ``base`` maps a path to the sha256 it had when the editor opened it (None: it did not
    exist); a file that has changed since raises Conflict. The draft as it would be is
    loaded first: PackageError lists every problem and nothing is written. ``synced`` names
    translations confirmed as still matching their source. Raises DomainError for a draft
    that is with a reviewer or closed, or a change to the course's id or version label.
    """
    check_editable(draft)
    rows = file_map(draft)
    for path, started in (base or {}).items():
        now = rows[path].sha256 if path in rows else None
        if now != started:
            theirs = read_file(draft, path) or b""
            yours = changes.get(path) or b""
            raise Conflict(
                path, theirs.decode("utf-8", "replace"), yours.decode("utf-8", "replace")
            )
    current = draft_files(draft)
    after = {path: data for path, data in current.items() if changes.get(path, data) is not None}
    after.update({path: data for path, data in changes.items() if data is not None})
    package = validate(after)
    if package.manifest.id != draft.course.slug or package.manifest.version != draft.label:
        raise PackageError(
            [
                Problem(
                    N_(
                        "The course's id and version are set by the platform: keep id "
                        "%(id)s and version %(version)s in course.yaml."
                    ),
                    package_files.MANIFEST,
                    params={"id": draft.course.slug, "version": draft.label},
                )
            ]
        )
    # The loader's copy: media cleaned of their metadata, as a package import stores them.
    kept = {
        path: package.files[path] if data is not None else None for path, data in changes.items()
    }
    changed = {path: data for path, data in kept.items() if current.get(path) != data}
    _write(draft, changed, by_id=by_id, synced=set(synced), first=package.languages[0])
    _remember(draft, package)
    return package


def _write(
    draft: Draft,
    changes: dict[str, bytes | None],
    *,
    by_id: int | None,
    synced: set[str] = frozenset(),
    first: str | None = None,
) -> None:
    rows = file_map(draft)
    first = first or source_language(draft)
    # Every blob first, flushed, then the rows that point at them: a row flushed before its
    # blob (the unit of work does not know the one needs the other) breaks the foreign key.
    digests = {path: sha(data) for path, data in changes.items() if data is not None}
    for path, digest in digests.items():
        store_blob(changes[path], digest)
    db.session.flush()
    for path, data in sorted(changes.items()):
        if data is None:
            if path in rows:
                draft.files.remove(rows.pop(path))
            continue
        digest = digests[path]
        row = rows.get(path)
        if row is None:
            row = rows[path] = DraftFile(path=path, sha256=digest)
            draft.files.append(row)
        row.sha256, row.updated_at, row.updated_by_id = digest, utcnow(), by_id
    # A translation saved now, or confirmed, is in step with its source as it is now.
    for path in set(changes) | set(synced):
        parsed = package_files.parse_lesson_path(path)
        if parsed and parsed[1] != first and path in rows:
            source = rows.get(package_files.lesson_path(parsed[0], first))
            rows[path].source_sha256 = source.sha256 if source else None
    if changes or synced:
        draft.revision += 1
        draft.updated_at = utcnow()
        if draft.status == DraftStatus.CHANGES_REQUESTED:
            draft.status = DraftStatus.EDITING
        draft.signoffs.clear()
        if by_id is not None and all(c.user_id != by_id for c in draft.contributors):
            draft.contributors.append(DraftContributor(user_id=by_id))
    db.session.flush()


def discard(draft: Draft, *, by_id: int) -> None:
    if not draft.is_open:
        raise DomainError(_l("This draft is already closed."))
    draft.status = DraftStatus.DISCARDED
    draft.events.append(
        DraftEvent(kind=DraftEventKind.DISCARDED, actor_id=by_id, revision=draft.revision)
    )
    record("draft.discarded", actor_id=by_id, target_type="course", target_id=draft.course_id)
    db.session.flush()


# Zips ---------------------------------------------------------------------------------------


def write_zip(files: dict[str, bytes] | None, target, *, rows=None) -> None:
    """A package zip with fixed dates, files in path order, so that equal packages give
    equal zips. ``rows`` (path, Blob) streams stored files instead of ``files``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        items = sorted(rows) if rows is not None else sorted(files.items())
        for path, content in items:
            info = zipfile.ZipInfo(path, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(content, bytes):
                archive.writestr(info, content)
                continue
            with archive.open(info, "w", force_zip64=content.size > 2**31) as member:
                for chunk in blob_chunks(content, 0, content.size):
                    member.write(chunk)


def export_draft(draft: Draft, target=None) -> bytes | None:
    """The draft as a package zip (written to ``target`` when given, else returned)."""
    buffer = target if target is not None else io.BytesIO()
    blobs = _blobs(row.sha256 for row in draft.files)
    write_zip(None, buffer, rows=[(row.path, blobs[row.sha256]) for row in draft.files])
    return buffer.getvalue() if target is None else None


def replace_files(draft: Draft, incoming: dict[str, bytes], *, by_id: int | None) -> Package:
    """Put a whole package (an uploaded zip) in place of the draft's files.

    The course's id must match; the version label is the draft's, set in course.yaml if the
    zip says otherwise. Raises PackageError, or DomainError for a draft that cannot change.
    """
    check_editable(draft)
    files = dict(incoming)
    package = validate(files)
    if package.manifest.id != draft.course.slug:
        raise DomainError(
            _l(
                "This package is the course '%(other)s', not '%(course)s'.",
                other=package.manifest.id,
                course=draft.course.slug,
            )
        )
    if package.manifest.version != draft.label:
        files[package_files.MANIFEST] = _relabel(
            files[package_files.MANIFEST].decode("utf-8"), draft.label
        )
        package = validate(files)
    files = package.files
    current = draft_files(draft)
    changes: dict[str, bytes | None] = {p: None for p in current if p not in files}
    changes.update({p: data for p, data in files.items() if current.get(p) != data})
    _write(draft, changes, by_id=by_id, first=package.languages[0])
    return package


def import_new_course(
    incoming: dict[str, bytes], *, organisation_id: int | None, by_id: int | None
) -> Draft:
    """A zip of a course the platform does not have yet, kept as a draft of its first
    version exactly as it came (so that exporting it gives the same files back).

    Raises PackageError, or DomainError if the course already exists.
    """
    package = validate(incoming)
    if db.session.scalar(select(Course).where(Course.slug == package.manifest.id)):
        raise DomainError(
            _l(
                "The course '%(course)s' already exists: open it and import the zip into its "
                "draft.",
                course=package.manifest.id,
            )
        )
    course = Course(slug=package.manifest.id, owner_organisation_id=organisation_id)
    db.session.add(course)
    db.session.flush()
    draft = Draft(course=course, label=package.manifest.version, created_by_id=by_id)
    db.session.add(draft)
    draft.events.append(DraftEvent(kind=DraftEventKind.CREATED, actor_id=by_id, revision=1))
    db.session.flush()
    _write(draft, dict(package.files), by_id=by_id, first=package.languages[0])
    draft.revision = 1
    record("draft.imported", actor_id=by_id, target_type="course", target_id=course.id)
    return draft
