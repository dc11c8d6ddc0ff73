"""The course library keeps its session plans honest and its cross-references current.

Two checks a reviewer found worth automating (issue 11): every timed session plan adds up to the
length it announces, and every lesson that names the core course uses the core course's current
title in that language, so the title cannot drift from the manifest.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

COURSES = Path(__file__).resolve().parents[2] / "courses"
CORE = "understanding-trafficking"

# A row of a timing table: "| 5–12 | Warm-up | ... |".
TIMING_ROW = re.compile(r"^\|\s*(\d+)\s*[–-]\s*(\d+)\s*\|")
# A stated length: "55 minutes", "30-minute", "45 de minute", "60 perc", "15 perces".
LENGTH = re.compile(r"\b(\d+)(?:\s+|-)(?:de\s+)?(?:minutes?|minute|perc(?:es)?)\b", re.IGNORECASE)
# The words that say "the core course" in each language.
CORE_WORDS = {"en": "core course", "ro": "cursul de bază", "hu": "alaptanfolyam"}


def manifest(course: str) -> dict:
    return yaml.safe_load((COURSES / course / "course.yaml").read_text(encoding="utf-8"))


def courses() -> list[str]:
    return sorted(path.name for path in COURSES.iterdir() if (path / "course.yaml").exists())


def lessons(course: str) -> list[tuple[str, str, str]]:
    """(key, language, text) of every lesson in the manifest, in every language it declares."""
    data = manifest(course)
    keys = [lesson["id"] for module in data["modules"] for lesson in module["lessons"]]
    return [
        (key, language, (COURSES / course / "lessons" / f"{key}.{language}.md").read_text("utf-8"))
        for key in keys
        for language in data["languages"]
    ]


def timing_tables(text: str) -> list[tuple[int, list[tuple[int, int]]]]:
    """Each table whose rows are timed from minute 0, as (line of the table, [(start, end)])."""
    lines = text.split("\n")
    tables, current, first = [], [], None
    for number, line in enumerate([*lines, ""]):
        if line.startswith("|"):
            if first is None:
                first = number
            match = TIMING_ROW.match(line)
            if match:
                current.append((int(match.group(1)), int(match.group(2))))
            continue
        if current and current[0][0] == 0:  # an age table ("10–12") is not a timetable
            tables.append((first, current))
        current, first = [], None
    return tables


def stated_length(text: str, table_line: int) -> int | None:
    """The length the plan announces: in the heading above its table, else in the lesson's
    title, else the first length given in the lesson before the table."""
    lines = text.split("\n")
    front = text.partition("\n---\n")[0]
    for line in reversed(lines[:table_line]):
        if line.startswith("#"):
            found = LENGTH.findall(line)
            if found:
                return int(found[-1])
            break
    title = yaml.safe_load(front.strip("-\n")).get("title", "")
    found = LENGTH.findall(str(title))
    if found:
        return int(found[0])
    before = "\n".join(lines[:table_line])
    found = LENGTH.findall(before[len(front) :] if before.startswith(front) else before)
    return int(found[0]) if found else None


@pytest.mark.parametrize("course", courses())
def test_every_session_plan_adds_up_to_its_stated_length(course):
    plans = 0
    for key, language, text in lessons(course):
        for table_line, rows in timing_tables(text):
            plans += 1
            where = (course, key, language, table_line + 1)
            for (_, end), (start, _) in pairwise(rows):
                assert start == end, (*where, "a gap or an overlap in the timings", rows)
            for start, end in rows:
                assert end > start, (*where, "a row that ends before it starts", rows)
            length = stated_length(text, table_line)
            assert length is not None, (*where, "the plan does not say how long it is")
            assert rows[-1][1] == length, (*where, f"the timings add up to {rows[-1][1]}", length)
    # Every course passes its content on with a timed plan (courses/README.md).
    assert plans, (course, "no timed session plan")


def test_lessons_name_the_core_course_by_its_current_title():
    titles = manifest(CORE)["title"]
    mentions = 0
    for course in courses():
        if course == CORE:
            continue
        for key, language, text in lessons(course):
            words = CORE_WORDS.get(language)
            if not words:
                continue
            # "*Title*, the platform's core course", "*Titlu*, cursul de bază",
            # "*Cím* című alaptanfolyamra": an italic title just before the words.
            for match in re.finditer(r"\*([^*\n]+)\*[^.*\n]{0,40}?" + re.escape(words), text):
                mentions += 1
                assert match.group(1) == titles[language], (course, key, language, match.group(1))
    assert mentions, "no lesson names the core course: the check would prove nothing"
