"""A resource's life: created as a draft by a trainer or administrator, submitted for review,
approved or sent back with a note by an administrator who did not upload it, withdrawn.

Services flush and never commit (one commit per request). They raise DomainError with the
field the message belongs next to.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.courses.media import store_blob
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.resources.files import CheckedFile
from elearn.resources.models import Resource, ResourceFile, ResourceStatus

# Words of the library's own addresses (/resources/manage/...), which no key may take.
RESERVED_KEYS = frozenset({"manage"})


def resource_by_key(key: str) -> Resource | None:
    return db.session.scalar(select(Resource).where(Resource.key == key))


def may_edit(resource: Resource, user) -> bool:
    """The uploader while they are a trainer, and every administrator."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.TRAINER) and resource.created_by_id == user.id


def may_see(resource: Resource, user) -> bool:
    """Approved resources are public; the others only for who may edit or review them."""
    if resource.status == ResourceStatus.APPROVED:
        return True
    return user.is_authenticated and may_edit(resource, user)


def _texts(values: dict[str, str | None]) -> dict[str, str]:
    return {language: text.strip() for language, text in values.items() if text and text.strip()}


def _store_files(resource: Resource, files: dict[str, CheckedFile]) -> None:
    existing = {file.language: file for file in resource.files}
    for language, checked in sorted(files.items()):
        store_blob(checked.data, checked.sha256)
        row = existing.get(language)
        if row is None:
            row = ResourceFile(language=language)
            resource.files.append(row)
        row.blob_sha256 = checked.sha256
        row.file_name = checked.name
        row.media_type = checked.media_type
        row.size = checked.size
        row.uploaded_at = utcnow()


def create_resource(
    *,
    key: str,
    kind: str,
    audience: str,
    title: dict,
    description: dict,
    licence: str,
    attribution: str | None,
    files: dict[str, CheckedFile],
    by,
) -> Resource:
    """A new draft with its files stored (checked already, see files.check_upload).

    Raises DomainError for a key in use, no title in any language, or no file.
    """
    if key in RESERVED_KEYS:
        raise DomainError(_l("“%(key)s” is reserved: choose another key.", key=key), field="key")
    if resource_by_key(key) is not None:
        raise DomainError(
            _l("The key “%(key)s” is already used by another resource: choose another.", key=key),
            field="key",
        )
    resource = Resource(key=key, status=ResourceStatus.DRAFT, created_by_id=by.id)
    resource.organisation_id = by.organisation_id if by.confirmed_organisation_id else None
    resource.files = []
    _describe(resource, kind, audience, title, description, licence, attribution)
    if not files:
        raise DomainError(_l("Upload the file in at least one language."), field="file_ro")
    db.session.add(resource)
    _store_files(resource, files)
    db.session.flush()
    return resource


def _describe(resource, kind, audience, title, description, licence, attribution) -> None:
    title = _texts(title)
    if not title:
        raise DomainError(
            _l("Give the resource a title in at least one language."), field="title_ro"
        )
    resource.kind = kind
    resource.audience = audience
    resource.title = title
    resource.description = _texts(description)
    resource.licence = licence
    resource.attribution = (attribution or "").strip() or None


def update_resource(
    resource: Resource,
    *,
    kind: str,
    audience: str,
    title: dict,
    description: dict,
    licence: str,
    attribution: str | None,
    files: dict[str, CheckedFile],
) -> None:
    """New texts, and new files for some languages. A new file of an approved resource sends
    it back to review: what was approved is no longer what is offered. Raises DomainError
    for a withdrawn resource or no title left."""
    if resource.status == ResourceStatus.WITHDRAWN:
        raise DomainError(_l("A withdrawn resource cannot be changed."))
    _describe(resource, kind, audience, title, description, licence, attribution)
    if files:
        _store_files(resource, files)
        if resource.status == ResourceStatus.APPROVED:
            resource.status = ResourceStatus.IN_REVIEW
            resource.submitted_at = utcnow()
            resource.reviewed_at = None
            resource.reviewed_by_id = None
    resource.updated_at = utcnow()
    db.session.flush()


def submit_for_review(resource: Resource) -> None:
    """The uploader asks for a review. Raises DomainError unless it is a draft with a file."""
    if resource.status != ResourceStatus.DRAFT:
        raise DomainError(_l("Only a draft can be submitted for review."))
    if not resource.files:
        raise DomainError(_l("Upload the file in at least one language first."))
    resource.status = ResourceStatus.IN_REVIEW
    resource.submitted_at = utcnow()
    db.session.flush()


def _reviewable(resource: Resource, by) -> None:
    if resource.status != ResourceStatus.IN_REVIEW:
        raise DomainError(_l("This resource is not waiting for a review."))
    if resource.created_by_id == by.id:
        raise DomainError(_l("You uploaded this resource: another administrator reviews it."))


def approve(resource: Resource, *, by) -> None:
    """Offer the resource to everyone. Raises DomainError unless it waits for a review by
    someone other than its uploader."""
    _reviewable(resource, by)
    resource.status = ResourceStatus.APPROVED
    resource.reviewed_by_id = by.id
    resource.reviewed_at = utcnow()
    resource.review_note = None
    db.session.flush()


def send_back(resource: Resource, *, note: str, by) -> None:
    """Back to its uploader as a draft, with what to change. Raises DomainError as approve
    does, or for an empty note."""
    _reviewable(resource, by)
    if not (note or "").strip():
        raise DomainError(_l("Say what should change before sending it back."), field="note")
    resource.status = ResourceStatus.DRAFT
    resource.reviewed_by_id = by.id
    resource.reviewed_at = utcnow()
    resource.review_note = note.strip()
    db.session.flush()


def withdraw(resource: Resource, *, by) -> None:
    """No longer offered (kept for the sessions and events that used it)."""
    if resource.status == ResourceStatus.WITHDRAWN:
        raise DomainError(_l("This resource is already withdrawn."))
    resource.status = ResourceStatus.WITHDRAWN
    resource.reviewed_by_id = by.id
    resource.reviewed_at = utcnow()
    db.session.flush()
