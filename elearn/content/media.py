"""Media checks: each declared file is what its name says, and leaves without metadata.

A photo taken in a shelter can carry the shelter's GPS position; a phone video, where it was
shot and on which phone. Every image, audio and video file is cleaned on import (images in
elearn/content/images.py, audio and video in elearn/content/recordings.py) or refused with a
message naming it: nothing is stored unchecked.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

from elearn.content.audio import clean_mp3, clean_ogg
from elearn.content.handouts import clean_pdf
from elearn.content.images import ImageRefused, clean_image
from elearn.content.problems import N_, Collector
from elearn.content.recordings import Refused, clean_mp4, clean_webm
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


REFUSED_UNCHECKED = N_(
    "%(path)s could not be checked for location data; export it again without metadata."
)
REFUSED_IMAGE = {
    "unreadable": N_("%(path)s is not an image that can be read: it is damaged or not a %(type)s."),
    "too-large": N_("%(path)s has too many pixels to be read safely; make the image smaller."),
    "animated": N_("%(path)s is an animated image; use a video (MP4 or WebM) instead."),
    "metadata": REFUSED_UNCHECKED,
}
_RECORDING_CLEANERS = {
    ".mp4": clean_mp4,
    ".m4a": clean_mp4,
    ".webm": clean_webm,
    ".mp3": clean_mp3,
    ".ogg": clean_ogg,
    ".pdf": clean_pdf,
}


def strip_metadata(path: str, data: bytes, suffix: str, problems: Collector) -> bytes | None:
    """The media file without location or identifying metadata, or None and a problem.

    Images are decoded and encoded again (elearn/content/images.py); audio and video
    containers are cleaned in place (elearn/content/recordings.py); captions, transcripts and
    handouts pass unchanged. A file that cannot be checked is refused, never stored as it is.
    """
    if suffix in IMAGE_TYPES:
        try:
            return clean_image(data, suffix)
        except ImageRefused as refusal:
            problems.add(REFUSED_IMAGE[refusal.reason], path, path=path, type=suffix)
            return None
    cleaner = _RECORDING_CLEANERS.get(suffix)
    if cleaner is None:
        return data
    try:
        return cleaner(data)
    except (Refused, IndexError, ValueError, OverflowError, struct.error):
        # A damaged file the walkers stumble on is refused like one they understand to be bad.
        problems.add(REFUSED_UNCHECKED, path, path=path)
        return None


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
            cleaned = strip_metadata(path, self.files[path], suffix, self.problems)
            if cleaned is None:
                continue
            self.files[path] = cleaned
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
