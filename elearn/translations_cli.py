"""`elearn translations update`: refresh the catalogues after changing user-facing text.

It extracts every translatable string from the code and templates into messages.pot, merges
it into the Romanian, English and Hungarian catalogues, and fills the English catalogue from
the English source text. Translators then fill the new empty entries in ro and hu; the test
suite fails until they have.
"""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from elearn.i18n import LANGUAGES, TRANSLATIONS_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POT_FILE = TRANSLATIONS_DIR / "messages.pot"
# Keywords beyond gettext's defaults that mark translatable text in this code base.
KEYWORDS = ("lazy_gettext", "_l", "N_", "lazy_ngettext:1,2")


def extract(pot_file: Path = POT_FILE) -> None:
    """Write every translatable string of the code and templates to ``pot_file``."""
    args = ["pybabel", "-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg")]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += [
        "--no-location",
        "--sort-output",
        "--project",
        "elearn",
        "--copyright-holder",
        "elearn maintainers",
        "-o",
        str(pot_file),
        str(PROJECT_ROOT),
    ]
    CommandLineInterface().run(args)


def fill_english() -> None:
    """The source text is English: the English catalogue repeats it, plural forms included."""
    po_path = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.string = message.id
        message.flags.discard("fuzzy")
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, include_previous=False)


@click.group("translations", help="Keep the ro, en and hu catalogues in step with the code.")
def translations_cli() -> None:
    """Commands that need no application or database."""


@translations_cli.command("update")
def update_command() -> None:
    """Extract the strings and merge them into every catalogue."""
    extract()
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "update",
            "-i",
            str(POT_FILE),
            "-d",
            str(TRANSLATIONS_DIR),
            "--ignore-obsolete",
            "-w",
            "100",
        ]
    )
    fill_english()
    missing = {language: untranslated(language) for language in LANGUAGES}
    for language, ids in missing.items():
        if ids:
            click.echo(f"{language}: {len(ids)} message(s) to translate")
    click.echo("Catalogues updated.")


def untranslated(language: str) -> list[str]:
    """Message ids of ``language`` with no translation, or marked fuzzy."""
    po_path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    result = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            result.append(message.id if isinstance(message.id, str) else message.id[0])
    return result
