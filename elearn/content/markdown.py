"""Lessons: Markdown with a small front matter, rendered once, at import, to safe HTML.

Raw HTML is off. Links may point to another lesson (``lesson:other-id``), to a file of the
package (``media/handout.pdf``) or to the web (http, https, mailto). ``{{contact:key}}`` puts a
help number from the contacts directory in the text; ``{{resource:key}}`` links to that
material of the resource library (``/resources/<key>``; this core holds no database, so the
link reads "Library resource: key", and the importer warns about keys the library lacks).
Images, audio and video come from the package's declared media, with their alt text,
transcripts and captions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from elearn.content.contacts import Directory, contact_html
from elearn.content.problems import N_, Collector
from elearn.html import SANITISER_VERSION, clean_html

_FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)
_CONTACT = re.compile(r"\{\{\s*contact:([a-z0-9-]+)\s*\}\}")
_RESOURCE = re.compile(r"\{\{\s*resource:([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\}")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_AUDIO = (".mp3", ".ogg", ".m4a")
_VIDEO = (".mp4", ".webm")
_IMAGE = (".png", ".jpg", ".jpeg", ".webp")

_LABELS = {
    "transcript": {"ro": "Transcriere", "en": "Transcript", "hu": "Átirat"},
    "download": {"ro": "Descărcați", "en": "Download", "hu": "Letöltés"},
    "resource": {"ro": "Material din bibliotecă", "en": "Library resource", "hu": "Segédanyag"},
    # A table's region label when no heading names it (the lesson is rendered in its language).
    "table": {"ro": "Tabelul {number}", "en": "Table {number}", "hu": "{number}. táblázat"},
}
# Bump when the HTML a lesson renders to changes: importing or `elearn courses rerender` then
# renders every stored version again (see rendering_fingerprint).
RENDERER_VERSION = "3"


@dataclass(frozen=True)
class RenderContext:
    """What a lesson may link to, and how links are written for this course."""

    language: str
    lesson_ids: frozenset[str]
    media: dict  # path -> manifest Media entry
    media_url: callable  # path -> URL
    lesson_url: callable  # lesson id -> URL
    transcript_html: dict  # (path, language) -> HTML
    directory: Directory


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter, body, line where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    return match.group(1), text[match.end() :], match.group(0).count("\n") + 1


def _contact_rule(state: StateInline, silent: bool) -> bool:
    match = _CONTACT.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("contact", "", 0)
        token.meta = {"key": match.group(1)}
    state.pos = match.end()
    return True


def _resource_rule(state: StateInline, silent: bool) -> bool:
    match = _RESOURCE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("resource", "", 0)
        token.meta = {"key": match.group(1)}
    state.pos = match.end()
    return True


def resource_keys(markdown: str) -> set[str]:
    """The keys of the library resources a lesson names with ``{{resource:key}}``."""
    return set(_RESOURCE.findall(markdown))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("text", "contact", _contact_rule)
    md.inline.ruler.before("text", "resource", _resource_rule)
    return md


_MD = _parser()


def render(
    body: str, context: RenderContext, problems: Collector, file: str, first_line: int
) -> str:
    """Render a lesson body to sanitised HTML, reporting every broken reference by line."""
    tokens = _MD.parse(body)
    for token in tokens:
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "heading_open":
            # The page's own <h1> is the lesson title; the lesson's headings sit below it.
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = f"h{level}"
            closing = tokens[tokens.index(token) + 2]
            closing.tag = f"h{level}"
        for child in token.children or []:
            _check_inline(child, context, problems, file, line)
    tokens = _wrap_tables(tokens, context.language)
    html = _MD.renderer.render(tokens, _MD.options, {"context": context})
    return clean_html(html)


def rendering_fingerprint(contacts_hash: str) -> str:
    """What a version's stored lessons were rendered with: the contacts directory, this
    renderer and the sanitiser. A version whose fingerprint differs is rendered again."""
    key = f"{contacts_hash}:{RENDERER_VERSION}:{SANITISER_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _inline_text(token) -> str:
    return "".join(
        child.content for child in token.children or [] if child.type in ("text", "code_inline")
    ).strip()


def _wrap_tables(tokens: list, language: str) -> list:
    """Put every table in a labelled, focusable region that scrolls sideways on a phone, so
    that a wide table scrolls inside the page instead of cutting off its last column.

    The label is the heading the table sits under (when no other table took it), else
    "Table n" in the lesson's language.
    """
    wrapped, heading, used, number = [], "", set(), 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = _inline_text(tokens[index + 1])
        if token.type == "table_open":
            number += 1
            label = heading if heading and heading not in used else ""
            used.add(label)
            label = label or _LABELS["table"][language].format(number=number)
            opening = Token("html_block", "", 0)
            opening.content = (
                f'<div class="table-scroll" role="region" tabindex="0" '
                f'aria-label="{escape(label)}">\n'
            )
            wrapped.append(opening)
        wrapped.append(token)
        if token.type == "table_close":
            closing = Token("html_block", "", 0)
            closing.content = "</div>\n"
            wrapped.append(closing)
    return wrapped


def _check_inline(token, context: RenderContext, problems: Collector, file: str, line: int) -> None:
    language = context.language
    if token.type == "contact":
        key = token.meta["key"]
        if key not in context.directory.contacts:
            problems.add(
                N_("Unknown contact '%(key)s': use a key of the contacts directory."),
                file,
                line,
                key=key,
            )
            token.type = "text"
            token.content = ""
            return
        token.type = "html_inline"
        token.content = contact_html(key, language, context.directory)
    elif token.type == "resource":
        # The library's address is fixed (the resources blueprint); the title is not known
        # here, so the link names the key.
        key = token.meta["key"]
        label = _LABELS["resource"][language]
        token.type = "html_inline"
        token.content = f'<a href="/resources/{key}">{escape(label)}: {escape(key)}</a>'
    elif token.type == "link_open":
        href = token.attrGet("href") or ""
        if href.startswith("lesson:"):
            target = href[len("lesson:") :]
            if target not in context.lesson_ids:
                problems.add(
                    N_("The link to lesson '%(lesson)s' leads nowhere: no lesson has that id."),
                    file,
                    line,
                    lesson=target,
                )
            token.attrSet("href", context.lesson_url(target))
        elif href.startswith("media/"):
            if href not in context.media:
                problems.add(
                    N_("The link to %(path)s leads to no file declared under media."),
                    file,
                    line,
                    path=href,
                )
            token.attrSet("href", context.media_url(href))
        elif not href.startswith(_SAFE_SCHEMES) and not href.startswith("#"):
            problems.add(
                N_("The link '%(href)s' is not allowed: use lesson:, media/, http(s) or mailto."),
                file,
                line,
                href=href,
            )
            token.attrSet("href", "#")
    elif token.type == "image":
        _media_token(token, context, problems, file, line)


def _media_token(token, context: RenderContext, problems: Collector, file: str, line: int) -> None:
    src = token.attrGet("src") or ""
    language = context.language
    entry = context.media.get(src)
    if entry is None:
        problems.add(
            N_("%(path)s is used but not declared under media in course.yaml."),
            file,
            line,
            path=src,
        )
        token.type, token.content, token.children = "text", "", []
        return
    url = escape(context.media_url(src))
    alt = token.content or (entry.alt or {}).get(language, "")
    if src.lower().endswith(_IMAGE):
        if not alt.strip():
            problems.add(
                N_("The image %(path)s has no alt text in %(language)s."),
                file,
                line,
                path=src,
                language=language,
            )
        token.type = "html_inline"
        token.content = f'<img src="{url}" alt="{escape(alt)}" loading="lazy">'
    elif src.lower().endswith(_AUDIO):
        transcript = context.transcript_html.get((src, language), "")
        label = _LABELS["transcript"][language]
        token.type = "html_inline"
        token.content = (
            f'<audio controls preload="none" src="{url}"></audio>'
            f"<details><summary>{label}</summary>{transcript}</details>"
        )
    elif src.lower().endswith(_VIDEO):
        tracks = "".join(
            f'<track kind="captions" src="{escape(context.media_url(path))}" srclang="{lang}"'
            f"{' default' if lang == language else ''}>"
            for lang, path in sorted((entry.captions or {}).items())
        )
        token.type = "html_inline"
        token.content = f'<video controls preload="none" src="{url}">{tracks}</video>'
    else:
        title = (entry.title or {}).get(language, src)
        label = _LABELS["download"][language]
        token.type = "html_inline"
        token.content = f'<a href="{url}">{escape(label)}: {escape(title)}</a>'


def plain_text(markdown: str) -> str:
    """Markdown reduced to its text (for search and titles)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _MD.render(markdown))).strip()
