"""The course library speaks with one voice in each language (issue 11).

courses/glossary.<language>.yaml lists the terms the lessons and quizzes use. For every term, at
least one preferred form appears in that language's lessons or quizzes, no avoided variant
appears, and a word allowed only next to another (Hungarian "lelkész" beside "pap") keeps to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

COURSES = Path(__file__).resolve().parents[2] / "courses"
LANGUAGES = ("ro", "en", "hu")


def glossary(language: str) -> dict:
    path = COURSES / f"glossary.{language}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def texts_in(value, language: str):
    """Every string a learner reads in `language` in a parsed quiz file."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == language and isinstance(item, str):
                yield item
            elif key == language and isinstance(item, list):  # short-text answers
                answers = [answer for answer in item if isinstance(answer, dict)]
                yield from (str(answer.get("text", "")) for answer in answers)
            else:
                yield from texts_in(item, language)
    elif isinstance(value, list):
        for item in value:
            yield from texts_in(item, language)


def library(language: str) -> list[tuple[str, str]]:
    """(where, text) for every lesson and quiz of every course, in `language`."""
    found = []
    for course in sorted(path for path in COURSES.iterdir() if (path / "course.yaml").exists()):
        for lesson in sorted((course / "lessons").glob(f"*.{language}.md")):
            found.append((str(lesson.relative_to(COURSES)), lesson.read_text(encoding="utf-8")))
        for quiz in sorted((course / "quizzes").glob("*.yaml")):
            data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
            text = "\n".join(texts_in(data, language))
            found.append((str(quiz.relative_to(COURSES)), text))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_glossary_is_well_formed(language):
    data = glossary(language)
    assert data["language"] == language
    ids = [term["id"] for term in data["terms"]]
    assert len(ids) == len(set(ids)), ids
    for term in data["terms"]:
        assert term["use"] and term["meaning"], term["id"]
        assert isinstance(term.get("avoid", []), list), term["id"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_lessons_and_quizzes_use_the_glossary_terms(language):
    texts = library(language)
    everything = "\n".join(text for _, text in texts).casefold()
    for term in glossary(language)["terms"]:
        assert any(form.casefold() in everything for form in term["use"]), (
            language,
            term["id"],
            "no lesson or quiz uses the preferred term",
        )
        for variant in term.get("avoid", []):
            for where, text in texts:
                where_found = (language, term["id"], where, variant)
                assert variant.casefold() not in text.casefold(), where_found
        rule = term.get("only_near")
        if rule:
            for where, text in texts:
                for match in re.finditer(re.escape(rule["word"]), text, re.IGNORECASE):
                    start = max(0, match.start() - rule["within"])
                    end = match.end() + rule["within"]
                    assert rule["near"] in text[start:end].casefold(), (
                        language,
                        term["id"],
                        where,
                        text[start:end],
                    )
