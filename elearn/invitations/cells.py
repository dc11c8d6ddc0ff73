"""One value of a spreadsheet of people, as it will be stored, or why it cannot be. Pure: no
Flask, no database."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from elearn.invitations.spreadsheet import N_
from elearn.text import FORMULA_START, spreadsheet_cell

MAX_LENGTH = {"full_name": 200, "email": 254, "profession": 100, "county": 100, "cohort": 120}

# Windows-1250 and old keyboards have S and T with a cedilla; Romanian writes them with a
# comma below. Names are stored with the comma; matching ignores both (fold).
_COMMA_BELOW = str.maketrans({"Ş": "Ș", "ş": "ș", "Ţ": "Ț", "ţ": "ț"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ANGLE_ADDRESS = re.compile(r"^[^<>]*<([^<>]+)>$")


def clean(raw: str, column: str) -> tuple[str, tuple | None]:
    """The value as it will be stored, or a problem (message, params)."""
    text = raw.translate(_INVISIBLE)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "", (
            N_(
                "“%(value)s” starts with %(sign)s, so a spreadsheet would run it as a formula. "
                "Remove that sign."
            ),
            {
                "value": shown(text.strip()),
                "sign": _SIGNS.get(text.lstrip(" ")[0], text.lstrip(" ")[0]),
            },
        )
    text = " ".join(unicodedata.normalize("NFC", text).translate(_COMMA_BELOW).split())
    if "\ufffd" in text:
        return "", (
            N_(
                "Some characters could not be read. Save the file as CSV UTF-8 and upload it again."
            ),
            {},
        )
    if _CONTROL.search(text):
        return "", (N_("Remove the invisible control characters from this value."), {})
    if len(text) > MAX_LENGTH[column]:
        return "", (
            N_("This value is too long: at most %(max)d characters."),
            {"max": MAX_LENGTH[column]},
        )
    return text, None


def check_email(value: str) -> tuple[str, tuple | None]:
    address = value.removeprefix("mailto:")
    match = _ANGLE_ADDRESS.match(address)  # "Ana Pop <ana@example.org>", copied from a mailer
    if match:
        address = match.group(1).strip()
    try:
        normalised = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return value, (
            N_("“%(value)s” is not an email address."),
            {"value": shown(value)},
        )
    return normalised.lower(), None


_SIGNS = {"\t": "⇥", "\r": "↵"}


def shown(value: str, limit: int = 60) -> str:
    """A value as a message may quote it: no control characters, not too long, and never
    something a spreadsheet would run (a leading ' keeps it text)."""
    value = _CONTROL.sub("\ufffd", value)
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return spreadsheet_cell(value)
