"""The course outline of the learner pages, built once per version and filled in per learner.

The outline (learning/_outline.html, on the course page and beside every lesson) lists the
modules, lessons and quizzes of a version, the same for every learner of a published version
but for a few marks: each lesson's state (done, open, locked) and whether it links, the lesson
open on the page, each module's progress bar, the quizzes passed. Rendered by Jinja at every
view it cost some 0.4-0.5 ms, 5-10% of the lesson page. So each worker builds it once per
version (id and content hash), content language, interface language, course and URL root:
every fixed piece escaped and translated (the same messages, under the request's interface
language), and between them "slots" that each request fills by choosing among strings built
with the entry, from the learner's progress. Nothing an author or a learner wrote reaches the
page unescaped: titles are escaped when the entry is built, and a state outside the known ones
is escaped when it is filled in.

The cache (elearn/caches.py) holds at most VERSION_CONTENTS_CACHE_SIZE outlines, least
recently used out first: a version read in two pairs of languages takes two (about 5 KB each
for a course of seven lessons; building one takes about as long as the template took once). A
draft changes, so its outline is built afresh each time and never kept, as its contents are
(elearn/learning/contents.py).

The markup is, byte for byte, what the Jinja template gave: tests/learning/test_outline.py
keeps that template and compares the two for every state a learner can be in.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import get_template_attribute, has_request_context, request, url_for
from flask_babel import get_locale, gettext, ngettext
from markupsafe import Markup, escape

from elearn.caches import process_cache
from elearn.courses.models import VersionStatus
from elearn.learning.completion import module_counts

if TYPE_CHECKING:
    from elearn.courses.models import Course, CourseVersion
    from elearn.learning.contents import Contents
    from elearn.learning.progress import Progress


def outline_html(
    version: CourseVersion,
    contents: Contents,
    course: Course,
    progress: Progress | None,
    language: str,
    current: str | None = None,
) -> Markup:
    """The outline of ``version`` (whose contents are ``contents``) in ``language``, with
    ``progress``'s marks (None: not enrolled, no links) and ``current`` (a lesson key) marked
    as the page open: from this worker's cache unless the version is a draft."""
    cache = process_cache("version_outlines", "VERSION_CONTENTS_CACHE_SIZE")
    segments = cache.get_or_read(
        _key(version, course, language), lambda: _build(version, contents, course, language)
    )
    # Escaped pieces and fixed strings only, joined (see _build and the slots' fill).
    return Markup(  # noqa: S704
        "".join(
            segment if type(segment) is str else segment.fill(progress, current)
            for segment in segments
        )
    )


def _key(version: CourseVersion, course: Course, language: str) -> Hashable | None:
    """Everything the built outline depends on; None for a draft, which is never kept."""
    if version.status == VersionStatus.DRAFT:
        return None
    locale = get_locale()  # the catalogue, chosen by its language, as the templates' _() does
    return (
        version.id,
        version.content_hash,
        language,
        locale.language if locale is not None else None,
        course.slug,
        request.script_root if has_request_context() else "",  # the links start with it
    )


# Every piece is kept as a plain ``str`` (escaped or translated already): adding a str to a
# Markup would escape the str, HTML and all.


def _translated(message: str) -> str:
    """A translation as the templates' ``_()`` gives it (installed new-style, elearn/i18n.py):
    trusted, and formatted once even without variables, so that "%%" reads "%"."""
    return str(Markup(message) % {})  # noqa: S704 - a translation is trusted, as in templates


def _escaped(value) -> str:
    return str(escape(value))


def _title(titles: dict, language: str) -> str:
    """A title escaped as the template showed ``titles[language]`` ("" when missing)."""
    return _escaped(titles.get(language, ""))


@dataclass(frozen=True, slots=True)
class _Notes:
    """The translated marks beside lessons and quizzes, built once per entry."""

    done: str
    locked: str
    passed: str


@dataclass(frozen=True, slots=True)
class _ModuleBar:
    """A module's progress bar: the learner's (done, total) of its required items."""

    module_id: str
    label: Markup
    bar_id: str
    bars: dict  # (done, total) -> the rendered bar, for every count the version allows

    def fill(self, progress: Progress | None, _current: str | None) -> str:
        counts = progress.modules.get(self.module_id) if progress else None
        if not counts:
            return ""
        bar = self.bars.get(counts)
        if bar is None:  # counts the version's requirements do not give: rendered now
            bar = _progress_bar(counts, self.label, self.bar_id)
        return "\n        " + bar + "\n      "


@dataclass(frozen=True, slots=True)
class _Lesson:
    key: str
    link: str  # the start of the link, up to where aria-current goes
    linked_title: str  # from the end of the link's start tag to the end of the link
    plain_title: str
    meta: str  # the duration, "optional", up to the state's note
    notes: _Notes

    def fill(self, progress: Progress | None, current: str | None) -> str:
        state = progress.states.get(self.key) if progress else ""
        if progress and state != "locked":
            title = self.link + (
                'aria-current="page"' + self.linked_title
                if current == self.key
                else self.linked_title
            )
        else:
            title = self.plain_title
        if state == "done":
            note = self.notes.done
        elif state == "locked":
            note = self.notes.locked
        else:
            note = ""
        return (
            '\n        \n        <li class="state-'
            + _escaped(state or "none")
            + '">\n          '
            + title
            + self.meta
            + note
            + "</span>\n        </li>\n      "
        )


