"""Writing YAML back changes the lines of what changed, and nothing else."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml

from elearn.authoring import yamledit

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted(
    [
        *ROOT.glob("courses/*/course.yaml"),
        *ROOT.glob("courses/*/quizzes/*.yaml"),
        *ROOT.glob("tests/data/packages/valid/**/*.yaml"),
    ]
)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_an_unchanged_file_comes_back_byte_for_byte(path):
    text = path.read_text(encoding="utf-8")
    assert yamledit.edit(text, lambda data: None) == text


def test_changing_the_version_changes_one_line_and_keeps_the_comments():
    text = (ROOT / "courses/for-teachers/course.yaml").read_text(encoding="utf-8")
    before = yaml.safe_load(text)["version"]
    after = yamledit.edit(text, lambda data: data.__setitem__("version", "9.9.9"))
    assert changed_lines(text, after) == [f'-version: "{before}"', '+version: "9.9.9"']
    assert yaml.safe_load(after)["version"] == "9.9.9"


def test_a_changed_question_in_a_long_quiz_changes_only_its_own_line():
    text = (ROOT / "courses/for-teachers/quizzes/final.yaml").read_text(encoding="utf-8")

    def change(data):
        data["questions"][0]["prompt"]["en"] = "Which: of these?"

    after = yamledit.edit(text, change)
    lines = changed_lines(text, after)
    assert len(lines) == 2 and lines[1].endswith('en: "Which: of these?"')
    assert yaml.safe_load(after)["questions"][0]["prompt"]["en"] == "Which: of these?"


def test_text_over_several_lines_is_written_as_a_block():
    after = yamledit.edit(
        "title: a\n", lambda d: d.__setitem__("title", yamledit.text_value("x\ny"))
    )
    assert after == "title: |\n  x\n  y\n"
    assert yaml.safe_load(after) == {"title": "x\ny\n"}


@pytest.mark.parametrize("value", ["yes", "no", "on", "0755", "1.0", "null", "- x", "a: b", "#x"])
def test_values_yaml_would_read_as_something_else_are_quoted(value):
    after = yamledit.edit("title: a\n", lambda d: d.__setitem__("title", value))
    assert yaml.safe_load(after) == {"title": value}
