"""Media checks, and removing location and camera metadata from images without re-encoding.

A photo taken in a shelter can carry the shelter's GPS position in its EXIF block. The image
data itself is kept byte for byte (no quality is lost); only the metadata containers are
dropped: JPEG APP1/APP13 segments (EXIF, XMP, IPTC), PNG text and eXIf chunks, WebP EXIF and
XMP chunks. Pillow could do this only by re-encoding, which loses quality.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

from elearn.content.problems import N_, Collector
from elearn.content.schema import Manifest
from elearn.content.yamlfile import line_of

MANIFEST = "course.yaml"


@dataclass
class MediaFile:
    path: str
    sha256: str
    mime_type: str
    size: int


MIME_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".pdf": "application/pdf",
    ".vtt": "text/vtt",
    ".md": "text/markdown",
}
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".webp"}
AUDIO_TYPES = {".mp3", ".ogg", ".m4a"}
VIDEO_TYPES = {".mp4", ".webm"}

# What each format's first bytes must be: a .png that is really an HTML page is refused.
_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
    ".mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    ".ogg": (b"OggS",),
    ".webm": (b"\x1a\x45\xdf\xa3",),
}


def check_signature(path: str, data: bytes, suffix: str, problems: Collector) -> bool:
    signatures = _SIGNATURES.get(suffix)
    if suffix in (".mp4", ".m4a"):
        ok = data[4:8] == b"ftyp"
    elif suffix == ".webp":
        ok = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    else:
        ok = signatures is None or data.startswith(signatures)
    if not ok:
        problems.add(N_("%(path)s is not really a %(type)s file."), path, path=path, type=suffix)
    return ok


def strip_metadata(data: bytes, suffix: str) -> bytes:
    """The image without its metadata; other files unchanged."""
    if suffix in (".jpg", ".jpeg"):
        return _strip_jpeg(data)
    if suffix == ".png":
        return _strip_png(data)
    if suffix == ".webp":
        return _strip_webp(data)
    return data


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return bytes(data)  # not a layout we understand: leave it to be refused elsewhere
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows, copy the rest as it is
            out += data[i:]
            return bytes(out)
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        segment = data[i : i + 2 + length]
        # APP1 (EXIF, XMP), APP13 (IPTC) and COM (comments) go; everything else stays.
        if marker not in (0xE1, 0xED, 0xFE):
            out += segment
        i += 2 + length
    return bytes(out)


_PNG_DROP = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}


def _strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    i = 8
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if kind not in _PNG_DROP:
            out += chunk
        i += 12 + length
        if kind == b"IEND":
            break
    return bytes(out)


def _strip_webp(data: bytes) -> bytes:
    body = bytearray()
    i = 12
    while i + 8 <= len(data):
        kind = data[i : i + 4]
        length = struct.unpack("<I", data[i + 4 : i + 8])[0]
        padded = length + (length & 1)
        chunk = data[i : i + 8 + padded]
        if kind not in (b"EXIF", b"XMP "):
            if kind == b"VP8X":  # the extended header: clear its EXIF and XMP flags
                chunk = bytearray(chunk)
                chunk[8] &= ~0x0C & 0xFF
                chunk = bytes(chunk)
            body += chunk
        i += 8 + padded
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + bytes(body)


def check_webvtt(path: str, text: str, problems: Collector) -> None:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        problems.add(
            N_("%(path)s is not a WebVTT captions file (it must start with WEBVTT)."),
            path,
            1,
            path=path,
        )


class MediaChecks:
    """The media part of the package loader: declared files, what each needs, metadata."""

    def media(self, manifest: Manifest, lines: dict) -> tuple[dict[str, MediaFile], dict]:
        found, declared = {}, {}
        for index, entry in enumerate(manifest.media):
            line = line_of(lines, ("media", index))
            path = entry.file
            declared[path] = entry
            suffix = PurePosixPath(path).suffix.lower()
            if path not in self.files:
                self.problems.add(
                    N_("%(path)s is declared under media but is not in the package."),
                    MANIFEST,
                    line,
                    path=path,
                )
                continue
            self.used.add(path)
            if not check_signature(path, self.files[path], suffix, self.problems):
                continue
            self.files[path] = strip_metadata(self.files[path], suffix)
            self._media_needs(entry, suffix, manifest.languages, line)
            data = self.files[path]
            found[path] = MediaFile(
                path, hashlib.sha256(data).hexdigest(), MIME_TYPES.get(suffix, ""), len(data)
            )
        return found, declared

    def _media_needs(self, entry, suffix: str, languages: list[str], line: int | None) -> None:
        def need(field_name: str, message: str) -> dict:
            value = getattr(entry, field_name) or {}
            for language in languages:
                if not value.get(language):
                    self.problems.add(message, MANIFEST, line, path=entry.file, language=language)
            return value

        if suffix in IMAGE_TYPES:
            need("alt", N_("The image %(path)s needs alt text in %(language)s."))
        elif suffix in AUDIO_TYPES:
            for _language, path in need(
                "transcript", N_("The audio %(path)s needs a transcript in %(language)s.")
            ).items():
                self._side_file(path, ".md", entry.file, line)
        elif suffix in VIDEO_TYPES:
            for _language, path in need(
                "captions", N_("The video %(path)s needs captions (WebVTT) in %(language)s.")
            ).items():
                if self._side_file(path, ".vtt", entry.file, line):
                    check_webvtt(path, self.files[path].decode("utf-8", "replace"), self.problems)
        elif suffix == ".pdf":
            need("title", N_("The handout %(path)s needs a title in %(language)s."))

    def _side_file(self, path: str, suffix: str, owner: str, line: int | None) -> bool:
        if not path.startswith("media/") or not path.endswith(suffix) or path not in self.files:
            self.problems.add(
                N_(
                    "%(path)s, named for %(owner)s, is not a %(type)s file under "
                    "media/ in the package."
                ),
                MANIFEST,
                line,
                path=path,
                owner=owner,
                type=suffix,
            )
            return False
        self.used.add(path)
        return True

    # Lessons ----------------------------------------------------------------------------------
