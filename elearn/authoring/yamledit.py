"""Changing a YAML file of a package the way a careful person would by hand.

The browser and a text editor are two doors to the same package, so a field changed in the
browser must change that field's lines in git and nothing else: the comments, the key order,
the quoting and the indentation of everything else stay as the author wrote them.

ruamel.yaml reads the file into a round-trip structure that the editor changes. Dumping that
structure does not give back the author's text exactly (one list indentation for the whole
file; a flow list of one-key mappings loses its braces), so the result is not taken as it
is: the dump of the unchanged structure and the dump of the changed one are compared line by
line, and only the lines that differ are applied to the author's text. If that cannot be done
safely (the dump does not line up with the text), or the patched text would not read back as
the changed data, the whole new dump is used: correct, if less tidy.

Pure: no Flask, no database.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Callable
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, ScalarString

# (mapping indent, sequence indent, sequence dash offset): the two layouts packages use,
# "key:\n  - item" and "key:\n- item".
_LAYOUTS = ((2, 4, 2), (2, 2, 0))


def _yaml(layout: tuple[int, int, int]) -> YAML:
    handler = YAML()  # round-trip
    handler.preserve_quotes = True
    handler.width = 4096  # never fold a long line the author kept on one
    mapping, sequence, offset = layout
    handler.indent(mapping=mapping, sequence=sequence, offset=offset)
    return handler


_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def _guarded(value):
    """``value`` with every plain string that PyYAML (YAML 1.1, what the loader uses) would
    read as something else ('yes', 'off', '0755') put in double quotes. ruamel.yaml writes
    YAML 1.2, where those are plain strings."""
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _guarded(value[key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _guarded(item)
    elif (
        isinstance(value, str)
        and not isinstance(value, ScalarString)
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _STR
    ):
        return DoubleQuotedScalarString(value)
    return value


def _dump(handler: YAML, data) -> str:
    out = io.StringIO()
    handler.dump(_guarded(data), out)
    return out.getvalue()


# "key:" at some indentation, then (past blank and comment lines) the first "- " of its list.
_BLOCK_LIST = re.compile(
    r"^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", re.M
)


def _layout_of(text: str, data) -> tuple[YAML, str]:
    """The layout the file's block lists use, and the dump of ``data`` in it.

    Read from the first block list under a key ("key:" then "- item"); a file without one
    is dumped both ways and the closer dump wins."""
    match = _BLOCK_LIST.search(text)
    if match:
        layout = _LAYOUTS[1] if match.group(1) == match.group(2) else _LAYOUTS[0]
        handler = _yaml(layout)
        return handler, _dump(handler, data)
    lines = text.splitlines()
    best = None
    for layout in _LAYOUTS:
        handler = _yaml(layout)
        dumped = _dump(handler, data)
        same = sum(
            block.size
            for block in difflib.SequenceMatcher(
                None, lines, dumped.splitlines(), autojunk=False
            ).get_matching_blocks()
        )
        if best is None or same > best[0]:
            best = (same, handler, dumped)
    return best[1], best[2]


def plain(value):
    """Round-trip data as plain dicts and lists (for comparing and validating)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


def text_value(text: str):
    """A string as the editor writes it: a block (``|``) when it spans lines."""
    text = text.replace("\r\n", "\n").strip("\n")
    return LiteralScalarString(text + "\n") if "\n" in text else text


def to_yaml(value):
    """Plain data (from a form) as round-trip data, multi-line strings as blocks."""
    if isinstance(value, dict):
        result = CommentedMap()
        for key, item in value.items():
            result[key] = to_yaml(item)
        return result
    if isinstance(value, list | tuple):
        return CommentedSeq([to_yaml(item) for item in value])
    if isinstance(value, str):
        return text_value(value)
    return value


def load(text: str):
    """The file's data as a round-trip structure, to read or to pass to :func:`edit`."""
    return _yaml(_LAYOUTS[0]).load(text)


def edit(text: str, change: Callable[[Any], Any]) -> str:
    """``text`` with ``change`` applied to its data, changing as few lines as it can.

    ``change`` receives the round-trip data and changes it in place, or returns new data.
    """
    data = _yaml(_LAYOUTS[0]).load(text)
    handler, before = _layout_of(text, data)
    result = change(data)
    if result is not None:
        data = result
    after = _dump(handler, data)
    if after == before:
        return text
    wanted = _read(after)
    patched = _patch(text, before, after)
    if patched is not None:
        try:
            if _read(patched) == wanted:
                return patched
        except yaml.YAMLError:
            pass
    return after


def _read(text: str):
    """Plain data, as the package loader will read it (PyYAML; libyaml when built in)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def dump(data) -> str:
    """A new file's text, in the layout of the shipped packages."""
    return _dump(_yaml(_LAYOUTS[0]), to_yaml(plain(data)) if not _is_round_trip(data) else data)


def _is_round_trip(data) -> bool:
    return isinstance(data, CommentedMap | CommentedSeq)


def _patch(text: str, before: str, after: str) -> str | None:
    """Apply the line changes from ``before`` to ``after`` onto ``text``, which must have
    the same number of lines as ``before`` (they differ only in layout details)."""
    original = text.splitlines(keepends=True)
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    if len(original) != len(old):
        return None
    result: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            result.extend(original[i1:i2])
        else:
            result.extend(new[j1:j2])
    patched = "".join(result)
    if text.endswith("\n") and not patched.endswith("\n"):
        patched += "\n"
    return patched
