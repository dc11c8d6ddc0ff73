"""The directory of help numbers and institutions that lessons refer to by key.

A contact may also have entries per county (``counties``): the county's own office, each with
the official page it was read from and the date it was checked. Lessons are rendered once, at
import, with the national fallback inside a marked element; ``localise_contacts`` swaps in the
learner's county entry when the page is shown (docs/content-packages.md, "Help numbers").
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from elearn.content.problems import Collector, PackageError
from elearn.content.schema import LangText, Model
from elearn.content.yamlfile import load_yaml
from elearn.html import clean_html
from elearn.reference import COUNTIES, OUTSIDE_ROMANIA

DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "contacts.yaml"

# Part of the fingerprint: changing how contacts are written into lessons makes every stored
# version stale, so that `elearn courses rerender` writes them again.
MARKUP_VERSION = b"contacts-markup-2"

COUNTY_CODES = frozenset(COUNTIES) - {OUTSIDE_ROMANIA}

Phone = Annotated[str, StringConstraints(pattern=r"^[0-9 ]{3,20}$")]
Website = Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
Source = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]

# Written into the lesson in its own language, like the other labels of rendered lessons.
_LABELS = {
    "national": {"ro": "numărul național", "en": "national number", "hu": "országos szám"},
    "list": {
        "ro": "lista oficială a instituțiilor județene",
        "en": "official list of county offices",
        "hu": "a megyei intézmények hivatalos listája",
    },
}
# What the sanitiser keeps of a county-dependent contact, and what view time looks for.
_MARKED = re.compile(r'<span class="contact" data-contact="([a-z0-9-]+)">(.*?)</span>', re.S)


class CountyContact(Model):
    """One county's own office, read from its official page on the date ``checked``."""

    name: LangText
    phone: Phone | None = None
    website: Website | None = None
    source: Source
    checked: date

    @model_validator(mode="after")
    def _reachable(self) -> CountyContact:
        if not (self.phone or self.website):
            raise ValueError("a county entry needs a phone number or a website")
        return self


class Contact(Model):
    name: LangText
    use: LangText
    phone: Phone | None = None
    website: Website | None = None
    source: Source
    source_date: date | None = None
    # A contact that differs by county: where the learner's county has no entry, lessons show
    # its name with the ``national`` contact's number, and the official list if one is known.
    national: str | None = None
    county_list: Website | None = None
    counties: dict[str, CountyContact] = {}


class Directory(Model):
    checked: date
    contacts: Annotated[dict[str, Contact], Field(min_length=1)]

    @model_validator(mode="after")
    def _counties_and_fallbacks(self) -> Directory:
        for key, contact in self.contacts.items():
            unknown = sorted(set(contact.counties) - COUNTY_CODES)
            if unknown:
                raise ValueError(f"{key}: unknown county code(s) {', '.join(unknown)}")
            if (contact.counties or contact.county_list) and not contact.national:
                raise ValueError(f"{key}: a contact with county entries needs a national one")
            if contact.national:
                national = self.contacts.get(contact.national)
                if national is None or not national.phone or national.national:
                    raise ValueError(f"{key}: national must name a national number's key")
        return self


def load_directory(path: Path | None = None) -> tuple[Directory, str]:
    """The directory and a fingerprint of it (lessons store which one they were rendered with)."""
    return _load(Path(path or DIRECTORY))


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[Directory, str]:
    raw = path.read_bytes()
    problems = Collector()
    data, _ = load_yaml(raw.decode("utf-8"), Path(path).name, problems)
    problems.raise_if_any()
    try:
        directory = Directory.model_validate(data)
    except Exception as error:  # a broken directory is a bug in the platform itself
        raise PackageError([]) from error
    return directory, hashlib.sha256(MARKUP_VERSION + raw).hexdigest()[:16]


def _named(text: dict, language: str) -> str:
    return escape(text.get(language) or text.get("en") or "")


def _phone_link(phone: str) -> str:
    return f'<a href="tel:{phone.replace(" ", "")}"><strong>{escape(phone)}</strong></a>'


def contact_html(key: str, language: str, directory: Directory) -> str:
    """A contact as lesson HTML. One that differs by county is marked with its key and holds
    the national fallback, for ``localise_contacts`` to replace when the page is shown."""
    contact = directory.contacts[key]
    name = _named(contact.name, language)
    if contact.national:
        inner = _fallback_inner(contact, language, directory)
        return f'<span class="contact" data-contact="{key}">{inner}</span>'
    parts = []
    if contact.phone:
        parts.append(_phone_link(contact.phone))
    if contact.website:
        parts.append(f'<a href="{escape(contact.website)}">{escape(contact.website)}</a>')
    if not parts:
        return f'<span class="contact"><strong>{name}</strong></span>'
    return f'<span class="contact">{" ".join(parts)} ({name})</span>'


def _fallback_inner(contact: Contact, language: str, directory: Directory) -> str:
    national = directory.contacts[contact.national]
    label = _LABELS["national"][language]
    parts = f"{label}: {_phone_link(national.phone)}"
    if contact.county_list:
        link = escape(contact.county_list)
        parts += f'; <a href="{link}">{_LABELS["list"][language]}</a>'
    return f"{_named(contact.name, language)} ({parts})"


def _county_inner(entry: CountyContact, language: str) -> str:
    if entry.phone:
        reach = _phone_link(entry.phone)
    else:
        reach = f'<a href="{escape(entry.website)}">{escape(entry.website)}</a>'
    return f"{_named(entry.name, language)} ({reach})"


def localise_contacts(
    html: str, county: str | None, language: str, path: Path | None = None
) -> str:
    """Stored lesson HTML with each county-dependent contact replaced by ``county``'s verified
    entry, where the directory has one; everything else is left as it was stored.

    A string operation over a map built once per directory, county and language: no query."""
    if not county or 'data-contact="' not in html:
        return html
    path = Path(path or DIRECTORY)
    _directory, fingerprint = load_directory(path)
    local = _county_fragments(path, fingerprint, county, language)
    if not local:
        return html

    def swap(match: re.Match) -> str:
        key = match.group(1)
        if key not in local:
            return match.group(0)
        return f'<span class="contact" data-contact="{key}">{local[key]}</span>'

    return _MARKED.sub(swap, html)


@lru_cache(maxsize=256)
def _county_fragments(path: Path, fingerprint: str, county: str, language: str) -> dict[str, str]:
    """key -> sanitised inner HTML of the county's entry (the fingerprint keys the cache)."""
    directory, _ = load_directory(path)
    return {
        key: clean_html(_county_inner(contact.counties[county], language))
        for key, contact in directory.contacts.items()
        if county in contact.counties
    }
