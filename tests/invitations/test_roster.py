"""The spreadsheet reader and checker on bytes as spreadsheet programs write them (pure: no
app, no database)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.invitations import spreadsheet
from elearn.invitations.roster import check_roster
from tests.invitations.sheets import (
    COUNTIES,
    PROFESSIONS,
    csv_utf8,
    lines,
    romanian_excel_csv,
    unicode_text,
)


def check(data: bytes, **kwargs):
    return check_roster(data, professions=PROFESSIONS, counties=COUNTIES, **kwargs)


def problems(roster):
    return [(p.line, p.column, p.text()) for p in roster.problems]


def test_romanian_excel_csv_in_windows_1250_with_semicolons_and_cedillas():
    data = romanian_excel_csv(
        lines(
            "Nume și prenume;E-mail;Profesie;Județ;Grupă",
            "Ștefan Țurcanu;Stefan.Turcanu@Example.org;Cadru didactic;Timiș;Diriginți 2026",
            "Szabó Ilona;szabo.ilona@example.org;pedagogus;Bihar;Diriginți 2026",
        )
    )
    assert "Ş".encode("cp1250") in data and b";" in data  # cedilla, as Excel writes it
    roster = check(data)
    assert (roster.encoding, roster.separator, roster.problems) == ("windows-1250", ";", [])
    first, second = roster.people
    # Stored with the comma below, as Romanian writes it; the address in lower case.
    assert first.full_name == "Ștefan Țurcanu" and first.cohort == "Diriginți 2026"
    assert (first.email, first.profession, first.county) == (
        "stefan.turcanu@example.org",
        "teacher",
        "TM",
    )
    assert (second.full_name, second.profession, second.county) == (
        "Szabó Ilona",
        "teacher",
        "BH",
    )


def test_csv_utf8_with_its_byte_order_mark_keeps_the_first_header_clean():
    roster = check(csv_utf8(lines("nume;email", "Ana Pop;ana@example.org")))
    assert roster.encoding == "utf-8" and roster.problems == []
    assert roster.people[0].full_name == "Ana Pop" and roster.people[0].line == 2


def test_utf8_without_a_mark_and_with_commas():
    roster = check(lines("Name,Email,County", "Ana Pop,ana@example.org,cj").encode())
    assert (roster.separator, roster.people[0].county) == (",", "CJ")


def test_excel_unicode_text_is_utf16_with_tabs_little_and_big_endian():
    text = lines("Név\tE-mail cím\tMegye", "Kovács Éva\tkovacs.eva@example.org\tKolozs")
    for data in (unicode_text(text), unicode_text(text, big_endian=True)):
        roster = check(data)
        assert roster.separator == "\t" and roster.problems == []
        assert (roster.people[0].full_name, roster.people[0].county) == ("Kovács Éva", "CJ")
    assert check(text.encode("utf-16-le")).people[0].full_name == "Kovács Éva"  # no mark


def test_quoted_values_hold_separators_quotes_and_line_breaks_and_lines_still_count():
    data = lines(
        "nume;email;grupă",
        '"Pop; Ana";ana@example.org;"Grupa ""A"""',
        '"Ion\r\nIonescu";ion@example.org;',
        "Bad;not-an-address;",
    ).encode()
    roster = check(data)
    ana, ion = roster.people
    assert (ana.full_name, ana.cohort, ana.line) == ("Pop; Ana", 'Grupa "A"', 2)
    assert (ion.full_name, ion.line) == ("Ion Ionescu", 3)
    assert problems(roster) == [(5, "email", "“not-an-address” is not an email address.")]


def test_blank_lines_and_rows_of_empty_cells_are_skipped():
    data = lines("nume;email", "", ";;", "Ana;ana@example.org", "   ", "Ion;ion@example.org")
    roster = check(data.encode())
    assert [p.line for p in roster.people] == [4, 6] and roster.problems == []


def test_each_duplicate_address_in_any_case_is_reported_naming_the_first_line():
    data = lines(
        "nume;email",
        "Ana;ana@example.org",
        "Ion;ion@example.org",
        "Ana again;ANA@Example.ORG",
        "Ana thrice;ana@example.org",
    ).encode()
    roster = check(data)
    assert [p.email for p in roster.people] == ["ana@example.org", "ion@example.org"]
    assert problems(roster) == [
        (4, "email", "This email address is also on line 2."),
        (5, "email", "This email address is also on line 2."),
    ]


def test_values_that_look_like_formulas_are_reported_and_never_kept():
    data = lines(
        "nume;email;grupă",
        '"=HYPERLINK(""http://evil.example"";""x"")";a@example.org;',
        "+40 721;b@example.org;",
        "Ana;c@example.org;-2+3",
        "@SUM(A1);d@example.org;",
        '"\tTab";e@example.org;',
        '"\rReturn";f@example.org;',
        "Good;g@example.org;",
    ).encode()
    roster = check(data)
    assert [p.email for p in roster.people] == ["g@example.org"]
    found = problems(roster)
    assert [(line, column) for line, column, _text in found] == [
        (2, "full_name"),
        (3, "full_name"),
        (4, "cohort"),
        (5, "full_name"),
        (6, "full_name"),
        (7, "full_name"),
    ]
    assert "starts with =" in found[0][2] and "formula" in found[0][2]
    # Even in the message the value cannot run: a leading ' keeps it text.
    assert "“'=HYPERLINK" in found[0][2]


