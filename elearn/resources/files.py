"""A resource's file goes through the checks a course package's media go through
(elearn/content): the type by its name and first bytes, the size, and the metadata stripped
(images re-encoded, PDFs written again without document information or XMP). Nothing is
stored unchecked; a refusal names the file and what is wrong.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import gettext as _

from elearn.content.media import check_signature, strip_metadata
from elearn.content.problems import Collector
from elearn.content.source import DEFAULT_LIMITS, Limits, check_file
from elearn.resources.choices import FILE_TYPES

# The limits of a package import (a module name, so that tests can lower them).
LIMITS = DEFAULT_LIMITS

# What a PDF may not carry: scripts, embedded files, and actions that run a script or a
# program (an opening action that only shows a page, as most writers add, is harmless).
_ACTIVE_PDF_KEYS = ("/JavaScript", "/JS", "/EmbeddedFiles", "/Launch")
_ACTIVE_ACTIONS = ("/JavaScript", "/Launch", "/ImportData", "/Rendition", "/RichMediaExecute")


class FileRefused(Exception):
    """The uploaded file cannot go in the library; ``message`` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def safe_name(name: str) -> str:
    """The file name without folders, as a browser may send a whole path."""
    base = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    return base[:200] or "file"


def allowed_types_text() -> str:
    return _("PDF, PNG, JPEG or WebP")


def check_upload(name: str, data: bytes, limits: Limits | None = None) -> CheckedFile:
    """The file cleaned of its metadata, or FileRefused naming the file and the problem.

    Allowed: PDF, PNG, JPEG and WebP (a smaller list than a package's media: no audio or
    video in the library). HTML, SVG, office files, archives and programs are refused, as is a
    file whose first bytes do not match its name, and a PDF with scripts or embedded files.
    """
    name = safe_name(name)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in FILE_TYPES:
        raise FileRefused(
            _(
                "%(name)s: files of this type cannot go in the library. Upload a %(types)s "
                "file; share presentations and guides as PDF.",
                name=name,
                types=allowed_types_text(),
            )
        )
    refusals = check_file(name, len(data), limits or LIMITS)
    if refusals:
        raise FileRefused(refusals[0].text(_))
    problems = Collector()
    if not check_signature(name, data, suffix, problems):
        raise FileRefused(problems.problems[0].text(_))
    if suffix == ".pdf" and _has_active_content(data):
        raise FileRefused(
            _(
                "%(name)s contains scripts, actions or embedded files; save it again as a "
                "plain PDF (for example with “Print to PDF”).",
                name=name,
            )
        )
    cleaned = strip_metadata(name, data, suffix, problems)
    if cleaned is None:
        raise FileRefused(problems.problems[0].text(_))
    return CheckedFile(name, cleaned, FILE_TYPES[suffix], hashlib.sha256(cleaned).hexdigest())


def _has_active_content(data: bytes) -> bool:
    """Whether the PDF's catalogue, pages or annotations hold scripts, embedded files, or
    actions that run a script or a program (what the handout cleaner does not take out)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return False  # refused by the cleaner, with its own message
        root = reader.trailer["/Root"].get_object()
        holders = [root, root.get("/Names")]
        for page in reader.pages:
            holders.append(page)
            holders.extend(page.get("/Annots") or ())
        return any(_is_active(holder) for holder in holders if holder is not None)
    except (PyPdfError, KeyError, AttributeError, TypeError, ValueError, RecursionError):
        return False  # unreadable: the cleaner refuses it with its own message


def _is_active(holder) -> bool:
    holder = holder.get_object()
    if not hasattr(holder, "get"):
        return False
    if any(key in holder for key in _ACTIVE_PDF_KEYS):
        return True
    actions = [holder.get("/OpenAction"), holder.get("/A")]
    triggers = holder.get("/AA")
    if triggers is not None:
        actions.extend(triggers.get_object().values())
    for action in actions:
        action = action.get_object() if action is not None else None
        if hasattr(action, "get") and action.get("/S") in _ACTIVE_ACTIONS:
            return True
    return False
