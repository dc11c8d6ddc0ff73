"""A draft's media: listing them, adding an upload with what it needs in every language,
changing alt text and titles, and deleting them.

An upload meets the refusals of a package import twice: its name and size are checked here
with the importer's own check (content.source.check_file: no SVG, HTML, executables, .mov
or oversize files), and the whole draft then goes through the loader in ``services.save``,
which checks that each file is what its name says and strips its metadata (GPS, camera) —
the draft keeps the loader's cleaned copy, as an import does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l

from elearn.authoring import files, services, structure, yamledit
from elearn.authoring.models import Draft
from elearn.authoring.structure import MANIFEST
from elearn.authoring.structure_yaml import set_key, set_texts
from elearn.content.loader import Package
from elearn.content.media import AUDIO_TYPES, IMAGE_TYPES, VIDEO_TYPES
from elearn.errors import DomainError

KINDS = {
    **dict.fromkeys(IMAGE_TYPES, "image"),
    **dict.fromkeys(AUDIO_TYPES, "audio"),
    **dict.fromkeys(VIDEO_TYPES, "video"),
    ".pdf": "handout",
}


def kind_of(path: str) -> str | None:
    """image, audio, video or handout; None for anything else."""
    return KINDS.get(PurePosixPath(path).suffix.lower())


def snippet(path: str, kind: str, title: str = "") -> str:
    """The Markdown that shows the file in a lesson (docs/content-packages.md, "Lessons")."""
    if kind == "handout":
        return f"[{title or PurePosixPath(path).name}]({path})"
    return f"![]({path})"


@dataclass
class MediaItem:
    path: str
    kind: str | None
    size: int
    alt: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    transcript: dict[str, str] = field(default_factory=dict)
    used_in: list[str] = field(default_factory=list)  # lesson ids

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    def snippet(self, language: str) -> str:
        return snippet(self.path, self.kind or "", self.title.get(language, ""))


def media_items(package: Package) -> list[MediaItem]:
    """Every media file the course declares, with the lessons that show or link to it."""
    bodies = {
        lesson.id: [
            package.files.get(files.lesson_path(lesson.id, code), b"").decode("utf-8", "replace")
            for code in package.languages
        ]
        for lesson in package.lessons
    }
    items = []
    for entry in package.manifest.media:
        needle = f"({entry.file})"
        items.append(
            MediaItem(
                path=entry.file,
                kind=kind_of(entry.file),
                size=len(package.files.get(entry.file, b"")),
                alt=dict(entry.alt or {}),
                title=dict(entry.title or {}),
                captions=dict(entry.captions or {}),
                transcript=dict(entry.transcript or {}),
                used_in=[lid for lid, texts in bodies.items() if any(needle in t for t in texts)],
            )
        )
    return items


# Pure changes to course.yaml -----------------------------------------------------------------


@dataclass
class Upload:
    path: str  # media/<name>
    data: bytes
    alt: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    captions: dict[str, bytes] = field(default_factory=dict)  # language -> .vtt bytes
    transcript: dict[str, str] = field(default_factory=dict)  # language -> Markdown

    def side_path(self, language: str, suffix: str) -> str:
        stem = PurePosixPath(self.path).stem
        return f"media/{stem}.{language}{suffix}"


def upload_changes(text: str, upload: Upload) -> dict[str, bytes]:
    """The files an upload adds: the file, its captions and transcripts, and its entry at
    the end of course.yaml's ``media:``."""
    entry: dict = {"file": upload.path}
    changes: dict[str, bytes] = {upload.path: upload.data}
    for key in ("alt", "title"):
        values = {code: value for code, value in getattr(upload, key).items() if value}
        if values:
            entry[key] = values
    captions = {}
    for code, data in upload.captions.items():
        captions[code] = upload.side_path(code, ".vtt")
        changes[captions[code]] = data
    transcripts = {}
    for code, markdown in upload.transcript.items():
        transcripts[code] = upload.side_path(code, ".md")
        changes[transcripts[code]] = _markdown(markdown)
    if transcripts:
        entry["transcript"] = transcripts
    if captions:
        entry["captions"] = captions

    def change(data):
        if data.get("media") is None:
            set_key(data, "media", yamledit.to_yaml([]))
        data["media"].append(yamledit.to_yaml(entry))

    changes[MANIFEST] = yamledit.edit(text, change).encode("utf-8")
    return changes


def _markdown(text: str) -> bytes:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return (text + "\n").encode("utf-8")


def _entry(data, path: str):
    for entry in data.get("media") or []:
        if entry["file"] == path:
            return entry
    raise DomainError(_l("This file is no longer in the course."))


def describe_text(text: str, path: str, alt: dict[str, str], title: dict[str, str]) -> str:
    """course.yaml with a file's alt text and title changed, only where they changed."""

    def change(data):
        entry = _entry(data, path)
        set_texts(entry, "alt", alt)
        set_texts(entry, "title", title)

    return yamledit.edit(text, change)


def delete_text(text: str, path: str) -> tuple[str, list[str]]:
    """course.yaml without the file's entry; the file and its captions and transcripts."""
    gone = [path]

    def change(data):
        entry = _entry(data, path)
        for key in ("captions", "transcript"):
            gone.extend(str(side) for side in (entry.get(key) or {}).values())
        data["media"].remove(entry)
        if not data["media"]:
            del data["media"]

    return yamledit.edit(text, change), gone


# Saving into a draft -------------------------------------------------------------------------


def taken_paths(draft: Draft, upload: Upload, languages: list[str]) -> list[str]:
    """The paths the upload would write that the draft already has."""
    rows = services.file_map(draft)
    wanted = [upload.path]
    wanted += [upload.side_path(code, ".vtt") for code in upload.captions]
    wanted += [upload.side_path(code, ".md") for code in upload.transcript]
    return [path for path in wanted if path in rows]


def add_media(draft: Draft, upload: Upload, *, by_id: int) -> Package:
    """Store an upload in the draft. Raises PackageError (the loader's checks: the file is
    what its name says, its metadata can be stripped, it has what it needs in every
    language) or DomainError."""
    text = services.read_text(draft, MANIFEST)
    return structure.save(draft, dict(upload_changes(text, upload)), by_id=by_id)


def describe_media(
    draft: Draft, path: str, alt: dict[str, str], title: dict[str, str], *, by_id: int
) -> Package:
    text = describe_text(services.read_text(draft, MANIFEST), path, alt, title)
    return structure.save(draft, {MANIFEST: text.encode("utf-8")}, by_id=by_id)


def delete_media(draft: Draft, path: str, *, by_id: int) -> Package:
    """The file leaves the course with its captions and transcripts; a lesson that still
    shows it makes the loader refuse (PackageError naming the lesson and line)."""
    text, gone = delete_text(services.read_text(draft, MANIFEST), path)
    changes: dict[str, bytes | None] = {MANIFEST: text.encode("utf-8")}
    changes.update(dict.fromkeys(gone))
    return structure.save(draft, changes, by_id=by_id)
