"""Certificate codes: 80 random bits, Crockford base32, a check symbol that catches a typo."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from elearn.certificates.codes import ALPHABET, display, encode, new_code, normalise


def test_a_new_code_has_sixteen_symbols_and_a_check():
    code = new_code()
    assert len(code) == 17 and all(ch in ALPHABET for ch in code[:16])
    assert normalise(code) == code
    assert display(code).count("-") == 4 and len(display(code)) == 21


def test_codes_are_different_every_time():
    assert len({new_code() for _ in range(2000)}) == 2000


def test_reading_forgives_case_hyphens_spaces_and_look_alike_letters():
    code = encode(0x0123456789ABCDEF0123)
    messy = display(code).lower().replace("-", " - ")
    assert normalise(messy) == code
    one = encode(1)  # 000000000000000 1, then its check
    assert normalise(one[:15] + "I" + one[16]) == one
    assert normalise(one[:15] + "l" + one[16]) == one
    zero = encode(0)
    assert normalise("O" * 16 + zero[16]) == zero


@given(st.integers(min_value=0, max_value=2**80 - 1), st.integers(0, 15), st.sampled_from(ALPHABET))
def test_one_wrong_symbol_is_always_caught(number, position, symbol):
    code = encode(number)
    typo = code[:position] + symbol + code[position + 1 :]
    assert normalise(typo) == (code if typo == code else None)


@given(st.text(max_size=200))
def test_anything_else_is_simply_not_a_code(text):
    result = normalise(text)
    assert result is None or (len(result) == 17 and normalise(result) == result)


def test_two_swapped_neighbours_are_caught():
    code = encode(0x5555AAAA5555AAAA5555)
    swapped = code[:3] + code[4] + code[3] + code[5:]
    assert swapped == code or normalise(swapped) is None
