"""Grading: one pure function per question type, registered by type name.

A grader takes the question (as stored: every text by language, answers included), the
learner's answer (already parsed from the form into option ids, pair ids, text or numbers) and
the language of the attempt, and returns a Result: a score from 0 to 1 and whether the answer
counts as correct. Nothing here touches Flask, the database or randomness.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    score: float  # 0..1
    correct: bool
    # Per-part verdicts for feedback: option id -> right/wrong, pair id -> right/wrong...
    parts: dict = field(default_factory=dict)


Grader = Callable[[dict, object, str], Result]
GRADERS: dict[str, Grader] = {}


def grader(kind: str):
    def register(function: Grader) -> Grader:
        GRADERS[kind] = function
        return function

    return register


def grade(question: dict, answer, language: str) -> Result:
    """Grade ``answer`` to ``question``; an unanswered question scores 0."""
    if answer is None or answer == "" or answer == [] or answer == {}:
        return Result(0.0, False)
    return GRADERS[question["type"]](question, answer, language)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _credit(option: dict) -> float:
    if option.get("credit") is not None:
        return float(option["credit"])
    return 1.0 if option.get("correct") else 0.0


@grader("single")
def grade_single(question: dict, answer, language: str) -> Result:
    """One option chosen: its credit (1 for the correct one, partial credit where given)."""
    option = next((o for o in question["options"] if o["id"] == answer), None)
    if option is None:
        return Result(0.0, False)
    score = _clamp(_credit(option))
    return Result(score, bool(option.get("correct")), {option["id"]: bool(option.get("correct"))})


@grader("multiple")
def grade_multiple(question: dict, answer, language: str) -> Result:
    """Options chosen: with no credits given, every correct option and no wrong one scores 1,
    and each right decision counts in between; with credits, their sum, between 0 and 1."""
    chosen = set(answer)
    options = question["options"]
    parts = {o["id"]: bool(o.get("correct")) == (o["id"] in chosen) for o in options}
    correct = all(parts.values())
    if any(o.get("credit") is not None for o in options):
        score = _clamp(sum(_credit(o) for o in options if o["id"] in chosen))
    else:
        score = sum(parts.values()) / len(options)
    return Result(1.0 if correct else score, correct, parts)


@grader("true_false")
def grade_true_false(question: dict, answer, language: str) -> Result:
    right = answer is question["answer"]
    return Result(1.0 if right else 0.0, right)


@grader("matching")
def grade_matching(question: dict, answer: dict, language: str) -> Result:
    """Each left item's chosen right item: the share matched correctly."""
    parts = {pair["id"]: answer.get(pair["id"]) == pair["id"] for pair in question["pairs"]}
    score = sum(parts.values()) / len(parts)
    return Result(score, all(parts.values()), parts)


@grader("ordering")
def grade_ordering(question: dict, answer: list, language: str) -> Result:
    """The items in the learner's order: the share in their right place."""
    expected = [item["id"] for item in question["items"]]
    parts = {
        item: index < len(answer) and answer[index] == item for index, item in enumerate(expected)
    }
    score = sum(parts.values()) / len(parts)
    return Result(score, all(parts.values()), parts)


def fold_answer(text: str) -> str:
    """Case, diacritics, spacing and final punctuation do not matter in short answers."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[.!?;,]+$", "", stripped.strip()).split())


@grader("short_text")
def grade_short_text(question: dict, answer: str, language: str) -> Result:
    accepted = question["accepted"].get(language) or next(iter(question["accepted"].values()))
    typed = fold_answer(answer)
    credit = max(
        (a.get("credit", 1) for a in accepted if fold_answer(a["text"]) == typed), default=0
    )
    return Result(_clamp(float(credit)), credit >= 1)


def parse_number(text: str) -> float | None:
    """'3,5', '3.5', ' 1 822 ' and '-2' are numbers; anything else is not."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    return float(cleaned)


@grader("numeric")
def grade_numeric(question: dict, answer, language: str) -> Result:
    value = parse_number(answer) if isinstance(answer, str) else answer
    if value is None:
        return Result(0.0, False)
    credit = max(
        (
            a.get("credit", 1)
            for a in question["answers"]
            if abs(value - a["value"]) <= a.get("tolerance", 0) + 1e-9
        ),
        default=0,
    )
    return Result(_clamp(float(credit)), credit >= 1)


@grader("scenario")
def grade_scenario(question: dict, answer: list, language: str) -> Result:
    """The path taken through the case: the mean credit of the choices made, if it is a real
    path from the start to an end; a path that does not follow the steps scores 0."""
    steps = {step["id"]: step for step in question["steps"]}
    step_id, credits, parts = question["start"], [], {}
    for choice_id in answer:
        if step_id is None or step_id not in steps:
            return Result(0.0, False)
        choice = next((c for c in steps[step_id]["choices"] if c["id"] == choice_id), None)
        if choice is None:
            return Result(0.0, False)
        credit = float(choice.get("credit", 0))
        credits.append(credit)
        parts[step_id] = credit >= 1
        step_id = choice.get("next")
    if step_id is not None or not credits:  # the path has not reached an end
        return Result(0.0, False, parts)
    score = _clamp(sum(credits) / len(credits))
    return Result(score, score >= 1, parts)
