"""A course's versions as packages, their differences, and rollback: publishing an earlier
version's content again as a new version.

Services flush and never commit.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from flask_babel import lazy_gettext as _l

from elearn.audit.services import record
from elearn.authoring import files as package_files
from elearn.authoring import rights, services
from elearn.authoring.diff import PackageDiff, diff_packages
from elearn.content.loader import Package
from elearn.content.problems import PackageError
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.courses.services import import_package, publish_version, stored_files
from elearn.errors import DomainError
from elearn.extensions import db

# Loaded versions by their files' fingerprint (a version's files never change but can be
# re-cleaned, which gives a new fingerprint): the review page and the history's comparisons
# load a version once, not on every request.
_VERSIONS: OrderedDict[str, Package] = OrderedDict()
_VERSIONS_MAX = 6


def load_version(version: CourseVersion) -> Package:
    """The version's stored files as a loaded package. Raises DomainError when they no
    longer pass today's checks (the validator grew stricter since it was imported)."""
    digest = hashlib.sha256()
    for row in sorted(version.files, key=lambda r: r.path):
        digest.update(f"{row.path}\0{row.sha256}\n".encode())
    key = digest.hexdigest()
    package = _VERSIONS.get(key)
    if package is None:
        try:
            package = _VERSIONS[key] = services.validate(stored_files(version))
        except PackageError as error:
            raise DomainError(
                _l(
                    "Version %(label)s no longer passes today's package checks, so its "
                    "changes cannot be shown.",
                    label=version.label,
                )
            ) from error
        while len(_VERSIONS) > _VERSIONS_MAX:
            _VERSIONS.popitem(last=False)
    _VERSIONS.move_to_end(key)
    return package


def version_diff(before: CourseVersion, after: CourseVersion) -> PackageDiff:
    return diff_packages(load_version(before), load_version(after))


# History and rollback ----------------------------------------------------------------------


def rollback_label(course: Course) -> str:
    """The label a rollback publishes under: the next one after the newest, skipping the
    labels of every version and of the open draft."""
    taken = {v.label for v in course.versions}
    draft = services.open_draft(course)
    if draft is not None:
        taken.add(draft.label)
    newest = max(taken, key=services._label_key)
    return package_files.next_label(newest, taken)


def rollback_choices(course: Course) -> list[CourseVersion]:
    """Versions whose content can be published again: every published or withdrawn one but
    the newest published."""
    published = [v for v in course.versions if v.status == VersionStatus.PUBLISHED]
    newest = published[-1] if published else None
    return [
        v
        for v in course.versions
        if v.status in (VersionStatus.PUBLISHED, VersionStatus.WITHDRAWN) and v is not newest
    ]


def rollback(course: Course, source: CourseVersion, *, by) -> CourseVersion:
    """Publish ``source``'s content again as a new version, with its language reviews.
    Learners move to it by their own choice, as to any newer version. Raises DomainError."""
    if not rights.may_review_course(by, course):
        raise DomainError(_l("Only a reviewer of this course or an administrator can roll back."))
    if source.course_id != course.id or source not in rollback_choices(course):
        raise DomainError(
            _l("Choose an earlier published or withdrawn version."), field="version_id"
        )
    label = rollback_label(course)
    files = stored_files(source)
    manifest = files[package_files.MANIFEST].decode("utf-8")
    files[package_files.MANIFEST] = package_files.set_manifest_field(
        manifest, "version", label
    ).encode("utf-8")
    package = services.validate(files)
    version = import_package(
        package, organisation_id=course.owner_organisation_id, by_id=by.id, operator=True
    ).version
    reviews = {r.language: (r.reviewer_id, r.reviewed_on) for r in source.reviews}
    publish_version(version, by_id=by.id, reviews=reviews)
    record(
        "course.rolled_back",
        actor_id=by.id,
        target_type="course",
        target_id=course.id,
        source=source.label,
        version=label,
    )
    db.session.flush()
    return version
