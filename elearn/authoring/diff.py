"""What changed between two loaded packages, in words a reviewer reads: pure, no Flask, no
database.

Every text is compared in its language, so that a review asks for a sign-off only on the
languages whose words changed: lessons as the text a learner reads (the stored HTML reduced
to lines), lesson titles and objectives, the course's, modules' and quizzes' titles, and each
question field by field (its prompt, each option's text and feedback...). What is the same in
every language (an option being correct, a credit, a pass mark, a duration, a media file)
goes into one "structure" group that needs no language's sign-off.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from elearn.content.loader import MANIFEST, Package

# Changes of an item as a whole.
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# Lines of a text diff: kept, added, removed, and a run of unchanged lines left out.
SAME, PLUS, MINUS, GAP = " ", "+", "-", "…"
CONTEXT = 2

# Values keyed by language that name files, not words: they belong to the structure.
_PATH_KEYS = {"file", "transcript", "captions"}
# Files the diff reads through the loaded package, not as files.
_ENTITY = re.compile(r"^(modules|quizzes|media)\[([^\]]+)\]\.?(.*)$")
_LANGUAGE_FILE = re.compile(r"\.([a-z]{2})\.(md|vtt|txt)$")
_TEXT_SUFFIXES = (".md", ".vtt", ".txt")


@dataclass
class Line:
    op: str  # SAME, PLUS, MINUS or GAP
    text: str


@dataclass
class Item:
    """One changed thing: ``area`` ('course', 'module', 'lesson', 'quiz', 'question',
    'media', 'file'), ``subject`` (its id), ``field`` (a path inside it, '' for the whole),
    ``change`` (added, removed, changed), the values before and after, and for texts of
    several lines their line diff."""

    area: str
    subject: str
    field: str
    change: str
    before: str | None = None
    after: str | None = None
    lines: list[Line] = field(default_factory=list)


@dataclass
class PackageDiff:
    languages: list[str]  # the new package's languages, then any it no longer has
    by_language: dict[str, list[Item]]
    structure: list[Item]
    kept_languages: list[str] = field(default_factory=list)  # the new package's
    # Set by the caller when the earlier package could not be loaded (why, for the reader).
    unreadable_base: object = None

    @property
    def changed_languages(self) -> list[str]:
        """Languages whose texts changed and that the new package still has: the ones a
        reviewer must sign off."""
        return [code for code in self.kept_languages if self.by_language.get(code)]

    @property
    def empty(self) -> bool:
        return not self.structure and not any(self.by_language.values())


def diff_packages(before: Package | None, after: Package) -> PackageDiff:
    """``after`` compared with ``before`` (None: a course with no earlier version, so
    everything is added)."""
    languages = list(after.languages) + [
        code for code in (before.languages if before else []) if code not in after.languages
    ]
    known = set(languages)
    by_language: dict[str, list[Item]] = {code: [] for code in languages}
    structure: list[Item] = []

    def put(language: str | None, item: Item) -> None:
        (by_language[language] if language else structure).append(item)

    _manifest(before, after, known, put)
    _lessons(before, after, put)
    _questions(before, after, known, put)
    _files(before, after, known, put)
    return PackageDiff(languages, by_language, structure, kept_languages=list(after.languages))


def changed_languages(before: Package | None, after: Package) -> list[str]:
    """The languages of ``after`` whose words differ from ``before``."""
    return diff_packages(before, after).changed_languages


# Flattening --------------------------------------------------------------------------------


def flatten(value, languages: set[str]) -> dict[tuple[str | None, str], str]:
    """Every leaf of ``value`` by (language or None, path): a dict keyed by languages puts
    its values under each language; items of a list are named by their id (or file)."""
    out: dict[tuple[str | None, str], str] = {}
    _walk(value, languages, "", None, out)
    return out


def _walk(value, languages, path, language, out) -> None:
    if isinstance(value, dict):
        if value and language is None and set(value) <= languages:
            last = re.split(r"[.\]]", path)[-1]
            for code, inner in value.items():
                if last in _PATH_KEYS:
                    _walk(inner, languages, f"{path}.{code}", None, out)
                else:
                    _walk(inner, languages, path, code, out)
            return
        for key, inner in value.items():
            if key == "id" and path.endswith("]"):
                continue  # already the item's name in the path
            _walk(inner, languages, f"{path}.{key}" if path else str(key), language, out)
        return
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, inner in enumerate(value):
            name = inner.get("id") or inner.get("file") or index
            _walk(inner, languages, f"{path}[{name}]", language, out)
        return
    if isinstance(value, list):
        out[(language, path)] = ", ".join(_scalar(v) for v in value)
        return
    out[(language, path)] = _scalar(value)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "—"
    return str(value)


def _compare(before: dict, after: dict, make, put) -> None:
    """Put an Item for every key whose value differs; ``make(key)`` -> (area, subject, field)."""
    for key in sorted(set(before) | set(after), key=lambda k: (k[0] or "", k[1])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        area, subject, name = make(key[1])
        put(key[0], _item(area, subject, name, old, new))


def _item(area, subject, name, old: str | None, new: str | None) -> Item:
    change = ADDED if old is None else REMOVED if new is None else CHANGED
    item = Item(area, subject, name, change, old, new)
    if "\n" in (old or "") or "\n" in (new or ""):
        item.lines = line_diff(old or "", new or "")
    return item


# Parts of the package ----------------------------------------------------------------------


def _manifest_data(package: Package | None) -> dict:
    if package is None:
        return {}
    data = package.manifest.model_dump(mode="json", exclude_none=True)
    data.pop("version", None)  # set by the platform for every version
    return data


def _manifest(before, after, known, put) -> None:
    def where(path: str):
        match = _ENTITY.match(path)
        if not match:
            return "course", "", path
        area = {"modules": "module", "quizzes": "quiz", "media": "media"}[match.group(1)]
        return area, match.group(2), match.group(3)

    old, new = flatten(_manifest_data(before), known), flatten(_manifest_data(after), known)
    for kind in ("modules", "quizzes"):
        _whole(
            {e.id for e in getattr(before.manifest, kind)} if before else set(),
            {e.id for e in getattr(after.manifest, kind)},
            {"modules": "module", "quizzes": "quiz"}[kind],
            put,
        )
    _compare(old, new, where, put)


def _whole(old_ids: set, new_ids: set, area: str, put) -> None:
    for ident in sorted(new_ids - old_ids):
        put(None, Item(area, ident, "", ADDED))
    for ident in sorted(old_ids - new_ids):
        put(None, Item(area, ident, "", REMOVED))


def _lessons(before, after, put) -> None:
    """Titles, objectives and text of each lesson in each language. The stored HTML is
    compared first: only a lesson text that differs is reduced to lines (the slow part)."""

    def texts(package):
        return {
            (code, lesson.id): text
            for lesson in (package.lessons if package else [])
            for code, text in lesson.texts.items()
        }

    _whole(
        {lesson.id for lesson in before.lessons} if before else set(),
        {lesson.id for lesson in after.lessons},
        "lesson",
        put,
    )
    old, new = texts(before), texts(after)
    for code, lesson_id in sorted(set(old) | set(new)):
        was, now = old.get((code, lesson_id)), new.get((code, lesson_id))
        parts = (
            ("title", lambda t: t.title),
            ("objectives", lambda t: "\n".join(t.objectives) + "\n"),
            ("text", lambda t: t.html),
        )
        for name, part in parts:
            a = part(was) if was else None
            b = part(now) if now else None
            if a == b:
                continue
            if name == "text":
                a = html_text(a) if a is not None else None
                b = html_text(b) if b is not None else None
                if a == b:
                    continue
            item = _item("lesson", lesson_id, name, a, b)
            if name in ("text", "objectives"):
                item.lines = line_diff(a or "", b or "")
            put(code, item)


def _questions(before, after, known, put) -> None:
    def questions(package):
        out = {}
        for quiz in package.quizzes if package else []:
            for question in quiz.questions:
                out[f"{quiz.settings.id}/{question['id']}"] = question
        return out

    old, new = questions(before), questions(after)
    _whole(set(old), set(new), "question", put)
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        flat_old = flatten({k: v for k, v in old.get(key, {}).items() if k != "id"}, known)
        flat_new = flatten({k: v for k, v in new.get(key, {}).items() if k != "id"}, known)
        _compare(flat_old, flat_new, lambda path, key=key: ("question", key, path), put)


def _quiz_files(package: Package | None) -> set[str]:
    paths = set()
    for quiz in package.manifest.quizzes if package else []:
        paths.update([quiz.file] if isinstance(quiz.file, str) else quiz.file.values())
    return paths


def _files(before, after, known, put) -> None:
    """Media and the other files (transcripts, captions): texts in a language by their
    lines, every other file by its bytes."""
    skip = {MANIFEST} | _quiz_files(before) | _quiz_files(after)
    old = before.files if before else {}
    new = after.files
    for path in sorted(set(old) | set(new)):
        if path in skip or path.startswith("lessons/") or old.get(path) == new.get(path):
            continue
        language = _LANGUAGE_FILE.search(path)
        if path.endswith(_TEXT_SUFFIXES) and language and language.group(1) in known:
            before_text = _decode(old.get(path))
            after_text = _decode(new.get(path))
            item = _item("file", path, "", before_text, after_text)
            item.lines = line_diff(before_text or "", after_text or "")
            put(language.group(1), item)
            continue
        change = ADDED if path not in old else REMOVED if path not in new else CHANGED
        put(None, Item("media", path, "", change))


def _decode(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


# Texts -------------------------------------------------------------------------------------


def line_diff(before: str, after: str, context: int = CONTEXT) -> list[Line]:
    """The lines of ``after`` against ``before``: kept lines near a change, the added and
    the removed ones; a longer run of unchanged lines becomes one GAP line."""
    old, new = before.splitlines(), after.splitlines()
    result: list[Line] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            head = same[:context] if index > 0 else []
            tail = same[-context:] if index < len(opcodes) - 1 else []
            if len(same) > len(head) + len(tail):
                result += [Line(SAME, text) for text in head]
                result.append(Line(GAP, ""))
                result += [Line(SAME, text) for text in tail]
            else:
                result += [Line(SAME, text) for text in same]
            continue
        result += [Line(MINUS, text) for text in old[i1:i2]]
        result += [Line(PLUS, text) for text in new[j1:j2]]
    return result


_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "hr",
    "br",
    "audio",
    "video",
}
_MEDIA_URL = re.compile(r"^/media/[0-9a-f]{64}/(?P<name>[^/]+)$")
_LESSON_URL = re.compile(r"^/courses/[^/]+/lessons/(?P<id>[^/?#]+)")


def _shown_url(href: str | None) -> str | None:
    """A link's address as a reviewer needs it: media by name, lessons by id, phone
    numbers (help numbers, shown in the text already) left out."""
    if not href or href.startswith("tel:"):
        return None
    if match := _MEDIA_URL.match(href):
        return match["name"]
    if match := _LESSON_URL.match(href):
        return match["id"]
    return href


class _TextOf(HTMLParser):
    """A lesson's stored HTML as lines of text, in a Markdown-like notation authors know:
    headings with #, list items with •, links as [text](address), images as ![alt](name)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.links: list[tuple[str | None, int]] = []
        self.pre = 0

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def _add(self, text: str) -> None:
        self.lines[-1] += text

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag in _BLOCKS:
            self._break()
        if tag == "pre":
            self.pre += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._add("#" * int(tag[1]) + " ")
        elif tag == "li":
            self._add("• ")
        elif tag in ("td", "th") and self.lines[-1].strip():
            self.lines[-1] = self.lines[-1].rstrip() + " | "
        elif tag == "img":
            self._add(f"![{values.get('alt') or ''}]({_shown_url(values.get('src')) or ''})")
        elif tag in ("audio", "video"):
            self._add(("♪ " if tag == "audio" else "▶ ") + (_shown_url(values.get("src")) or ""))
        elif tag == "a":
            self.links.append((_shown_url(values.get("href")), len(self.lines) - 1))
            self._add("\0")  # where the link's text starts

    def handle_endtag(self, tag) -> None:
        if tag == "a" and self.links:
            address, line = self.links.pop()
            self.lines[line] = self.lines[line].replace("\0", "[" if address else "", 1)
            if address:
                self._add(f"]({address})")
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data) -> None:
        if self.pre:
            parts = data.split("\n")
            self._add(parts[0])
            for part in parts[1:]:
                self.lines.append(part)
            return
        self._add(re.sub(r"\s+", " ", data))


def html_text(html: str) -> str:
    """The readable text of a lesson's stored HTML, one block per line."""
    parser = _TextOf()
    parser.feed(html or "")
    parser.close()
    lines = [line.strip() for line in parser.lines]
    return "\n".join(line for line in lines if line) + "\n"
