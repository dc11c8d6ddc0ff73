"""The shipped course library meets its structural promises (see courses/README.md).

What a test can check is checked here: languages, lesson counts, objectives, fictional cases,
sources, the content note, the session plan, quiz pools and types, feedback, help numbers only
by key, Romanian comma-below diacritics, hours that match the durations. Accuracy and tone are
for human reviewers; these tests make sure nothing structural slips while they work.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from elearn.content.loader import load_package
from elearn.content.source import read_folder
from elearn.reference import PROFESSIONS

COURSES = Path(__file__).resolve().parents[2] / "courses"
CORE = "understanding-trafficking"
LIBRARY = {
    CORE: {"ro", "en", "hu"},
    "for-teachers": {"ro", "en", "hu"},
    "for-psychologists": {"ro", "en"},
    "for-police": {"ro", "en"},
    "for-social-workers": {"ro", "en"},
    "for-communities": {"ro", "en"},
    "looking-after-yourself": {"ro", "en"},
}
PROFESSION_COURSES = [
    "for-teachers",
    "for-psychologists",
    "for-police",
    "for-social-workers",
    "for-communities",
]
FICTIONAL = {"ro": "fictiv", "en": "fictional", "hu": "kitalált"}
SOURCES = {"ro": "surse", "en": "sources", "hu": "források"}
CEDILLA = re.compile("[şţŞŢ]")
WRONG_HUNGARIAN = re.compile("[õûÕÛ]")
# A help number typed into a text instead of {{contact:key}}.
TYPED_NUMBER = re.compile(r"(?<![\d.])(112|119|116[ ]?111|116[ ]?000|0800[ ]?800[ ]?678)(?![\d])")


def manifest(course: str) -> dict:
    return yaml.safe_load((COURSES / course / "course.yaml").read_text(encoding="utf-8"))


def lesson_texts(course: str, language: str) -> list[tuple[str, str]]:
    data = manifest(course)
    keys = [lesson["id"] for module in data["modules"] for lesson in module["lessons"]]
    return [
        (key, (COURSES / course / "lessons" / f"{key}.{language}.md").read_text(encoding="utf-8"))
        for key in keys
    ]


def test_the_library_holds_the_seven_courses():
    shipped = {path.name for path in COURSES.iterdir() if (path / "course.yaml").exists()}
    assert shipped == set(LIBRARY)


@pytest.mark.parametrize("course", sorted(LIBRARY))
def test_each_course_validates_and_has_its_languages(course):
    package = load_package(read_folder(COURSES / course), professions=set(PROFESSIONS))
    assert LIBRARY[course] <= set(package.manifest.languages)
    assert 4 <= len(package.lessons) <= 8
    # Every question names the lesson that teaches it: a miss sends the learner there.
    assert [warning.text() for warning in package.warnings] == []
    assert all(q.get("lesson") for quiz in package.quizzes for q in quiz.questions)


@pytest.mark.parametrize("course", sorted(LIBRARY))
def test_each_lesson_has_objectives_a_fictional_case_and_its_sources(course):
    for language in manifest(course)["languages"]:
        for key, text in lesson_texts(course, language):
            front = yaml.safe_load(text.split("---")[1])
            assert 1 <= len(front["objectives"]) <= 5, (course, key, language)
            lowered = text.lower()
            assert FICTIONAL[language] in lowered, (course, key, language, "no fictional case")
            headings = [line.lower() for line in text.splitlines() if line.startswith("#")]
            assert any(SOURCES[language] in heading for heading in headings[-2:]), (
                course,
                key,
                language,
                "sources are not at the end",
            )


@pytest.mark.parametrize("course", sorted(LIBRARY))
def test_the_first_lesson_says_where_to_find_support_and_the_last_passes_it_on(course):
    for language in manifest(course)["languages"]:
        texts = lesson_texts(course, language)
        first, last = texts[0][1], texts[-1][1]
        assert "{{contact:" in first.split("\n## ")[0] + first[:3000], (course, language)
        # A session plan: a table of timings, and the help numbers to hand out.
        assert re.search(r"^\|.*\|$", last, re.M), (course, language, "no timing table")
        assert "{{contact:" in last, (course, language)


@pytest.mark.parametrize("course", sorted(LIBRARY))
def test_the_final_quiz_draws_at_least_10_of_15_of_four_types_with_feedback(course):
    package = load_package(read_folder(COURSES / course), professions=set(PROFESSIONS))
    final = package.quizzes[-1]
    questions = final.questions
    assert len(questions) >= 15
    assert (final.settings.draw or len(questions)) >= 10
    kinds = {question["type"] for question in questions}
    assert len(kinds) >= 4 and "scenario" in kinds, kinds
    assert 50 <= final.settings.pass_mark <= 100
    for question in questions:
        explained = (
            question.get("feedback")
            or question.get("feedback_correct")
            or any(option.get("feedback") for option in question.get("options", []))
            or question["type"] == "scenario"
        )
        assert explained, (course, question["id"])


@pytest.mark.parametrize("course", sorted(LIBRARY))
def test_texts_use_contacts_by_key_and_the_right_diacritics(course):
    root = COURSES / course
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".md", ".yaml", ".gift") or path.name == "course.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        assert not CEDILLA.search(text), f"{path}: ş or ţ with a cedilla"
        assert not WRONG_HUNGARIAN.search(text), f"{path}: õ or û instead of ő or ű"
        # Links and their addresses may carry numbers; the words a learner reads may not.
        words = re.sub(r"\{\{contact:[^}]*\}\}|\]\(\S*?\)(?=\s|$|[.,;:])|https?://\S+", "", text)
        assert not TYPED_NUMBER.search(words), f"{path}: a help number typed instead of a key"


@pytest.mark.parametrize("course", sorted(LIBRARY))
def test_the_manifest_records_sources_review_and_hours_that_match(course):
    data = manifest(course)
    assert len(data["references"]) >= 3
    assert data["facts_checked"] and data["review_status"] in ("in_review", "reviewed")
    minutes = sum(lesson["duration"] for m in data["modules"] for lesson in m["lessons"])
    minutes += sum(quiz.get("duration", 0) for quiz in data["quizzes"])
    assert abs(data["certificate"]["hours"] - minutes / 60) <= 0.5, (course, minutes)


@pytest.mark.parametrize("course", PROFESSION_COURSES)
def test_profession_courses_build_on_the_core_and_expire(course):
    data = manifest(course)
    assert data["prerequisites"] == [CORE]
    assert data["certificate"].get("validity_months")
    assert set(data["audiences"]) <= set(PROFESSIONS)
