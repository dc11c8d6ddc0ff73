"""The lesson editor's services: one lesson in every language, saved, previewed and checked.

A save writes only the languages the author changed: a column is compared with the file as
it was when the page was opened (its blob, by the sha256 the form carried), so a language
the author did not touch is never written, even if someone else changed it meanwhile. A
changed language whose file moved on since is a conflict, reported with both texts; nothing
is written until the author chooses which text to keep. Everything else goes through
``services.save``, the validator of `elearn courses validate`.

Services flush and never commit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markdown_it import MarkdownIt

from elearn.authoring import files as package_files
from elearn.authoring import services
from elearn.authoring.models import Draft
from elearn.content.loader import Package
from elearn.content.markdown import split_front_matter
from elearn.content.problems import N_, Collector, PackageError, Problem
from elearn.content.yamlfile import load_yaml
from elearn.courses.media import blob_bytes
from elearn.courses.models import Blob
from elearn.extensions import db
from elearn.i18n import LANGUAGES

# Larger "bases" than any lesson are not read back: a base names a lesson file, nothing else.
_MAX_LESSON_BYTES = 1024 * 1024
# Only to find raw HTML and the links markdown-it itself would drop silently.
_DETECT = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_DETECT.validateLink = lambda url: True
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")

FIELD_LABELS = {
    "title": N_("Title (%(language)s)"),
    "objectives": N_("Learning objectives (%(language)s)"),
    "body": N_("Text (%(language)s)"),
}


def field_label(name: str, language: str) -> str:
    return _(FIELD_LABELS[name], language=LANGUAGES.get(language, language))


@dataclass
class Side:
    """One language's version of the lesson as the editor shows it."""

    language: str
    path: str
    sha: str  # "" when the file does not exist
    state: str  # services.translation_states: source, current, out_of_date, missing
    title: str = ""
    objectives: list[str] = field(default_factory=list)
    body: str = ""


@dataclass
class Typed:
    """What the author typed in one language's column."""

    title: str
    objectives: list[str]
    body: str
    base: str = ""  # the file's sha256 when the page was opened; "" for a missing file
    keep: str = ""  # after a conflict: "mine" or "theirs"
    theirs: str = ""  # after a conflict: the sha256 of the text the author was shown


@dataclass
class LanguageConflict:
    language: str
    sha: str  # the file as it is now
    theirs: str
    yours: str

    def diff(self) -> list[tuple[str, str]]:
        return line_diff(self.theirs, self.yours)


class LessonConflict(Exception):
    """Someone else saved these languages since the page was opened; nothing was written."""

    def __init__(self, conflicts: list[LanguageConflict]) -> None:
        super().__init__(", ".join(c.language for c in conflicts))
        self.conflicts = conflicts


@dataclass
class FieldProblem:
    language: str
    field: str  # title, objectives, body or "" for the lesson as a whole
    text: str  # translated, naming the field


class LessonProblems(Exception):
    """What the validator or the editor's own checks refused, by field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(p.text for p in problems))
        self.problems = problems


# Reading ------------------------------------------------------------------------------------


def lesson_sides(draft: Draft, package: Package, lesson_id: str) -> list[Side] | None:
    """Every language of the lesson, source language first; None if the lesson is unknown."""
    if not any(lesson.id == lesson_id for lesson in package.lessons):
        return None
    states = services.translation_states(draft, package)[lesson_id]
    rows = services.file_map(draft)
    sides = []
    for language in package.languages:
        path = package_files.lesson_path(lesson_id, language)
        side = Side(language, path, rows[path].sha256 if path in rows else "", states[language])
        text = services.read_text(draft, path)
        if text is not None:
            side.title, side.objectives, side.body = _parts(text)
        sides.append(side)
    return sides


def _parts(text: str) -> tuple[str, list[str], str]:
    front, body = package_files.split_lesson(text)
    data, _lines = load_yaml(front, "", Collector()) if front else ({}, {})
    data = data if isinstance(data, dict) else {}
    objectives = data.get("objectives") or []
    return (
        str(data.get("title") or ""),
        [str(o) for o in objectives] if isinstance(objectives, list) else [],
        body,
    )


def _blob_text(digest: str) -> str | None:
    blob = db.session.get(Blob, digest) if digest else None
    if blob is None or blob.size > _MAX_LESSON_BYTES:
        return None
    return blob_bytes(blob).decode("utf-8", "replace")


# Changes ------------------------------------------------------------------------------------


def _new_text(current: str | None, typed: Typed) -> str:
    if current is None:
        return package_files.lesson_text(typed.title, typed.objectives, typed.body)
    return package_files.edit_lesson(
        current, title=typed.title, objectives=typed.objectives, body=typed.body
    )


def _untouched(typed: Typed) -> bool:
    """The author left this language as it was when the page was opened."""
    if not typed.base:
        return not (typed.title.strip() or typed.objectives or typed.body.strip())
    opened = _blob_text(typed.base)
    return opened is not None and _new_text(opened, typed) == opened


def changes_for(
    draft: Draft, lesson_id: str, typed: dict[str, Typed]
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files to write (only the languages the author changed) and the base of each.

    Raises LessonConflict listing every changed language saved by someone else since the
    page was opened (unless the author chose which text to keep), and LessonProblems for
    raw HTML or scripts in a changed body.
    """
    rows = services.file_map(draft)
    changes: dict[str, bytes] = {}
    bases: dict[str, str | None] = {}
    conflicts, problems = [], []
    for language, entry in typed.items():
        path = package_files.lesson_path(lesson_id, language)
        now = rows[path].sha256 if path in rows else ""
        current = services.read_text(draft, path)
        if entry.keep == "theirs" or _untouched(entry):
            continue
        new = _new_text(current, entry)
        base = entry.base
        if entry.keep == "mine" and entry.theirs == now:
            base = now  # the author was shown this text and chose their own over it
        if base != now:
            conflicts.append(LanguageConflict(language, now, current or "", new))
            continue
        if new == (current or ""):
            continue
        problems += body_problems(entry.body, language)
        changes[path] = new.encode("utf-8")
        bases[path] = now or None
    if conflicts:
        raise LessonConflict(conflicts)
    if problems:
        raise LessonProblems(problems)
    return changes, bases