@dataclass(frozen=True, slots=True)
class _Quiz:
    """A quiz in its module's list (``final`` False) or after the modules (True)."""

    key: str
    linked: str
    plain: str
    final: bool
    notes: _Notes

    def fill(self, progress: Progress | None, _current: str | None) -> str:
        passed = self.notes.passed if progress and self.key in progress.passed_quizzes else ""
        if self.final:
            return (
                '\n    <p class="outline-final">'
                + (self.linked if progress else self.plain)
                + "\n      "
                + passed
                + "</p>\n  "
            )
        return (
            "\n        <li>"
            + (self.linked if progress else self.plain)
            + "\n          "
            + passed
            + "</li>\n      "
        )


def _build(version: CourseVersion, contents: Contents, course: Course, language: str) -> tuple:
    """The outline's fixed text, escaped and translated, with the slots between."""
    notes = _Notes(
        done=" · <strong>" + _translated(gettext("done")) + "</strong>",
        locked=" · " + _translated(gettext("locked until the lessons before it are done")),
        passed=" · <strong>" + _translated(gettext("passed")) + "</strong>",
    )
    quiz_word = _translated(gettext("Quiz"))
    bar_label = Markup(_translated(gettext("Progress in this module")))  # noqa: S704 - ditto
    optional = " · " + _translated(gettext("optional"))
    totals = module_counts(contents.requirements, set(), set())
    segments: list = [
        '\n\n<nav class="outline" aria-labelledby="outline-title">\n  <h2 id="outline-title">'
        + _translated(gettext("Course outline"))
        + "</h2>\n  "
    ]
    for module in version.manifest.get("modules", ()):
        module_id = module["id"]
        segments.append(
            '\n    <section class="outline-module" aria-labelledby="module-'
            + _escaped(module_id)
            + '">\n      <h3 id="module-'
            + _escaped(module_id)
            + '">'
            + _title(module["title"], language)
            + "</h3>\n      "
        )
        bar_id = "progress-" + str(module_id)
        total = totals[module_id][1] if module_id in totals else -1  # -1: never a bar
        bars = {
            (done, total): _progress_bar((done, total), bar_label, bar_id)
            for done in range(total + 1)
        }
        segments.append(_ModuleBar(module_id, bar_label, bar_id, bars))
        segments.append('\n      <ol class="outline-list">\n      ')
        for item in contents.lessons:
            if item.module_key != module_id:
                continue
            title = _title(item.titles, language)
            href = _escaped(url_for("learning.lesson", slug=course.slug, key=item.key))
            # Flask-Babel formats it as the templates' ngettext() does (num, once).
            minutes = ngettext("%(num)d minute", "%(num)d minutes", item.duration)
            segments.append(
                _Lesson(
                    key=item.key,
                    link='\n            <a href="' + href + '" ',
                    linked_title=">" + title + "</a>\n          ",
                    plain_title="\n            " + title + "\n          ",
                    meta='\n          <span class="meta">· '
                    + minutes
                    + ("" if item.required else optional)
                    + "\n          ",
                    notes=notes,
                )
            )
        segments.append("\n      ")
        for quiz in contents.quizzes:
            if quiz.module_key == module_id:
                label = quiz_word + ": " + _title(quiz.titles, language)
                segments.append(_quiz(quiz, course, label, final=False, notes=notes))
        segments.append("\n      </ol>\n    </section>\n  ")
    segments.append("\n  ")
    for quiz in contents.quizzes:
        if not quiz.module_key:
            label = _title(quiz.titles, language)
            segments.append(_quiz(quiz, course, label, final=True, notes=notes))
    segments.append("\n</nav>")
    return _merged(segments)


def _quiz(quiz, course: Course, label: str, *, final: bool, notes: _Notes) -> _Quiz:
    href = _escaped(url_for("quizzes.overview", slug=course.slug, key=quiz.key))
    linked = '<a href="' + href + '">' + label + "</a>"
    return _Quiz(key=quiz.key, linked=linked, plain=label, final=final, notes=notes)


def _progress_bar(counts: tuple[int, int], label: Markup, bar_id: str) -> str:
    """The progress bar of learning/_progress.html, the one every page shows."""
    macro = get_template_attribute("learning/_progress.html", "progress_bar")
    return str(macro(counts[0], counts[1], label, bar_id))


def _merged(segments: list) -> tuple:
    """The segments with neighbouring fixed text joined (outline_html tells text from slots
    by its type, ``str``)."""
    merged: list = []
    for segment in segments:
        if type(segment) is str and merged and type(merged[-1]) is str:
            merged[-1] += segment
        else:
            merged.append(segment)
    return tuple(merged)
