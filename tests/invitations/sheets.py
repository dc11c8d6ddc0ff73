"""Spreadsheets as programs really save them, for the tests: Romanian Excel's CSV in
Windows-1250 with semicolons, CSV UTF-8 with its byte-order mark, "Unicode text"."""

from __future__ import annotations

# Windows-1250 has S and T with a cedilla only; Excel writes the comma-below letters so.
_TO_CEDILLA = str.maketrans({"Ș": "Ş", "ș": "ş", "Ț": "Ţ", "ț": "ţ"})

# A small vocabulary, in the shape services.vocabularies() gives (code -> names).
PROFESSIONS = {
    "teacher": ["Teacher", "Cadru didactic", "Pedagógus"],
    "police_officer": ["Police officer", "Polițist", "Rendőr"],
    "social_worker": ["Social worker", "Asistent social", "Szociális munkás"],
}
COUNTIES = {
    "BH": ["Bihor", "Bihor", "Bihar"],
    "TM": ["Timiș", "Timiș", "Temes"],
    "CJ": ["Cluj", "Cluj", "Kolozs"],
    "B": ["Bucharest", "București", "Bukarest"],
}


def lines(*rows: str, newline: str = "\r\n") -> str:
    return newline.join(rows) + newline


def romanian_excel_csv(text: str) -> bytes:
    """What "CSV" in Romanian Excel writes: Windows-1250 (Ș Ț become Ş Ţ), CRLF."""
    return text.translate(_TO_CEDILLA).encode("cp1250")


def csv_utf8(text: str) -> bytes:
    """Excel's "CSV UTF-8": UTF-8 with a byte-order mark."""
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def unicode_text(text: str, *, big_endian: bool = False) -> bytes:
    """Excel's "Unicode text": UTF-16 with its byte-order mark, tab-separated."""
    if big_endian:
        return b"\xfe\xff" + text.encode("utf-16-be")
    return b"\xff\xfe" + text.encode("utf-16-le")
