"""Checking a spreadsheet of people to invite: every row, every column, before anything is
saved. Pure: no Flask, no database.

The columns are name, email, profession, county and cohort, named on the first line in
Romanian, English or Hungarian, in any case and with or without diacritics; other columns
are ignored (and listed). Every problem names its line and column; its message is an
English template marked for translation, with parameters, so that the page can show it in
the manager's language (``Problem.text``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from elearn.invitations.cells import check_email, clean, shown
from elearn.invitations.spreadsheet import N_, Record, UnreadableFile, read_table
from elearn.text import fold

MAX_ROWS = 5000
COLUMNS = ("full_name", "email", "profession", "county", "cohort")
REQUIRED = ("full_name", "email")

# The first line's names for each column, folded (lower case, no diacritics) and reduced to
# letters and digits: "Nume și prenume" -> "numesiprenume", "E-mail cím" -> "emailcim".
HEADERS = {
    "full_name": {
        "name", "fullname", "nameandsurname", "nume", "numecomplet", "numesiprenume",
        "numeprenume", "prenumesinume", "numele", "nev", "teljesnev", "neve",
    },
    "email": {
        "email", "emailaddress", "mail", "adresaemail", "adresadeemail", "emailadresa",
        "emailcim", "emailcime", "posta", "postacim",
    },
    "profession": {
        "profession", "occupation", "profesie", "profesia", "ocupatie", "ocupatia",
        "meserie", "functie", "foglalkozas", "szakma", "munkakor",
    },
    "county": {"county", "judet", "judetul", "megye", "varmegye"},
    "cohort": {
        "cohort", "group", "cohorta", "grupa", "grup", "grupul", "csoport", "kohorsz",
    },
}  # fmt: skip

# What counties are called around their name: "Județul Bihor", "jud. Bihor", "Bihar megye".
_COUNTY_WORDS = re.compile(r"^(judetul|judet|jud|municipiul|mun)\b\.?|\b(megye|county)$")


def key(value: str) -> str:
    """How names are compared: folded, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", fold(value))


@dataclass(frozen=True)
class Problem:
    """Something wrong with a line (or, with line None, with the whole file)."""

    line: int | None
    column: str | None
    message: str
    params: dict = field(default_factory=dict)

    def text(self, translate=None) -> str:
        template = translate(self.message) if translate else self.message
        try:
            return template % self.params if self.params else template
        except (KeyError, ValueError, TypeError):
            return self.message

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Person:
    line: int
    full_name: str
    email: str
    profession: str | None
    county: str | None
    cohort: str | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Roster:
    people: list[Person] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {problem.line for problem in self.problems if problem.line is not None}

    @property
    def readable(self) -> bool:
        """False when a problem concerns the whole file: then nothing can be imported."""
        return all(problem.line is not None for problem in self.problems)


def check_roster(
    data: bytes,
    *,
    professions: dict[str, list[str]],
    counties: dict[str, list[str]],
    max_rows: int = MAX_ROWS,
) -> Roster:
    """Read and check a spreadsheet of people to invite.

    ``professions`` and ``counties`` map each code to the names it may be given by (the
    labels in every language); the code itself is always accepted. Never raises for bad
    input: every problem is in the result.
    """
    roster = Roster()
    try:
        table = read_table(data, max_records=max_rows + 1)
    except UnreadableFile as error:
        roster.problems.append(Problem(None, None, error.message, error.params))
        return roster
    roster.encoding, roster.separator = table.encoding, table.separator
    for line, message in table.broken:
        roster.problems.append(Problem(line, None, message))
    if not table.records:
        roster.problems.append(Problem(None, None, N_("The file has no lines of people.")))
        return roster
    header, *rows = table.records
    if len(rows) > max_rows:
        roster.problems.append(
            Problem(
                None,
                None,
                N_("The file has more than %(max)d people. Split it into smaller files."),
                {"max": max_rows},
            )
        )
        return roster
    positions = _read_header(header, roster)
    if positions is None:
        return roster
    if not rows:
        roster.problems.append(Problem(None, None, N_("The file has no lines of people.")))
        return roster
    lookups = {"profession": _lookup(professions), "county": _lookup(counties, county=True)}
    first_line_of: dict[str, int] = {}
    for record in rows:
        person, problems = _check_row(record, positions, lookups, first_line_of)
        roster.problems.extend(problems)
        if person is not None:
            roster.people.append(person)
    roster.problems.sort(key=lambda p: (p.line or 0, COLUMNS.index(p.column) if p.column else -1))
    return roster


