"""Certificate codes: 80 random bits in Crockford base32, with Crockford's check symbol.

A code reads like ``7KQ4-M2XD-9T1V-RB8E-J`` : sixteen symbols carry the random number and the
last one is a check (the number modulo 37), so that a mistyped or misread symbol is caught
before any lookup. Reading is forgiving, as Crockford intends: case does not matter, hyphens
and spaces are ignored, and I, L and O are read as 1, 1 and 0.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
RANDOM_BITS = 80
SYMBOLS = RANDOM_BITS // 5  # 16
_READ_AS = {"I": "1", "L": "1", "O": "0"}


def check_symbol(number: int) -> str:
    return CHECK_ALPHABET[number % 37]


def new_code() -> str:
    """A fresh code, in its canonical form (no hyphens): 16 symbols and the check."""
    return encode(secrets.randbits(RANDOM_BITS))


def encode(number: int) -> str:
    symbols = []
    for _ in range(SYMBOLS):
        symbols.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(symbols)) + check_symbol(_value("".join(reversed(symbols))))


def _value(symbols: str) -> int:
    number = 0
    for symbol in symbols:
        number = number * 32 + ALPHABET.index(symbol)
    return number


def normalise(text: str) -> str | None:
    """The canonical code for what someone typed or scanned, or None when it cannot be one
    (wrong length, a symbol outside the alphabet, or a check that does not match)."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    cleaned = "".join(ch for ch in text.upper() if ch not in "- ")
    if len(cleaned) != SYMBOLS + 1:
        return None
    body = "".join(_READ_AS.get(ch, ch) for ch in cleaned[:SYMBOLS])
    check = cleaned[SYMBOLS]
    if any(ch not in ALPHABET for ch in body) or check not in CHECK_ALPHABET:
        return None
    return body + check if check_symbol(_value(body)) == check else None


def display(code: str) -> str:
    """Grouped for reading aloud and typing: XXXX-XXXX-XXXX-XXXX-C."""
    return "-".join([code[i : i + 4] for i in range(0, SYMBOLS, 4)] + [code[SYMBOLS:]])
