"""The contacts directory: county entries, how they are checked, rendered and swapped in."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearn.content import contacts
from elearn.content.contacts import contact_html, load_directory, localise_contacts
from elearn.content.problems import PackageError
from elearn.html import clean_html
from tests.content.helpers import edit, load, valid_files

TEST_DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "contacts" / "with-test-county.yaml"

ENTRY = """      CJ:
        name: {ro: DGASPC Test, en: Test DGASPC, hu: Teszt DGASPC}
        phone: "0000 000 001"
        source: https://example.org/test-county-office
        checked: 2026-12-06
"""


def directory_with(tmp_path, old: str, new: str) -> Path:
    text = TEST_DIRECTORY.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "contacts.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(PackageError) as caught:
        load_directory(path)
    return str(caught.value.__cause__)


def test_the_shipped_directory_loads_and_every_county_entry_names_its_source_and_date():
    directory, _ = load_directory()
    for contact in directory.contacts.values():
        for county, entry in contact.counties.items():
            assert county in contacts.COUNTY_CODES
            assert entry.source.startswith("https://")
            assert entry.checked is not None


def test_a_county_entry_without_a_source_is_refused(tmp_path):
    path = directory_with(tmp_path, "        source: https://example.org/test-county-office\n", "")
    assert "source" in refusal(path)


def test_a_county_entry_without_the_date_it_was_checked_is_refused(tmp_path):
    path = directory_with(tmp_path, ENTRY, ENTRY.replace("        checked: 2026-12-06\n", ""))
    assert "checked" in refusal(path)


def test_an_unknown_county_code_is_refused(tmp_path):
    path = directory_with(tmp_path, "      CJ:\n", "      XX:\n")
    assert "unknown county code(s) XX" in refusal(path)


def test_outside_romania_is_not_a_county_with_offices(tmp_path):
    path = directory_with(tmp_path, "      CJ:\n", "      abroad:\n")
    assert "unknown county code(s) abroad" in refusal(path)


def test_a_county_entry_needs_a_phone_number_or_a_website(tmp_path):
    path = directory_with(tmp_path, '        phone: "0000 000 001"\n', "")
    assert "phone number or a website" in refusal(path)


def test_county_entries_need_a_national_number_to_fall_back_on(tmp_path):
    path = directory_with(tmp_path, "    national: child-abuse-119\n", "")
    assert "needs a national one" in refusal(path)


def test_the_national_fallback_must_be_a_number_of_the_directory(tmp_path):
    path = directory_with(tmp_path, "national: child-abuse-119", "national: no-such-line")
    assert "national must name" in refusal(path)


def test_a_county_dependent_contact_is_stored_with_the_national_fallback():
    directory, _ = load_directory(TEST_DIRECTORY)
    html = contact_html("dgaspc", "en", directory)
    assert html.startswith('<span class="contact" data-contact="dgaspc">')
    assert '"dgaspc">The DGASPC of your county (national number: ' in html
    assert 'national number: <a href="tel:119"><strong>119</strong></a>' in html
    assert '<a href="https://example.org/list-of-county-offices">official list' in html
    assert "0000 000 001" not in html
    assert clean_html(html) == html  # the sanitiser keeps exactly what is emitted


def test_a_national_contact_is_rendered_as_before():
    directory, _ = load_directory()
    html = contact_html("emergency", "ro", directory)
    assert html.startswith('<span class="contact"><a href="tel:112">')
    assert "data-contact" not in html


def test_the_sanitiser_drops_a_data_contact_that_is_not_a_key_and_on_other_tags():
    cleaned = clean_html(
        '<span class="contact" data-contact="x&quot; onclick=&quot;y">a</span>'
        '<a href="https://e.org" data-contact="dgaspc">b</a><p data-contact="dgaspc">c</p>'
    )
    assert "data-contact" not in cleaned
    assert "onclick" not in cleaned


def test_the_learners_county_entry_replaces_the_fallback_when_shown():
    directory, _ = load_directory(TEST_DIRECTORY)
    stored = clean_html(f"<p>Notify {contact_html('dgaspc', 'hu', directory)} now.</p>")
    shown = localise_contacts(stored, "CJ", "hu", TEST_DIRECTORY)
    assert shown == (
        '<p>Notify <span class="contact" data-contact="dgaspc">Teszt DGASPC '
        '(<a href="tel:0000000001"><strong>0000 000 001</strong></a>)</span> now.</p>'
    )
    web = localise_contacts(stored, "SB", "hu", TEST_DIRECTORY)
    assert '<a href="https://example.org/test-web-office">' in web


def test_without_a_county_or_without_an_entry_the_stored_fallback_is_kept():
    directory, _ = load_directory(TEST_DIRECTORY)
    stored = clean_html(f"<p>{contact_html('dgaspc', 'ro', directory)}</p>")
    assert localise_contacts(stored, None, "ro", TEST_DIRECTORY) is stored
    assert localise_contacts(stored, "BH", "ro", TEST_DIRECTORY) is stored
    plain = "<p>No help number here.</p>"
    assert localise_contacts(plain, "CJ", "ro", TEST_DIRECTORY) is plain


def test_a_marked_contact_the_county_has_no_entry_for_is_left_alone():
    stored = '<span class="contact" data-contact="county-police"><strong>112</strong></span>'
    assert localise_contacts(stored, "CJ", "en", TEST_DIRECTORY) == stored


def test_a_lesson_is_rendered_at_import_with_the_fallback_and_the_key():
    files = edit(
        valid_files(),
        "lessons/welcome.en.md",
        "For suspected trafficking: {{contact:anitp-helpline}}.",
        "For a child, notify {{contact:dgaspc}} urgently.",
    )
    package = load(files)
    html = next(lesson for lesson in package.lessons if lesson.id == "welcome").texts["en"].html
    assert '<span class="contact" data-contact="dgaspc">the General Directorate' in html
    assert "national number: " in html


def test_changing_how_contacts_are_written_changes_the_fingerprint(monkeypatch):
    _, before = load_directory()
    contacts._load.cache_clear()
    monkeypatch.setattr(contacts, "MARKUP_VERSION", b"another-markup")
    try:
        _, after = load_directory()
    finally:
        contacts._load.cache_clear()
    assert before != after
