"""The shipped learning paths file: a good file loads; every kind of bad file is refused with
its file and line, in words that are translated."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearn.content.problems import PackageError
from elearn.courses.commands import COURSES_DIR
from elearn.paths.loader import load_paths, parse_paths
from elearn.reference import PROFESSIONS

GOOD = """\
format: 1
paths:
  - id: teachers
    profession: teacher
    title:
      ro: Parcursul cadrelor didactice
      en: The teachers' path
      hu: A pedagógusok képzési útja
    summary:
      en: Core first.
    courses: [understanding-trafficking, for-teachers]
  - id: everyone
    title:
      en: For everyone
    courses:
      - understanding-trafficking
"""
KNOWN = {"understanding-trafficking", "for-teachers"}


def parse(text: str, known=None):
    return parse_paths(text, file="paths.yaml", professions=set(PROFESSIONS), known_courses=known)


def problems_of(text: str, known=None):
    with pytest.raises(PackageError) as refused:
        parse(text, known)
    return refused.value.problems


def test_a_good_file_gives_each_path_in_order_with_its_lines():
    teachers, everyone = parse(GOOD, KNOWN)
    assert teachers.slug == "teachers" and teachers.profession == "teacher"
    assert teachers.courses == ("understanding-trafficking", "for-teachers")
    assert teachers.title["hu"] == "A pedagógusok képzési útja"
    assert teachers.summary == {"en": "Core first."}
    assert (teachers.file, teachers.line) == ("paths.yaml", 3)
    assert everyone.profession is None and everyone.summary == {}
    assert everyone.course_lines == (16,)


def test_the_shipped_file_is_valid_and_names_only_shipped_courses_in_three_languages():
    shipped_courses = {p.name for p in COURSES_DIR.iterdir() if (p / "course.yaml").is_file()}
    paths = load_paths(
        COURSES_DIR / "paths.yaml", professions=set(PROFESSIONS), known_courses=shipped_courses
    )
    assert {path.profession for path in paths} == set(PROFESSIONS)
    for path in paths:
        assert set(path.title) == {"ro", "en", "hu"} == set(path.summary), path.slug
        assert path.courses[0] == "understanding-trafficking", path.slug
    text = (COURSES_DIR / "paths.yaml").read_text(encoding="utf-8")
    assert not set("şţŞŢõûÕÛ") & set(text)  # ș and ț with the comma below; ő and ű


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "The file is empty"),
        (_replace("    profession: teacher\n", "    profession: [teacher\n"), 5, "not valid YAML"),
        (_replace("format: 1", "format: 2"), 1, "format must be one of: 1"),
        (_replace("    profession: teacher", "    profession: baker"), 4, "Unknown profession"),
        (_replace("  - id: everyone", "  - id: teachers"), 12, "used twice (first on line 3)"),
        (_replace("for-teachers]", "understanding-trafficking]"), 11, "twice"),
        (_replace("for-teachers]", "for-bakers]"), 11, "not one of the course packages"),
        (_replace("    courses:\n      - understanding-trafficking\n", "    courses: []\n"), 15,
         "needs at least 1 item"),
        (_replace("  - id: everyone\n    title:\n      en: For everyone\n",
                  "  - id: everyone\n    title: {}\n"), 13, "title needs at least 1 item"),
        (_replace("      en: For everyone", "      de: Für alle"), 14, "paths.1.title.de"),
        (_replace("    summary:", "    sumary:"), 9, "not a field of the format"),
        (_replace("  - id: everyone", "  - id: Every One"), 12, "form that is not allowed"),
        (_replace("      en: For everyone", "      en: <b>For</b> everyone"), 14, "HTML"),
        (_replace("    profession: teacher", "    profession: no"), 4, "must be text"),
        (_replace("  - id: everyone", "  - id: &anchor everyone"), 12, "anchors"),
        (_replace("    profession: teacher\n", "    profession: teacher\n" * 2), 5,
         "appears twice"),
    ],
    ids=[
        "empty", "yaml", "format", "profession", "duplicate-id", "course-twice",
        "unknown-course", "no-course", "no-title", "language", "unknown-key", "bad-id", "html",
        "yes-no", "anchor", "duplicate-key",
    ],
)  # fmt: skip
def test_each_kind_of_bad_file_is_refused_with_file_and_line(text, line, words):
    problems = problems_of(text, KNOWN)
    assert any(p.file == "paths.yaml" and p.line == line and words in p.text() for p in problems), [
        (p.line, p.text()) for p in problems
    ]


def test_unknown_courses_are_checked_only_when_the_known_ones_are_given():
    text = _replace("for-teachers]", "for-bakers]")
    assert parse(text)[0].courses[1] == "for-bakers"


def test_every_problem_is_reported_in_one_pass():
    text = _replace("    profession: teacher", "    profession: baker")
    text = text.replace("  - id: everyone", "  - id: teachers")
    assert len(problems_of(text, KNOWN)) == 2


def test_a_file_that_is_not_utf8_or_too_large_is_refused_with_its_name(tmp_path):
    broken = tmp_path / "paths.yaml"
    broken.write_bytes(GOOD.encode() + b"# caf\xe9\n")
    [problem] = _refused(broken)
    assert problem.file == str(broken) and problem.line == 17 and "UTF-8" in problem.text()
    broken.write_bytes(b"#" * 300_000)
    [problem] = _refused(broken)
    assert "larger than 256 KB" in problem.text()


def test_a_missing_file_is_reported_not_raised(tmp_path):
    [problem] = _refused(tmp_path / "paths.yaml")
    assert "Cannot read" in problem.text()


def _refused(path: Path):
    with pytest.raises(PackageError) as refused:
        load_paths(path, professions=set(PROFESSIONS))
    return refused.value.problems


def test_messages_are_shown_in_the_readers_language(app):
    from flask_babel import force_locale, gettext

    [problem] = problems_of(_replace("    profession: teacher", "    profession: baker"))
    with app.test_request_context(), force_locale("ro"):
        romanian = problem.text(gettext)
    with app.test_request_context(), force_locale("hu"):
        hungarian = problem.text(gettext)
    assert "baker" in romanian and "baker" in hungarian
    assert len({romanian, hungarian, problem.text()}) == 3
