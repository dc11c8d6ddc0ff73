"""Text helpers for Romanian and Hungarian names."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics and with single spaces: 'Ștefan  Gyöngyi' -> 'stefan gyongyi'.

    Used to search and sort names so that a person typing without diacritics still finds them.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """``value`` as text that a spreadsheet will show and never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
