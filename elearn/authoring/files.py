"""The package files the editor reads and writes, as text: pure functions, no Flask, no
database.

A lesson file is front matter (YAML between two ``---`` lines) and a Markdown body. The
editor changes one or the other and puts the file back together byte for byte as it was
around the change, so that saving a lesson unchanged changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from elearn.authoring import yamledit

MANIFEST = "course.yaml"
_FRONT = re.compile(r"\A(---\r?\n)(.*?\r?\n)(---\r?\n)", re.S)
_LESSON = re.compile(r"^lessons/(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>[a-z]{2})\.md$")


def lesson_path(lesson_id: str, language: str) -> str:
    return f"lessons/{lesson_id}.{language}.md"


def parse_lesson_path(path: str) -> tuple[str, str] | None:
    """(lesson id, language) of a lesson file's path, or None for any other file."""
    match = _LESSON.match(path)
    return (match["id"], match["language"]) if match else None


def split_lesson(text: str) -> tuple[str, str]:
    """(front matter's YAML, Markdown body). A file without front matter is all body."""
    match = _FRONT.match(text)
    if not match:
        return "", text
    return match.group(2), text[match.end() :]


def join_lesson(front: str, body: str) -> str:
    if not front:
        return body
    if not front.endswith("\n"):
        front += "\n"
    return f"---\n{front}---\n{body}"


def lesson_text(title: str, objectives: list[str], body: str) -> str:
    """A new lesson file."""
    front = yamledit.dump({"title": title, "objectives": list(objectives)})
    return join_lesson(front, _body(body))


def edit_lesson(
    text: str, *, title: str | None = None, objectives=None, body: str | None = None
) -> str:
    """``text`` with the given parts replaced; the parts not given stay byte for byte."""
    front, old_body = split_lesson(text)
    if title is not None or objectives is not None:

        def change(data):
            if title is not None and data.get("title") != title:
                data["title"] = title
            if objectives is not None and list(data.get("objectives") or []) != list(objectives):
                data["objectives"] = yamledit.to_yaml(list(objectives))

        front = (
            yamledit.edit(front, change)
            if front
            else yamledit.dump({"title": title or "", "objectives": list(objectives or [])})
        )
    if body is not None and _body(body) != _body(old_body):
        old_body = _body(body)
    return join_lesson(front, old_body)


def _body(text: str) -> str:
    """A body as files keep it: Unix line ends and one final newline (browsers send CRLF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


def set_manifest_field(text: str, key: str, value) -> str:
    """course.yaml with one top-level field set."""

    def change(data):
        data[key] = yamledit.to_yaml(value)

    return yamledit.edit(text, change)


def next_label(label: str, taken: set[str]) -> str:
    """The version label after ``label`` that is not taken: its last number plus one
    ('1.1.1' -> '1.1.2'); a label that does not end in a number gets '.1', '.2'..."""
    match = re.match(r"^(.*?)(\d+)$", label)
    if match:
        stem, number = match.group(1), int(match.group(2))
    else:
        stem, number = label + ".", 0
    while True:
        number += 1
        candidate = f"{stem}{number}"
        if candidate not in taken and len(candidate) <= 40:
            return candidate


def media_path(name: str) -> str:
    """A media file's path in the package, from an uploaded file's name."""
    stem = unicodedata.normalize("NFKD", PurePosixPath(name).stem.lower())
    stem = "".join(ch for ch in stem if not unicodedata.combining(ch))
    suffix = PurePosixPath(name).suffix.lower()
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "file"
    return f"media/{stem[:80]}{suffix}"
