"""Reading a table of text from the bytes a spreadsheet program saved, as it really saves them.

Pure: no Flask, no database. What comes in, and how it is recognised:

- UTF-8, with or without the byte-order mark ("CSV UTF-8" in Excel, LibreOffice, Google
  Sheets);
- UTF-16 with its byte-order mark, little- or big-endian: Excel's "Unicode text", which
  separates columns with tabs (and, without the mark, recognised by its zero bytes);
- anything else that is not valid UTF-8 is read as Windows-1250, the ANSI code page of
  Romanian and Hungarian Windows, which Excel uses for plain "CSV";
- the separator (semicolon, comma or tab) is the one the first line uses most, outside
  quotes: Romanian and Hungarian Excel write semicolons, because the comma is their decimal
  sign;
- quoted values may hold separators, quotes (doubled) and line breaks; every record keeps
  the number of the line it starts on, as a text editor counts lines.

A workbook (.xlsx, .xls, .ods) is recognised by its first bytes and refused with a message
saying how to save it as CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

MAX_BYTES = 10 * 1024 * 1024
SEPARATORS = (";", "\t", ",")  # on a tie, the first wins

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# First bytes of spreadsheet workbooks, which are not text at all.
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def N_(message: str) -> str:
    """Mark a message for translation; the web layer translates it when it shows it."""
    return message


class UnreadableFile(Exception):
    """The bytes are not a text table at all; ``message`` says why (an N_ template)."""

    def __init__(self, message: str, **params) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass
class Record:
    line: int  # where the record starts, counting from 1
    cells: list[str]


@dataclass
class Table:
    encoding: str
    separator: str
    records: list[Record] = field(default_factory=list)
    # (line, N_ message): records the CSV reader could not make sense of.
    broken: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was read with.

    Raises UnreadableFile for an empty file, a workbook or a file over MAX_BYTES.
    """
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            N_("The file is larger than %(megabytes)d MB."), megabytes=MAX_BYTES // 1024 // 1024
        )
    if not data.strip():
        raise UnreadableFile(N_("The file is empty."))
    if data.startswith(_WORKBOOKS):
        raise UnreadableFile(
            N_(
                "This is a spreadsheet workbook, not a CSV file. In your spreadsheet program "
                "choose Save as, then CSV UTF-8 (or CSV), and upload that file."
            )
        )
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return _decode_as(data, encoding), encoding.removesuffix("-sig")
    guessed = _utf16_without_mark(data)
    if guessed:
        return _decode_as(data, guessed), guessed
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Five bytes have no character in Windows-1250; they become U+FFFD, which the
        # checks of each value report.
        return data.decode("cp1250", errors="replace"), "windows-1250"


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(
            N_("The file says it is %(encoding)s but is not. Save it again as CSV UTF-8."),
            encoding=encoding.upper().removesuffix("-SIG"),
        ) from None


def _utf16_without_mark(data: bytes) -> str | None:
    """UTF-16 text of mostly Latin letters has a zero byte in every other position."""
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    half = len(sample) // 2
    zeros_odd = sum(1 for byte in sample[1::2] if byte == 0)
    zeros_even = sum(1 for byte in sample[0::2] if byte == 0)
    if zeros_odd > half * 0.6 and zeros_even < half * 0.1:
        return "utf-16-le"
    if zeros_even > half * 0.6 and zeros_odd < half * 0.1:
        return "utf-16-be"
    return None


def sniff_separator(text: str) -> str:
    """The separator the first non-blank line uses most outside quotes (semicolon on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for character in first:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else SEPARATORS[0]


def read_table(data: bytes, *, max_records: int | None = None) -> Table:
    """Every non-blank record of the file, each with the line it starts on.

    Stops after ``max_records`` + 1 records (the caller says there are too many). Raises
    UnreadableFile when the bytes are not text (see ``decode``).
    """
    text, encoding = decode(data)
    separator = sniff_separator(text)
    table = Table(encoding=encoding, separator=separator)
    # newline="" keeps line breaks inside quoted values as they are; strict makes a
    # misplaced quote an error instead of a silent guess.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    next_line = 1
    while max_records is None or len(table.records) <= max_records:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            table.broken.append((next_line, _broken_message(error)))
            next_line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            table.records.append(Record(next_line, cells))
        next_line = reader.line_num + 1
    return table


def _broken_message(error: csv.Error) -> str:
    if "end of data" in str(error):
        return N_("A quoted value that starts here is never closed: a quote mark is missing.")
    return N_(
        'A quote mark is misplaced: a quoted value must end with " before the next separator.'
    )
