"""Lesson files taken apart and put back together, version labels proposed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from elearn.authoring import files

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(ROOT.glob("courses/*/lessons/*.md"))


@pytest.mark.parametrize("path", LESSONS[:: max(1, len(LESSONS) // 12)], ids=lambda p: p.name)
def test_a_lesson_saved_unchanged_is_the_same_file(path):
    text = path.read_text(encoding="utf-8")
    front, body = files.split_lesson(text)
    assert files.join_lesson(front, body) == text
    data = yaml.safe_load(front)
    assert (
        files.edit_lesson(text, title=data["title"], objectives=data["objectives"], body=body)
        == text
    )


def test_a_new_body_keeps_the_front_matter_and_ends_in_one_newline():
    text = "---\n# kept\ntitle: T\nobjectives: [a]\n---\nOld body\n"
    after = files.edit_lesson(text, body="New\r\nbody\r\n\r\n")
    assert after == "---\n# kept\ntitle: T\nobjectives: [a]\n---\nNew\nbody\n"


def test_a_new_title_changes_its_line_only():
    text = "---\n# kept\ntitle: T\nobjectives: [a]\n---\nBody\n"
    assert files.edit_lesson(text, title="Nou: titlu") == (
        "---\n# kept\ntitle: 'Nou: titlu'\nobjectives: [a]\n---\nBody\n"
    )


def test_a_new_lesson_file_loads_as_front_matter_and_body():
    text = files.lesson_text("Titlu", ["Unu", "Doi: trei"], "Corp\n")
    front, body = files.split_lesson(text)
    assert yaml.safe_load(front) == {"title": "Titlu", "objectives": ["Unu", "Doi: trei"]}
    assert body == "Corp\n"


@pytest.mark.parametrize(
    ("label", "taken", "expected"),
    [
        ("1.1.1", set(), "1.1.2"),
        ("1.1.1", {"1.1.2"}, "1.1.3"),
        ("2", set(), "3"),
        ("1.0-beta", set(), "1.0-beta.1"),
        ("1.0.9", set(), "1.0.10"),
    ],
)
def test_the_next_version_label_is_proposed(label, taken, expected):
    assert files.next_label(label, taken) == expected


def test_lesson_paths_are_recognised():
    assert files.parse_lesson_path("lessons/your-role.hu.md") == ("your-role", "hu")
    assert files.parse_lesson_path("media/talk.ro.md") is None
    assert files.media_path("Fotografie Școală Ő.JPG") == "media/fotografie-scoala-o.jpg"
