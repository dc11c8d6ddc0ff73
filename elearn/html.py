"""The one place authored HTML is sanitised (and the only module that imports bleach).

Lesson Markdown is rendered with raw HTML switched off, so this is the second line of defence,
with the Content-Security-Policy as the third. bleach is no longer maintained upstream (see
docs/architecture.md); keeping every call here makes replacing it one change.
"""

from __future__ import annotations

import re

import bleach

_CONTACT_KEY = re.compile(r"^[a-z0-9-]{1,64}$")


def _span_attribute(_tag: str, name: str, value: str) -> bool:
    """A span keeps its class and language, and the key of a help number that depends on the
    learner's county (elearn/content/contacts.py), which must look like a directory key."""
    if name in ("class", "lang"):
        return True
    return name == "data-contact" and bool(_CONTACT_KEY.match(value))


# Bump when what clean_html keeps changes: stored lessons are then rendered again
# (elearn.content.markdown.rendering_fingerprint).
SANITISER_VERSION = "3"


def _div_attribute(_tag: str, name: str, value: str) -> bool:
    """A div keeps its class and language, and the attributes of the scrolling region a
    lesson table sits in (role="region", tabindex="0", aria-label) with exactly those values
    for role and tabindex: nothing that would make any div a focus trap or a landmark."""
    if name in ("class", "lang", "aria-label"):
        return True
    return (name, value) in (("role", "region"), ("tabindex", "0"))


ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "audio",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "source",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "track",
        "ul",
        "video",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "audio": ["controls", "src", "preload"],
    "video": ["controls", "src", "preload", "width", "height"],
    "source": ["src", "type"],
    "track": ["kind", "src", "srclang", "label", "default"],
    "img": ["src", "alt", "width", "height", "loading"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "ol": ["start"],
    "span": _span_attribute,
    "div": _div_attribute,
    "p": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})


def clean_html(html: str) -> str:
    """Keep only the tags, attributes and link schemes a lesson needs; drop everything else."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
