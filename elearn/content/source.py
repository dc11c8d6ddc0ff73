"""Reading a package's files from a folder or a zip, refusing anything unsafe.

Packages come from people and from the internet. Before anything is parsed, this module
refuses paths that escape the package, symbolic links, file types not on the allowlist,
oversized files and zip bombs (too many files, too many bytes unpacked, or a compression ratio
no real course file has). It reads into memory: nothing is written to disk.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from elearn.content.problems import N_, Collector, Problem

# Text files a package is written in, and the media it may carry. SVG is refused: it can hold
# script. Anything else is refused too.
TEXT_TYPES = {".yaml", ".yml", ".md", ".gift", ".vtt", ".txt"}
MEDIA_TYPES = {".png", ".jpg", ".jpeg", ".webp", ".mp3", ".ogg", ".m4a", ".mp4", ".webm", ".pdf"}
ALLOWED_TYPES = TEXT_TYPES | MEDIA_TYPES


@dataclass(frozen=True)
class Limits:
    max_files: int = 400
    max_file_bytes: int = 64 * 1024 * 1024
    max_text_bytes: int = 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    # Deflate rarely passes 20:1 on real course files; bombs reach 1000:1.
    max_ratio: int = 100


DEFAULT_LIMITS = Limits()


@dataclass
class PackageFiles:
    """A package's files by their path inside it ('lessons/intro.ro.md')."""

    origin: str
    files: dict[str, bytes]

    def text(self, path: str) -> str:
        return self.files[path].decode("utf-8")


def _clean_path(name: str, problems: Collector, origin: str) -> str | None:
    """The safe, relative POSIX form of a member's name, or None (with a problem) if unsafe."""
    if "\\" in name or "\x00" in name:
        problems.add(
            N_("The path %(path)s contains a backslash or a NUL character."), origin, path=name
        )
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        problems.add(
            N_("The path %(path)s is absolute; paths must stay inside the package."),
            origin,
            path=name,
        )
        return None
    if ".." in path.parts:
        problems.add(N_("The path %(path)s leaves the package with '..'."), origin, path=name)
        return None
    return str(path)


def _check_type(path: str, size: int, limits: Limits, problems: Collector) -> bool:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".mov":
        problems.add(
            N_("%(path)s is a QuickTime .mov file; export it as MP4 (H.264) and add that."),
            path,
            path=path,
        )
        return False
    if suffix not in ALLOWED_TYPES:
        problems.add(
            N_("%(path)s: files of type '%(type)s' are not allowed in a package."),
            path,
            path=path,
            type=suffix or "(none)",
        )
        return False
    limit = limits.max_text_bytes if suffix in TEXT_TYPES else limits.max_file_bytes
    if size > limit:
        problems.add(
            N_("%(path)s is too large: %(size)d bytes, at most %(limit)d."),
            path,
            path=path,
            size=size,
            limit=limit,
        )
        return False
    return True


def check_file(path: str, size: int, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """The problems a package import would find with one file, by its path and size: a type
    not on the allowlist (SVG, HTML, executables, QuickTime .mov) or too many bytes. Empty
    when it may go in. For the browser editor's uploads, so that they meet the same refusals."""
    problems = Collector()
    _check_type(path, size, limits, problems)
    return problems.problems


def read_folder(root: Path, limits: Limits = DEFAULT_LIMITS) -> PackageFiles:
    """Read every file under ``root``. Symbolic links anywhere are refused."""
    problems = Collector()
    root = Path(root)
    files: dict[str, bytes] = {}
    total = 0
    for directory, subdirectories, names in os.walk(root, followlinks=False):
        for name in sorted(subdirectories + names):
            full = Path(directory) / name
            relative = full.relative_to(root).as_posix()
            if full.is_symlink():
                problems.add(
                    N_("%(path)s is a symbolic link; packages cannot contain links."),
                    relative,
                    path=relative,
                )
                continue
            if full.is_dir():
                continue
            size = full.stat().st_size
            if not _check_type(relative, size, limits, problems):
                continue
            total += size
            if len(files) >= limits.max_files or total > limits.max_total_bytes:
                problems.add(N_("The package has too many files or too many bytes."), relative)
                problems.raise_if_any()
            files[relative] = full.read_bytes()
    problems.raise_if_any()
    return PackageFiles(origin=str(root), files=files)


def read_zip(source, limits: Limits = DEFAULT_LIMITS, origin: str = "package.zip") -> PackageFiles:
    """Read a zip (a path or a binary file object) as a package, refusing bombs and tricks."""
    problems = Collector()
    try:
        archive = zipfile.ZipFile(source)
    # A damaged header can also claim a zip version or feature zipfile does not implement.
    except (
        zipfile.BadZipFile,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        struct.error,
    ):
        problems.add(N_("This file is not a zip archive, or it is damaged."), origin)
        problems.raise_if_any()
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.max_files:
            problems.add(
                N_("The package has %(count)d files; at most %(limit)d are allowed."),
                origin,
                count=len(members),
                limit=limits.max_files,
            )
            problems.raise_if_any()
        declared = sum(info.file_size for info in members)
        if declared > limits.max_total_bytes:
            problems.add(
                N_("The package unpacks to %(size)d bytes; at most %(limit)d."),
                origin,
                size=declared,
                limit=limits.max_total_bytes,
            )
            problems.raise_if_any()
        safe = []
        for info in members:
            path = _clean_path(info.filename, problems, origin)
            if path is None:
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                problems.add(
                    N_("%(path)s is a symbolic link; packages cannot contain links."),
                    path,
                    path=path,
                )
                continue
            if (
                info.compress_size
                and info.file_size / info.compress_size > limits.max_ratio
                and info.file_size > 1024 * 1024
            ):
                problems.add(
                    N_("%(path)s is compressed suspiciously well (a zip bomb?)."), path, path=path
                )
                continue
            if info.flag_bits & 0x1:
                problems.add(
                    N_("%(path)s is encrypted; packages must not need a password."), path, path=path
                )
                continue
            if _check_type(path, info.file_size, limits, problems):
                safe.append((path, info))
        problems.raise_if_any()
        files = {}
        for path, info in safe:
            try:
                with archive.open(info) as member:
                    # Never trust the declared size: read one byte more than it allows.
                    data = member.read(info.file_size + 1)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                NotImplementedError,
                RuntimeError,  # what zipfile raises for a member it believes encrypted
                ValueError,  # a local header whose name is not valid UTF-8, among others
                struct.error,
            ):
                problems.add(N_("%(path)s is damaged in the archive."), path, path=path)
                continue
            if len(data) != info.file_size:
                problems.add(N_("%(path)s is not the size the archive declares."), path, path=path)
                continue
            files[path] = data
        problems.raise_if_any()
    return PackageFiles(origin=origin, files=_strip_common_folder(files))


def _strip_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip of a folder holds 'course-x/course.yaml': treat 'course-x/' as the package root."""
    if "course.yaml" in files or not files:
        return files
    tops = {PurePosixPath(path).parts[0] for path in files}
    if len(tops) == 1 and all(len(PurePosixPath(path).parts) > 1 for path in files):
        prefix = next(iter(tops)) + "/"
        return {path[len(prefix) :]: data for path, data in files.items()}
    return files


def read_package(path: Path, limits: Limits = DEFAULT_LIMITS) -> PackageFiles:
    """A folder or a zip file, whichever ``path`` is."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path, limits)
    return read_zip(path, limits, origin=path.name)
