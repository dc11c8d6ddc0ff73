"""The layout on a phone: the header's Menu, and wide tables in scrolling regions."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from elearn.accounts.models import Role
from tests.conftest import sign_in

REGION = '{% from "_macros.html" import table_region %}'


def test_a_table_region_is_named_by_its_caption_or_by_words(app):
    with app.test_request_context():
        by_caption = render_template_string(
            REGION + '{% call table_region("people-caption") %}<table></table>{% endcall %}'
        )
        by_words = render_template_string(
            REGION + '{% call table_region(label="Who & where") %}<table></table>{% endcall %}'
        )
    assert re.fullmatch(
        r'<div class="table-scroll" role="region" tabindex="0" '
        r'aria-labelledby="people-caption">\s*<table></table>\s*</div>',
        by_caption,
    )
    assert 'aria-label="Who &amp; where"' in by_words and "labelledby" not in by_words


@pytest.mark.parametrize(("language", "menu"), [("en", "Menu"), ("ro", "Meniu"), ("hu", "Menü")])
def test_the_header_has_a_menu_holding_the_same_links_as_the_wide_row(client, make, language, menu):
    sign_in(client, make.user(language=language))
    html = client.get("/my-learning", headers={"Accept-Language": language}).get_data(True)
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert f"<summary>{menu}</summary>" in header
    folded = header.split('<details class="menu narrow-only">', 1)[1].split("</details>", 1)[0]
    wide = header.split('<nav class="wrap site-nav wide-only"', 1)[1]
    links = re.compile(r'<a href="([^"]+)"')
    assert links.findall(folded) == links.findall(wide)
    assert len(links.findall(folded)) >= 4
    assert 'aria-current="page"' in folded and 'aria-current="page"' in wide
    # The language switcher, in both places, with labels of their own.
    assert header.count('name="language" value="hu"') == 2
    assert 'id="language-label"' in header and 'id="menu-language-label"' in header


def test_the_members_table_scrolls_in_its_own_region(client, make):
    organisation = make.organisation()
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation)
    sign_in(client, manager)
    html = client.get(f"/organisations/{organisation}/people").get_data(True)
    assert (
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="people-caption">'
        in html
    )
