"""Copies of the valid test package, damaged on purpose."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from elearn.content.loader import load_package
from elearn.content.source import PackageFiles, read_folder, read_zip
from elearn.reference import PROFESSIONS

VALID = Path(__file__).resolve().parent.parent / "data" / "packages" / "valid"


def valid_files() -> dict[str, bytes]:
    return dict(read_folder(VALID).files)


def load(files: dict[str, bytes]):
    return load_package(PackageFiles("test", files), professions=set(PROFESSIONS))


_LOADED: dict[bytes, object] = {}


def load_once(files: dict[str, bytes]):
    """The loaded package of ``files``, loaded once per run for the same bytes: for tests
    that only import it (importing reads a package and never changes it). Loading the test
    package takes about a fifth of a second, and hundreds of tests import it."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    key = digest.digest()
    if key not in _LOADED:
        _LOADED[key] = load(files)
    return _LOADED[key]


def edit(files: dict[str, bytes], path: str, old: str, new: str) -> dict[str, bytes]:
    text = files[path].decode()
    assert old in text, (path, old)
    return {**files, path: text.replace(old, new, 1).encode()}


def zip_of(entries: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = 0o120777 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def read_zip_bytes(data: bytes, **kwargs):
    return read_zip(io.BytesIO(data), **kwargs)