def body_problems(body: str, language: str) -> list[FieldProblem]:
    """Raw HTML and script links in a body. The renderer would show the one as text and drop
    the other, but an author who typed them meant something else: say so by the field."""
    label = field_label("body", language)
    found: list[FieldProblem] = []
    for token in _DETECT.parse(body):
        children = token.children or []
        kinds = [token.type] + [c.type for c in children]
        hrefs = [c.attrGet("href") or c.attrGet("src") or "" for c in children]
        line = (token.map[0] + 1) if token.map else 1
        if "html_block" in kinds or "html_inline" in kinds:
            message = _(
                "%(field)s, line %(line)d: HTML is not allowed in lessons; use Markdown "
                "(the toolbar and the formatting help show how).",
                field=label,
                line=line,
            )
            found.append(FieldProblem(language, "body", message))
        if any(h.strip().lower().startswith(_SCRIPT_SCHEMES) for h in hrefs):
            message = _(
                "%(field)s, line %(line)d: scripts and data are not allowed in links; link "
                "to a lesson (lesson:id), a media file, or an http(s) or mailto address.",
                field=label,
                line=line,
            )
            found.append(FieldProblem(language, "body", message))
    return found


def save_lesson(
    draft: Draft,
    lesson_id: str,
    typed: dict[str, Typed],
    *,
    synced: list[str] = (),
    by_id: int | None,
) -> tuple[Package, list[str]]:
    """Save the languages the author changed, and mark the ``synced`` languages (still
    accurate translations) up to date. Returns the package and the languages written.

    Raises LessonConflict, LessonProblems, or DomainError (a draft with a reviewer).
    """
    services.check_editable(draft)
    changes, bases = changes_for(draft, lesson_id, typed)
    synced_paths = [package_files.lesson_path(lesson_id, language) for language in synced]
    if not changes and not synced_paths:
        return services.load_draft(draft), []
    try:
        package = services.save(draft, changes, base=bases, synced=synced_paths, by_id=by_id)
    except services.Conflict as error:  # someone saved between our check and the save
        language = package_files.parse_lesson_path(error.path)[1]
        sha = services.file_map(draft)[error.path].sha256
        raise LessonConflict([LanguageConflict(language, sha, error.theirs, error.yours)]) from None
    except PackageError as error:
        raise LessonProblems(field_problems(error.problems, lesson_id, changes)) from None
    return package, [package_files.parse_lesson_path(p)[1] for p in sorted(changes)]


def preview(draft: Draft, lesson_id: str, language: str, typed: Typed):
    """The lesson as learners would see it with ``typed`` in ``language``, without saving:
    the would-be files pass the import's validator and sanitiser. Returns the loader's
    LessonText; raises LessonProblems."""
    path = package_files.lesson_path(lesson_id, language)
    new = _new_text(services.read_text(draft, path), typed)
    problems = body_problems(typed.body, language)
    if problems:
        raise LessonProblems(problems)
    files = services.draft_files(draft)
    files[path] = new.encode("utf-8")
    try:
        package = services.validate(files)
    except PackageError as error:
        raise LessonProblems(
            field_problems(error.problems, lesson_id, {path: files[path]})
        ) from None
    lesson = next(lesson for lesson in package.lessons if lesson.id == lesson_id)
    return lesson.texts[language]


# Messages -----------------------------------------------------------------------------------


def field_problems(
    problems: list[Problem], lesson_id: str, changed: dict[str, bytes]
) -> list[FieldProblem]:
    """The validator's problems, translated, each naming the field of the editor it is in
    (and the line within the text, counted from the text's first line)."""
    found = []
    for problem in problems:
        if problem.severity != "error":
            continue
        parsed = package_files.parse_lesson_path(problem.file)
        if parsed is None or parsed[0] != lesson_id:
            found.append(FieldProblem("", "", problem.text(_)))
            continue
        language = parsed[1]
        where = str(problem.params.get("where", ""))
        text = changed.get(problem.file, b"").decode("utf-8", "replace")
        _front, _body, body_line = split_front_matter(text)
        if where.startswith(("title", "objectives")):
            name = "objectives" if where.startswith("objectives") else "title"
            message = _(
                "%(field)s: %(message)s", field=field_label(name, language), message=problem.text(_)
            )
        elif problem.line and problem.line >= body_line:
            name = "body"
            message = _(
                "%(field)s, line %(line)d: %(message)s",
                field=field_label(name, language),
                line=problem.line - body_line + 1,
                message=problem.text(_),
            )
        else:
            name = "body"
            message = _(
                "%(field)s: %(message)s", field=field_label(name, language), message=problem.text(_)
            )
        found.append(FieldProblem(language, name, message))
    return found


def line_diff(theirs: str, yours: str) -> list[tuple[str, str]]:
    """Lines as ("same" | "theirs" | "yours", text): what only one of the two texts has."""
    a, b = theirs.splitlines(), yours.splitlines()
    rows: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [("same", line) for line in a[i1:i2]]
            continue
        rows += [("theirs", line) for line in a[i1:i2]]
        rows += [("yours", line) for line in b[j1:j2]]
    return rows


def states_after(draft: Draft, package: Package, lesson_id: str) -> dict[str, str]:
    return services.translation_states(draft, package).get(lesson_id, {})