def test_professions_by_code_or_label_in_any_language_and_counties_by_code_or_name():
    data = lines(
        "nume;email;profesie;judet",
        "A;a@example.org;police_officer;bh",
        "B;b@example.org;POLIȚIST;Județul Bihor",
        "C;c@example.org;Rendőr;Bihar megye",
        "D;d@example.org;police officer;Bucuresti",
        "E;e@example.org;Social Worker;b",
        "F;f@example.org;astronaut;Mars",
    ).encode()
    roster = check(data)
    assert [(p.profession, p.county) for p in roster.people] == [
        ("police_officer", "BH"),
        ("police_officer", "BH"),
        ("police_officer", "BH"),
        ("police_officer", "B"),
        ("social_worker", "B"),
    ]
    assert problems(roster) == [
        (7, "profession", "“astronaut” is not one of the professions listed above the table."),
        (7, "county", "“Mars” is not a county: write its name or its two-letter code."),
    ]


def test_cedilla_and_comma_forms_of_a_county_both_match():
    for county in ("Timiş", "Timiș", "TIMIS", "tm"):
        data = lines("nume;email;județ", f"A;a@example.org;{county}").encode("utf-8")
        assert check(data).people[0].county == "TM", county


def test_headers_in_any_language_case_and_order_other_columns_ignored():
    data = lines(
        "TELEFON;E-MAIL CÍM;Csoport;NÉV;Observații",
        "0721;kiss.anna@example.org;Tanárok;Kiss Anna;x",
    ).encode()
    roster = check(data)
    person = roster.people[0]
    assert (person.full_name, person.email, person.cohort) == (
        "Kiss Anna",
        "kiss.anna@example.org",
        "Tanárok",
    )
    assert roster.ignored_columns == ["TELEFON", "Observații"]


def test_a_missing_required_column_is_a_problem_of_the_whole_file():
    roster = check(lines("nume;profesie", "Ana;teacher").encode())
    assert roster.people == [] and not roster.readable
    assert [(p.line, p.column) for p in roster.problems] == [(None, "email")]


def test_a_column_named_twice_is_refused():
    roster = check(lines("nume;email;e-mail", "Ana;a@example.org;b@example.org").encode())
    assert roster.people == []
    assert problems(roster) == [
        (1, "email", "This column is named twice, in columns 2 and 3."),
    ]


def test_a_file_without_its_line_of_column_names_says_so():
    roster = check(lines("Ana Pop;ana@example.org", "Ion;ion@example.org").encode())
    assert roster.people == [] and not roster.readable
    assert "looks like a person" in roster.problems[0].text()


def test_workbooks_empty_files_and_files_too_large_are_refused_as_a_whole():
    assert "not a CSV file" in check(b"PK\x03\x04rest of a zip").problems[0].text()
    assert "not a CSV file" in check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...").problems[0].text()
    assert check(b"  \r\n").problems[0].text() == "The file is empty."
    big = b"x" * (spreadsheet.MAX_BYTES + 1)
    assert check(big).problems[0].text() == "The file is larger than 10 MB."


def test_more_rows_than_allowed_is_refused_before_anything_else():
    data = lines("nume;email", *(f"P{i};p{i}@example.org" for i in range(4))).encode()
    roster = check(data, max_rows=3)
    assert roster.people == [] and not roster.readable
    assert roster.problems[0].text() == (
        "The file has more than 3 people. Split it into smaller files."
    )
    assert len(check(data, max_rows=4).people) == 4


def test_a_quote_never_closed_is_reported_on_its_line():
    data = lines("nume;email", "Ana;ana@example.org", '"Ion;ion@example.org', "Dan;dan@example.org")
    roster = check(data.encode())
    assert [p.line for p in roster.people] == [2]
    assert problems(roster) == [
        (3, None, "A quoted value that starts here is never closed: a quote mark is missing.")
    ]


def test_bytes_windows_1250_cannot_read_are_reported_on_their_line():
    data = b"nume;email\r\nAna\x81;ana@example.org\r\nIon;ion@example.org\r\n"
    roster = check(data)
    assert [p.line for p in roster.people] == [3]
    assert problems(roster)[0][:2] == (2, "full_name")
    assert "could not be read" in problems(roster)[0][2]


def test_addresses_copied_from_a_mail_program_and_missing_values():
    data = lines(
        "nume;email",
        "Ana;Ana Pop <Ana.Pop@example.org>",
        "Ion;mailto:ion@example.org",
        ";dan@example.org",
        "Eva;",
    ).encode()
    roster = check(data)
    assert [p.email for p in roster.people] == ["ana.pop@example.org", "ion@example.org"]
    assert problems(roster) == [
        (4, "full_name", "The name is missing."),
        (5, "email", "The email address is missing."),
    ]


def test_messages_are_translated_with_their_parameters():
    roster = check(lines("nume;email", "A;a@example.org", "B;A@example.org").encode())
    problem = roster.problems[0]
    assert (problem.message, problem.params) == (
        "This email address is also on line %(line)d.",
        {"line": 2},
    )
    assert problem.text(lambda message: "Adresa apare și pe linia %(line)d.") == (
        "Adresa apare și pe linia 2."
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_any_bytes_give_people_or_problems_never_an_exception(data):
    roster = check(b"nume;email;profesie;judet;grupa\r\n" + data)
    assert roster.people or roster.problems or not data.strip(b"; \r\n\t")
