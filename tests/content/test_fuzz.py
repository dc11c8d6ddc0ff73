"""Random damage to a valid package: the loader answers with a package or a PackageError,
and never with any other exception."""

from __future__ import annotations

import contextlib
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.content.gift import parse_gift
from elearn.content.problems import PackageError
from tests.content.helpers import load, read_zip_bytes, valid_files, zip_of

VALID = valid_files()
PATHS = sorted(VALID)
YAML_NOISE = [
    "&a",
    "*a",
    "!!binary",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    "\t",
    "\n  ",
    "?",
    "%",
    "@",
    "`",
    "|",
    ">",
    "<script>",
    "\x00",
    "\ufeff",
    "é",
    "ș",
    "yes",
    "~",
    "#",
]


@st.composite
def damaged(draw):
    files = dict(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(sorted(files) or PATHS))
        if path not in files:
            continue
        data = bytearray(files[path])
        action = draw(st.sampled_from(["cut", "insert", "flip", "noise", "drop"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "cut":
            data = data[:position]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=20))
        elif action == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif action == "noise":
            data[position:position] = draw(st.sampled_from(YAML_NOISE)).encode()
        elif action == "drop":
            files.pop(path)
            continue
        files[path] = bytes(data)
    return files


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_packages_give_only_package_errors(files):
    try:
        load(files)
    except PackageError as error:
        assert error.problems
        assert all(problem.message for problem in error.problems)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_as_a_zip_give_only_package_errors(data):
    with contextlib.suppress(PackageError):
        read_zip_bytes(data)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 5000), st.binary(min_size=1, max_size=50))
def test_damaged_zips_give_only_package_errors(position, noise):
    data = bytearray(zip_of(VALID))
    position %= len(data)
    data[position : position + len(noise)] = noise
    with contextlib.suppress(PackageError):
        load(read_zip_bytes(bytes(data)).files)
    assert io


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}=~#:->%\\ \nabcTF123.*[]/")), max_size=120))
def test_any_gift_text_parses_to_questions_or_notes(text):
    questions, notes = parse_gift(text, "fuzz.gift")
    assert all(isinstance(q.data, dict) for q in questions)
    assert all(note.severity == "warning" for note in notes)
