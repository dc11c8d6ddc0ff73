"""A question names the lesson that teaches it: checked by the loader in YAML and in GIFT,
an unknown lesson an error with its file and line, a missing one only a warning."""

from __future__ import annotations

import pytest

from elearn.content.gift import parse_gift
from elearn.content.problems import PackageError
from tests.content.helpers import edit, load, valid_files

QUIZ = "quizzes/module-check.yaml"


def test_each_question_carries_the_lesson_it_names():
    package = load(valid_files())
    module_check, final = package.quizzes
    by_id = {q["id"]: q["lesson"] for q in module_check.questions}
    assert by_id["single-q"] == "welcome" and by_id["ordering-q"] == "media-lesson"
    # GIFT: the "// lesson:" comment above each question, the same in every language.
    assert [q["lesson"] for q in final.questions] == [
        "welcome",
        "media-lesson",
        "media-lesson",
        "welcome",
    ]


def test_an_unknown_lesson_is_an_error_naming_the_file_and_line():
    files = edit(valid_files(), QUIZ, "    lesson: media-lesson\n", "    lesson: no-such-lesson\n")
    with pytest.raises(PackageError) as error:
        load(files)
    [problem] = error.value.problems
    line = files[QUIZ].decode().splitlines().index("    lesson: no-such-lesson") + 1
    assert (problem.file, problem.line, problem.severity) == (QUIZ, line, "error")
    assert "names the lesson 'no-such-lesson', which is not in the course" in problem.text()


def test_a_question_without_a_lesson_loads_with_a_warning():
    files = edit(valid_files(), QUIZ, "  - id: tf-q\n    lesson: welcome\n", "  - id: tf-q\n")
    package = load(files)
    [warning] = package.warnings
    line = files[QUIZ].decode().splitlines().index("  - id: tf-q") + 1
    assert (warning.file, warning.line, warning.severity) == (QUIZ, line, "warning")
    assert "The question 'tf-q' names no lesson" in warning.text()
    assert "lesson" not in next(q for q in package.quizzes[0].questions if q["id"] == "tf-q")


def test_a_gift_lesson_must_be_a_lesson_of_the_course():
    path = "quizzes/final.en.gift"
    files = edit(valid_files(), path, "// lesson: welcome\n::tf1", "// lesson: nowhere\n::tf1")
    files = edit(
        files, "quizzes/final.ro.gift", "// lesson: welcome\n::tf1", "// lesson: nowhere\n::tf1"
    )
    with pytest.raises(PackageError) as error:
        load(files)
    assert any(
        "'nowhere', which is not in the course" in p.text() and p.file.endswith(".gift")
        for p in error.value.problems
    )


def test_a_gift_question_without_a_lesson_comment_gives_a_warning():
    files = valid_files()
    for language in ("ro", "en"):
        path = f"quizzes/final.{language}.gift"
        files = edit(files, path, "// lesson: welcome\n::num1", "::num1")
    package = load(files)
    [warning] = package.warnings
    assert warning.file == "quizzes/final.ro.gift" and "'num1' names no lesson" in warning.text()


def test_the_gift_lesson_comment_applies_to_the_next_question_only():
    text = (
        "// lesson: first-lesson\n\n::a::One?{T}\n\n::b::Two?{F}\n\n"
        "::c::\n// lesson: third\nThree?{T}"
    )
    questions, notes = parse_gift(text, "x.gift")
    assert [q.data.get("lesson") for q in questions] == ["first-lesson", None, "third"]
    assert notes == []


def test_naming_a_lesson_does_not_change_a_questions_hash():
    """Tagging questions with their lessons leaves learners' passes counting."""
    tagged = load(valid_files()).quizzes[0].question_hashes
    files = edit(valid_files(), QUIZ, "  - id: tf-q\n    lesson: welcome\n", "  - id: tf-q\n")
    assert load(files).quizzes[0].question_hashes == tagged
