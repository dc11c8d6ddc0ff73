"""The graders: one pure function per question type."""

from __future__ import annotations

import random

import pytest

from elearn.quizzes.draw import BadAnswer, draw_attempt, parse_answer
from elearn.quizzes.grading import GRADERS, fold_answer, grade, parse_number
from tests.content.helpers import load, valid_files

QUESTIONS = {q["id"]: q for q in load(valid_files()).quizzes[0].questions}


def test_every_question_type_has_a_grader():
    from elearn.content.schema import QUESTION_TYPES

    assert set(GRADERS) == set(QUESTION_TYPES)


@pytest.mark.parametrize(
    ("key", "answer", "score", "correct"),
    [
        ("single-q", "dgaspc", 1.0, True),
        ("single-q", "nobody", 0.0, False),
        ("single-q", "not-an-option", 0.0, False),
        ("multiple-q", ["n112", "n119"], 1.0, True),
        ("multiple-q", ["n112"], 2 / 3, False),
        ("multiple-q", ["n112", "n119", "n999"], 2 / 3, False),
        ("tf-q", False, 1.0, True),
        ("tf-q", True, 0.0, False),
        ("matching-q", {"p1": "p1", "p2": "p2"}, 1.0, True),
        ("matching-q", {"p1": "p2", "p2": "p1"}, 0.0, False),
        ("matching-q", {"p1": "p1"}, 0.5, False),
        ("ordering-q", ["safety", "listen", "refer"], 1.0, True),
        ("ordering-q", ["listen", "safety", "refer"], 1 / 3, False),
        ("short-q", "  UNU unu doi. ", 1.0, True),
        ("short-q", "113", 0.0, False),
        ("numeric-q", "7", 1.0, True),
        ("numeric-q", "7,0", 1.0, True),
        ("numeric-q", "seven", 0.0, False),
        ("scenario-q", ["listen", "refer"], 1.0, True),
        ("scenario-q", ["promise", "refer"], 0.5, False),
        ("scenario-q", ["listen"], 0.0, False),  # the case has not ended
        ("scenario-q", ["refer"], 0.0, False),  # not a choice of the first step
        ("single-q", None, 0.0, False),
    ],
)
def test_grading(key, answer, score, correct):
    result = grade(QUESTIONS[key], answer, "ro")
    assert result.score == pytest.approx(score)
    assert result.correct is correct


def test_short_answers_ignore_case_diacritics_and_final_punctuation():
    assert fold_answer("  Ștefan   ȚUȚUIANU! ") == "stefan tutuianu"
    question = {"type": "short_text", "accepted": {"ro": [{"text": "Direcția de protecție"}]}}
    assert grade(question, "directia de PROTECTIE", "ro").correct


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3,5", 3.5),
        ("3.5", 3.5),
        (" 1 822 ", 1822.0),
        ("-2", -2.0),
        ("1,2,3", None),
        ("1e5", None),
        ("", None),
    ],
)
def test_numbers_accept_a_decimal_comma(text, value):
    assert parse_number(text) == value


def test_partial_credit_from_gift_weights():
    question = {
        "type": "single",
        "options": [
            {"id": "a", "correct": False},
            {"id": "b", "correct": False, "credit": 0.5},
            {"id": "c", "correct": True},
        ],
    }
    assert grade(question, "b", "en").score == 0.5
    multiple = {
        "type": "multiple",
        "options": [
            {"id": "a", "correct": True, "credit": 0.5},
            {"id": "b", "correct": True, "credit": 0.5},
            {"id": "c", "correct": False, "credit": -0.5},
        ],
    }
    assert grade(multiple, ["a", "c"], "en").score == 0.0
    assert grade(multiple, ["a", "b"], "en").score == 1.0


def test_a_draw_gives_each_attempt_its_own_tokens_never_the_ids():
    questions = list(QUESTIONS.values())
    first = draw_attempt(questions, None, random.Random(1))
    second = draw_attempt(questions, None, random.Random(2))
    single = next(e for e in first if e["key"] == "single-q")
    assert set(single["tokens"].values()) == {"dgaspc", "nobody"}
    assert not set(single["tokens"]) & {"dgaspc", "nobody"}
    other = next(e for e in second if e["key"] == "single-q")
    assert set(single["tokens"]).isdisjoint(other["tokens"])


def test_a_draw_samples_the_pool():
    drawn = draw_attempt(list(QUESTIONS.values()), 3, random.Random(5))
    assert len(drawn) == 3 and len({e["key"] for e in drawn}) == 3


def test_forms_are_read_through_the_attempts_tokens():
    question = QUESTIONS["matching-q"]
    [entry] = draw_attempt([question], None, random.Random(3))
    left = {v: k for k, v in entry["tokens"].items()}
    right = {v: k for k, v in entry["rights"].items()}
    form = {f"pair-{left['p1']}": [right["p2"]], f"pair-{left['p2']}": [right["p1"]]}
    assert parse_answer(question, entry, form) == {"p1": "p2", "p2": "p1"}
    with pytest.raises(BadAnswer):
        parse_answer(question, entry, {f"pair-{left['p1']}": ["p1"]})  # an id, not a token
    ordering = QUESTIONS["ordering-q"]
    [entry] = draw_attempt([ordering], None, random.Random(4))
    tokens = {v: k for k, v in entry["tokens"].items()}
    form = {
        f"position-{tokens['refer']}": ["1"],
        f"position-{tokens['safety']}": ["2"],
        f"position-{tokens['listen']}": ["3"],
    }
    assert parse_answer(ordering, entry, form) == ["refer", "safety", "listen"]
    with pytest.raises(BadAnswer):
        parse_answer(ordering, entry, {f"position-{tokens['refer']}": ["9"]})
