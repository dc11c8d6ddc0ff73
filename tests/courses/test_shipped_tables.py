"""Every table in a shipped lesson has a header cell with text in each column: screen readers
announce a column by its header, and axe-core reports an empty one (found by the learner's
journey on the core course)."""

from __future__ import annotations

import re

import pytest

from elearn.courses.commands import COURSES_DIR

LESSONS = sorted(COURSES_DIR.glob("*/lessons/*.md"))
DELIMITER = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def header_rows(text: str):
    lines = text.splitlines()
    for number, line in enumerate(lines[1:], start=1):
        if DELIMITER.match(line.strip()) and lines[number - 1].lstrip().startswith("|"):
            yield number, lines[number - 1]


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_every_column_of_a_lesson_table_has_a_header(path):
    for number, row in header_rows(path.read_text(encoding="utf-8")):
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        assert all(cells), f"{path}:{number}: a column without a header: {row}"


def test_the_check_finds_the_tables():
    assert sum(1 for path in LESSONS for _ in header_rows(path.read_text(encoding="utf-8"))) > 20