def _read_header(header: Record, roster: Roster) -> dict[str, int] | None:
    """Column name -> position, or None (with the problem added) when the line is unusable."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(header.cells):
        name = next((column for column, names in HEADERS.items() if key(cell) in names), None)
        if name is None:
            if cell.strip():
                roster.ignored_columns.append(shown(cell.strip()))
            continue
        if name in positions:
            roster.problems.append(
                Problem(
                    header.line,
                    name,
                    N_("This column is named twice, in columns %(first)d and %(second)d."),
                    {"first": positions[name] + 1, "second": position + 1},
                )
            )
            continue
        positions[name] = position
    if not positions and any("@" in cell for cell in header.cells):
        roster.problems.append(
            Problem(
                None,
                None,
                N_(
                    "The first line must name the columns (name, email, profession, county, "
                    "cohort), but it looks like a person. Add a line with the column names "
                    "above it."
                ),
            )
        )
        return None
    missing = [column for column in REQUIRED if column not in positions]
    for column in missing:
        roster.problems.append(
            Problem(
                None,
                column,
                N_("The first line names no column for this. Name it in the first line."),
            )
        )
    if missing or any(p.line == header.line for p in roster.problems):
        return None
    return positions


def _lookup(vocabulary: dict[str, list[str]], *, county: bool = False) -> dict[str, str]:
    names = {}
    for code, labels in vocabulary.items():
        for label in (*labels, code, code.replace("_", " ")):
            names[_county_key(label) if county else key(label)] = code
    return names


def _county_key(value: str) -> str:
    return key(_COUNTY_WORDS.sub("", fold(value)).strip())


def _check_row(record, positions, lookups, first_line_of):
    problems: list[Problem] = []
    values: dict[str, str | None] = {}
    for column in COLUMNS:
        position = positions.get(column)
        raw = (
            record.cells[position] if position is not None and position < len(record.cells) else ""
        )
        value, problem = clean(raw, column)
        if problem is not None:
            problems.append(Problem(record.line, column, *problem))
            value = None
        values[column] = value or None
    for column in REQUIRED:
        if values[column] is None and not any(p.column == column for p in problems):
            problems.append(Problem(record.line, column, _MISSING[column]))
    email = values["email"]
    if email is not None:
        email, problem = check_email(email)
        if problem:
            problems.append(Problem(record.line, "email", *problem))
        elif email in first_line_of:
            problems.append(
                Problem(
                    record.line,
                    "email",
                    N_("This email address is also on line %(line)d."),
                    {"line": first_line_of[email]},
                )
            )
        else:
            first_line_of[email] = record.line
    for column in ("profession", "county"):
        value = values[column]
        if value is not None:
            finder = _county_key if column == "county" else key
            code = lookups[column].get(finder(value))
            if code is None:
                problems.append(Problem(record.line, column, _UNKNOWN[column], {"value": value}))
            values[column] = code
    if problems:
        return None, problems
    return Person(record.line, values["full_name"], email, **_optional(values)), []


def _optional(values) -> dict:
    return {column: values[column] for column in ("profession", "county", "cohort")}


_MISSING = {
    "full_name": N_("The name is missing."),
    "email": N_("The email address is missing."),
}
_UNKNOWN = {
    "profession": N_("“%(value)s” is not one of the professions listed above the table."),
    "county": N_("“%(value)s” is not a county: write its name or its two-letter code."),
}
