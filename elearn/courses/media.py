"""Course files in the media storage: storing, finding who may fetch one, streaming ranges.

A file is stored once per content (its SHA-256) and found by that hash AND its name among the
files of versions the reader may see: published and withdrawn versions for everyone, drafts
only for the people who may preview them. It is streamed a chunk at a time, one HTTP range at
a time, so that a learner skipping through a 60 MB video costs the worker 64 KB at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from flask import Response, request
from sqlalchemy import select

from elearn.courses.models import Blob, CourseVersion, PackageFile, VersionStatus
from elearn.extensions import db
from elearn.storage import CHUNK, Storage, blob_key, read_all, storage

VISIBLE_TO_ALL = (VersionStatus.PUBLISHED, VersionStatus.WITHDRAWN)
YEAR = 31536000


def store_blob(data: bytes, sha256: str) -> None:
    """Put ``data`` in the media storage once, and index it (flushes nothing itself)."""
    if db.session.get(Blob, sha256) is None:
        key = blob_key(sha256)
        storage().put(key, io.BytesIO(data))
        db.session.add(Blob(sha256=sha256, size=len(data), storage_key=key))


def blob_chunks(blob: Blob, start: int, end: int, store: Storage | None = None) -> Iterator[bytes]:
    """Bytes ``start`` to ``end`` (exclusive) of a stored file, in chunks."""
    if blob.storage_key is None:  # a row from before the media storage: bytes in the database
        data = blob.data or b""
        return iter([data[i : min(i + CHUNK, end)] for i in range(start, end, CHUNK)])
    return (store or storage()).open_range(blob.storage_key, start, end)


def blob_bytes(blob: Blob) -> bytes:
    if blob.storage_key is None:
        return blob.data or b""
    return read_all(storage(), blob.storage_key)


@dataclass
class Found:
    file: PackageFile
    blob: Blob
    public: bool


def find_media(sha256: str, name: str, may_preview) -> Found | None:
    """The media file with this content and name that the reader may fetch, or None.

    ``may_preview(version)`` says whether the reader may see a draft. A file in any published
    or withdrawn version is public (and cached for good); one only in drafts is private.
    """
    rows = db.session.execute(
        select(PackageFile, CourseVersion)
        .join(CourseVersion, CourseVersion.id == PackageFile.version_id)
        .where(PackageFile.sha256 == sha256, PackageFile.is_media.is_(True))
        .order_by(PackageFile.id)
    ).all()
    named = [(file, version) for file, version in rows if PurePosixPath(file.path).name == name]
    chosen = next(((f, v) for f, v in named if v.status in VISIBLE_TO_ALL), None)
    public = chosen is not None
    if chosen is None:
        chosen = next(((f, v) for f, v in named if may_preview(v)), None)
    if chosen is None:
        return None
    return Found(chosen[0], db.session.get(Blob, sha256), public)


def _disposition(name: str, attachment: bool) -> str:
    kind = "attachment" if attachment else "inline"
    if name.isascii() and name.isprintable() and not set(name) & set('"\\;'):
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename*=UTF-8''{quote(name, safe='')}"


def media_response(found: Found, name: str) -> Response:
    """The file, or the one range asked for, streamed; 304 when the browser has it."""
    blob = found.blob
    etag = blob.sha256
    headers = {
        "ETag": f'"{etag}"',
        "Accept-Ranges": "bytes",
        "Cache-Control": (
            f"public, max-age={YEAR}, immutable" if found.public else "private, no-store"
        ),
        "Content-Disposition": _disposition(name, name.lower().endswith(".pdf")),
    }
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    size = blob.size
    start, end, status = 0, size, 200
    wanted = request.range
    if request.if_range.etag is not None and request.if_range.etag != etag:
        wanted = None
    if request.if_range.date is not None:
        wanted = None  # our validator is the ETag; a date never matches it
    if wanted is not None and wanted.units == "bytes" and len(wanted.ranges) == 1:
        bounds = wanted.range_for_length(size)
        if bounds is None:
            headers["Content-Range"] = f"bytes */{size}"
            return Response(status=416, headers=headers)
        start, end = bounds
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    response = Response(
        blob_chunks(blob, start, end),
        status=status,
        mimetype=found.file.mime_type,
        headers=headers,
        direct_passthrough=True,
    )
    response.content_length = end - start
    return response


def _referenced_elsewhere(query, *, but: str = ""):
    """``query`` on Blob narrowed to files no table other than ``but`` points at: by a
    foreign key, or by a plain ``*sha256`` column (issued certificates keep their logo's)."""
    for table in db.metadata.tables.values():
        if table.name in ("blobs", but):
            continue
        for column in table.columns:
            points = any(key.column.table.name == "blobs" for key in column.foreign_keys)
            if points or column.name.endswith("sha256"):
                used = select(column).where(column.isnot(None))
                query = query.where(Blob.sha256.not_in(used))
    return query


def unused_blobs() -> list[str]:
    """Course files in the storage that nothing points at any more (a copy replaced by a
    cleaner one). Rows with their bytes in the database belong to older code: left alone."""
    query = select(Blob.sha256).where(Blob.storage_key.isnot(None))
    return list(db.session.scalars(_referenced_elsewhere(query)))


def delete_blob(sha256: str) -> str | None:
    """Forget one unused file; returns its storage key, to delete once this is committed."""
    blob = db.session.get(Blob, sha256)
    key = blob.storage_key
    db.session.delete(blob)
    db.session.flush()
    return key


def blobs_to_move() -> list[str]:
    """The course files whose bytes are still in the database (rows from before the storage).

    Files that another feature also points at (a certificate logo with the same bytes) stay
    where they are: that feature reads ``Blob.data`` itself.
    """
    query = select(Blob.sha256).where(
        Blob.storage_key.is_(None), Blob.sha256.in_(select(PackageFile.sha256))
    )
    query = _referenced_elsewhere(query, but="package_files")
    return list(db.session.scalars(query.order_by(Blob.sha256)))


def move_blob_to_storage(sha256: str) -> int:
    """Copy one row's bytes into the storage, check them, then empty the row. Flushes."""
    blob = db.session.get(Blob, sha256)
    key = blob_key(sha256)
    store = storage()
    store.put(key, io.BytesIO(blob.data or b""))
    if store.size(key) != blob.size:
        raise RuntimeError(f"{sha256}: the storage holds {store.size(key)} bytes, not {blob.size}")
    blob.storage_key = key
    blob.data = None
    db.session.flush()
    return blob.size
