"""GIFT: Moodle's own files import, and every question we cannot map is reported by line."""

from __future__ import annotations

import pytest

from elearn.content.gift import parse_gift
from elearn.content.schema import QuizFile
from tests.conftest import conformance_dir


def parse(name: str):
    path = conformance_dir() / "gift" / name
    return parse_gift(path.read_text(encoding="utf-8"), name)


def as_quiz(questions) -> QuizFile:
    """Our schema accepts every imported question once its texts are given a language."""

    def keyed(value, key=None):
        if isinstance(value, dict):
            return {k: keyed(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return {"en": value} if key == "accepted" else [keyed(v) for v in value]
        if key in {
            "prompt",
            "feedback",
            "text",
            "left",
            "right",
            "feedback_correct",
            "feedback_incorrect",
        }:
            return {"en": value}
        return value

    return QuizFile.model_validate({"questions": [keyed(q.data) for q in questions]})


def test_moodles_examples_import_completely():
    questions, notes = parse("moodle-examples.gift")
    assert len(questions) == 43
    quiz = as_quiz(questions)
    kinds = {q.type for q in quiz.questions}
    assert kinds == {"single", "multiple", "true_false", "short_text", "matching", "numeric"}
    # Two questions share the name "Jesus' hometown": the second is renamed, and said so.
    assert [(n.line, n.severity) for n in notes] == [(123, "warning")]


def test_moodles_fixture_reports_each_question_it_cannot_map_by_line():
    questions, notes = parse("moodle-fixture-questions.gift")
    lines = {note.line: note.text() for note in notes}
    assert "Essay questions" in lines[2]
    assert "Chat" in lines[5]  # a matching distractor
    assert "any other numeric answer" in lines[31]
    assert "wildcard" in lines[34]
    assert 49 in lines  # a name used twice
    assert len(questions) == 8
    as_quiz(questions)


def test_html_in_gift_comes_out_sanitised():
    questions, _ = parse("moodle-fixture-questions.gift")
    matching = next(q for q in questions if q.data["id"] == "moodle-activities")
    assert matching.data["prompt"] == "Match the activity to the description."
    assert "<" not in str(matching.data)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Grant is {~buried =entombed ~living} in Grant's tomb.",
            {"type": "single", "prompt": "Grant is _____ in Grant's tomb."},
        ),
        ("Pi?{#3.141..3.142}", {"type": "numeric"}),
        (
            "T or F?{TRUE#no#yes}",
            {
                "type": "true_false",
                "answer": True,
                "feedback_incorrect": "no",
                "feedback_correct": "yes",
            },
        ),
        ("Pick{~%50%a ~%50%b ~%-50%c}", {"type": "multiple"}),
        ("Special { ~ \\= 2 + 2 = \\= 2 + 3 }", {"type": "single"}),
    ],
)
def test_gift_constructs(source, expected):
    [question], _ = parse_gift(source, "x.gift")
    for key, value in expected.items():
        assert question.data[key] == value


def test_partial_credit_is_kept():
    [question], _ = parse_gift("Where?{~Jerusalem ~%50%Galilee =Nazareth}", "x.gift")
    credits = {o["text"]: (o["correct"], o.get("credit")) for o in question.data["options"]}
    assert credits == {
        "Jerusalem": (False, None),
        "Galilee": (False, 0.5),
        "Nazareth": (True, None),
    }


def test_a_description_is_reported_not_dropped():
    questions, notes = parse_gift("Just some text with no question.", "x.gift")
    assert questions == [] and notes[0].line == 1 and "description" in notes[0].text()
