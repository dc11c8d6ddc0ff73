"""Where the bytes of course files live: a folder on this server, or S3-compatible storage.

The database keeps the index (a Blob: SHA-256, size and storage key); the bytes go through a
small interface so that a 60 MB video is streamed in chunks, a range at a time, and never
loaded whole into a worker. ``MEDIA_STORAGE`` chooses the backend: ``local`` (the default,
a folder, ``MEDIA_STORAGE_PATH``) or ``s3`` (``MEDIA_S3_*``; boto3, the ``s3`` extra).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol

from flask import Flask, current_app

CHUNK = 64 * 1024


class Storage(Protocol):
    """A store of immutable objects addressed by key."""

    def put(self, key: str, stream: BinaryIO) -> None:
        """Store everything ``stream`` yields under ``key`` (replacing what was there)."""

    def open_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start`` to ``end`` (exclusive) of ``key``, in chunks of at most CHUNK."""

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def blob_key(sha256: str) -> str:
    """The key of a content-addressed file: spread over folders so none grows too large."""
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def make_storage(config) -> Storage:
    kind = config.get("MEDIA_STORAGE", "local")
    if kind == "s3":
        from elearn.storage.s3 import S3Storage

        return S3Storage(
            bucket=config["MEDIA_S3_BUCKET"],
            prefix=config.get("MEDIA_S3_PREFIX", ""),
            endpoint_url=config.get("MEDIA_S3_ENDPOINT_URL"),
            region=config.get("MEDIA_S3_REGION"),
            access_key=config.get("MEDIA_S3_ACCESS_KEY_ID"),
            secret_key=config.get("MEDIA_S3_SECRET_ACCESS_KEY"),
        )
    from elearn.storage.local import LocalStorage

    return LocalStorage(config["MEDIA_STORAGE_PATH"])


def init_app(app: Flask) -> None:
    app.extensions["media_storage"] = make_storage(app.config)


def storage() -> Storage:
    """The current application's storage."""
    return current_app.extensions["media_storage"]


def read_all(store: Storage, key: str) -> bytes:
    """A whole object, for the few readers that need one (exports, re-rendering lessons)."""
    return b"".join(store.open_range(key, 0, store.size(key)))
