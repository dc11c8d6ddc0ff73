"""What the library does when something happens elsewhere (elearn/signals.py): it says which
resource keys exist when a course package is imported, lists a person's uploads and reviews
in their data download, and forgets who they were when they are erased (the materials stay:
they belong to the organisation that publishes them)."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import update

from elearn.extensions import db
from elearn.resources import library
from elearn.resources.choices import AUDIENCES, FILE_TYPE_NAMES, KINDS, LICENCES
from elearn.resources.models import Resource
from elearn.signals import person_erased, personal_data_requested, resource_keys_known_requested


def known_keys(_sender, *, keys: set[str], **_details) -> set[str]:
    """Which of ``keys`` name a resource of the library."""
    return library.existing_keys(set(keys))


def resources_in_download(user, **_details) -> dict:
    """The resources the person uploaded or reviewed, with what they wrote about them."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "resources.json": [
            {
                "key": resource.key,
                "title": resource.title,
                "status": resource.status.value,
                "uploaded_by_you": resource.created_by_id == user.id,
                "reviewed_by_you": resource.reviewed_by_id == user.id,
                "review_note": resource.review_note if resource.reviewed_by_id == user.id else None,
                "created_at": iso(resource.created_at),
                "reviewed_at": iso(resource.reviewed_at),
            }
            for resource in library.resources_of(user.id)
        ]
    }


def forget_person(_user, *, user_id: int, **_details) -> None:
    """The resources stay in the library; who uploaded or reviewed them is forgotten."""
    db.session.execute(
        update(Resource).where(Resource.created_by_id == user_id).values(created_by_id=None)
    )
    db.session.execute(
        update(Resource).where(Resource.reviewed_by_id == user_id).values(reviewed_by_id=None)
    )


def init_app(app: Flask) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing), and let the
    course page list the approved resources its course names."""
    resource_keys_known_requested.connect(known_keys)
    personal_data_requested.connect(resources_in_download)
    person_erased.connect(forget_person)
    app.jinja_env.globals.update(
        library_resources=library.approved_by_keys,
        resource_kinds=KINDS,
        resource_audiences=AUDIENCES,
        resource_licences=LICENCES,
        resource_file_types=FILE_TYPE_NAMES,
    )
    app.jinja_env.filters["resource_size"] = readable_size


def readable_size(size: int) -> str:
    """A file's size as people read it: 850 kB, 2.4 MB (in the reader's number format)."""
    if size < 1000 * 1000:
        return _("%(size)s kB", size=format_decimal(max(1, round(size / 1000))))
    return _("%(size)s MB", size=format_decimal(round(size / 1000 / 1000, 1)))
