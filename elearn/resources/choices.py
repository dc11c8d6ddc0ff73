"""The resource library's vocabularies: kinds of material, audiences, licences and the file
types a resource may be, each with a translatable label.

The audiences are the platform's (elearn/reference.py), shared with sessions and events.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from elearn.reference import AUDIENCES as PLATFORM_AUDIENCES

KINDS: dict[str, object] = {
    "poster": _l("Poster"),
    "flyer": _l("Flyer"),
    "guide": _l("Guide"),
    "session_kit": _l("Session kit"),
    "presentation": _l("Presentation"),
    "other": _l("Other material"),
}

AUDIENCES = PLATFORM_AUDIENCES


@dataclass(frozen=True)
class Licence:
    name: object  # translatable
    url: str | None  # the licence's text; None when there is none to read


LICENCES: dict[str, Licence] = {
    "CC-BY-4.0": Licence(
        _l("Creative Commons Attribution 4.0"),
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": Licence(
        _l("Creative Commons Attribution-ShareAlike 4.0"),
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC-BY-NC-4.0": Licence(
        _l("Creative Commons Attribution-NonCommercial 4.0"),
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "CC-BY-NC-SA-4.0": Licence(
        _l("Creative Commons Attribution-NonCommercial-ShareAlike 4.0"),
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    "CC0-1.0": Licence(
        _l("Public domain (CC0 1.0)"),
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "free-to-hand-out": Licence(_l("All rights reserved, free to print and hand out"), None),
}

# What a resource's file may be: a printable document or an image. Presentations and guides
# are shared as PDF (an office file can carry macros).
FILE_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
FILE_TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
}

LANGUAGE_CODES = ("ro", "en", "hu")


def licence_name(key: str) -> str:
    licence = LICENCES.get(key)
    return str(licence.name) if licence else key


def choice_pairs(vocabulary: dict) -> list[tuple[str, object]]:
    return list(vocabulary.items())
