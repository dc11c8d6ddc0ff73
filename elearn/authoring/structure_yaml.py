"""Changing course.yaml's round-trip data the way an author would by hand: a new key where
the format lists it, a list keeping its one-line style, a text changed only in the languages
that changed. Pure: used inside ``yamledit.edit`` by the settings, structure and media
editors.
"""

from __future__ import annotations

import re
import unicodedata

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from elearn.authoring import yamledit
from elearn.content.schema import Manifest

# course.yaml's keys in the order the format lists them: a key the editor adds goes there.
KEY_ORDER = list(Manifest.model_fields)


def slugify(text: str, limit: int = 60) -> str:
    """An id from a title: 'Primul pas în școală' -> 'primul-pas-in-scoala'."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-")


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free."""
    base = base or "item"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def set_key(data: CommentedMap, key: str, value) -> None:
    """Set ``key``, placing a new key where the format lists it (not at the end)."""
    if key in data:
        data[key] = value
        return
    wanted = KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)
    position = len(data)
    for index, existing in enumerate(data):
        if existing in KEY_ORDER and KEY_ORDER.index(existing) > wanted:
            position = index
            break
    data.insert(position, key, value)


def flow_list(items) -> CommentedSeq:
    """A short list written on one line, ``[a, b]``, as authors write audiences."""
    seq = CommentedSeq(list(items))
    seq.fa.set_flow_style()
    return seq


def replace_list(data: CommentedMap, key: str, items: list[str], *, ordered: bool = False) -> None:
    """Give ``key`` the list ``items``, keeping the list's style. Unless ``ordered``, the
    same items in another order are no change (a form sends them in its own order)."""
    current = data.get(key)
    if current is not None and (
        list(current) == list(items) or (not ordered and sorted(current) == sorted(items))
    ):
        return
    if isinstance(current, CommentedSeq):
        del current[:]
        current.extend(items)
    else:
        set_key(data, key, flow_list(items))


def _same_text(old, new: str) -> bool:
    def normal(value) -> str:
        return str(value or "").replace("\r\n", "\n").strip("\n").rstrip()

    return normal(old) == normal(new)


def set_texts(parent: CommentedMap, key: str, texts: dict[str, str]) -> None:
    """Set a per-language text ({ro: ..., en: ...}), changing only the languages that
    changed; an empty text removes that language (the validator says if it is needed)."""
    texts = {code: value for code, value in texts.items()}
    current = parent.get(key)
    if not isinstance(current, dict):
        wanted = {code: value for code, value in texts.items() if value}
        if wanted:
            parent[key] = yamledit.to_yaml(wanted)
        return
    for code, value in texts.items():
        if not value:
            current.pop(code, None)
        elif not _same_text(current.get(code), value):
            current[code] = yamledit.text_value(value)
    if not current:
        del parent[key]


def set_scalar(parent: CommentedMap, key: str, value, default=None) -> None:
    """Set ``key`` to ``value``; leave it out when it is absent and ``value`` is the default."""
    if key in parent:
        if value is None:
            del parent[key]
        elif parent[key] != value or isinstance(parent[key], bool) != isinstance(value, bool):
            parent[key] = value
    elif value is not None and value != default:
        parent[key] = value
