"""Lesson tables: each sits in a labelled, focusable region that scrolls sideways on a phone."""

from __future__ import annotations

import re

import pytest

from elearn.content.contacts import load_directory
from elearn.content.markdown import RenderContext, render
from elearn.content.problems import Collector
from elearn.html import clean_html

TABLE = "| Situation | Contact |\n|---|---|\n| Danger | {{contact:emergency}} |\n"


def rendered(body: str, language: str = "en") -> str:
    directory, _hash = load_directory()
    context = RenderContext(
        language=language,
        lesson_ids=frozenset(),
        media={},
        media_url=lambda path: f"/media/{path}",
        lesson_url=lambda key: f"/lesson/{key}",
        transcript_html={},
        directory=directory,
    )
    problems = Collector()
    html = render(body, context, problems, "lessons/x.md", 1)
    assert not problems.problems
    return html


def regions(html: str) -> list[str]:
    return re.findall(r"<div[^>]*>", html)


def test_a_table_under_a_heading_is_a_region_named_after_the_heading():
    html = rendered(f"## Who to contact\n\n{TABLE}")
    assert regions(html) == [
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Who to contact">'
    ]
    # The whole table is inside the region, and the region closes after it.
    assert re.search(r'aria-label="Who to contact">\s*<table>.*</table>\s*</div>', html, re.S)


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("ro", ["Tabelul 1", "Tabelul 2"]),
        ("en", ["Table 1", "Table 2"]),
        ("hu", ["1. táblázat", "2. táblázat"]),
    ],
)
def test_tables_without_a_heading_of_their_own_are_numbered_in_the_lessons_language(
    language, labels
):
    html = rendered(f"Some text.\n\n{TABLE}\nMore text.\n\n{TABLE}", language)
    assert re.findall(r'aria-label="([^"]*)"', html) == labels


def test_a_second_table_under_the_same_heading_gets_a_numbered_label():
    html = rendered(f"## Contacts\n\n{TABLE}\n{TABLE}")
    assert re.findall(r'aria-label="([^"]*)"', html) == ["Contacts", "Table 2"]


def test_a_heading_label_is_escaped_and_formatting_dropped():
    html = rendered(f'## Police & "112" **now**\n\n{TABLE}')
    assert 'aria-label="Police &amp; &quot;112&quot; now"' in html


def test_text_without_a_table_gets_no_region():
    assert "<div" not in rendered("## A heading\n\nJust a paragraph.")


def test_the_sanitiser_keeps_the_regions_attributes_and_nothing_else_on_a_div():
    html = clean_html(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Contacts" '
        'onclick="alert(1)" style="width:999px" id="x" data-x="1"><table></table></div>'
    )
    assert regions(html) == [
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Contacts">'
    ]


@pytest.mark.parametrize(
    "div",
    ['<div role="button">', '<div role="dialog">', '<div tabindex="-1">', '<div tabindex="5">'],
)
def test_the_sanitiser_allows_no_other_role_or_tab_order_on_a_div(div):
    assert clean_html(f"{div}text</div>") == "<div>text</div>"
