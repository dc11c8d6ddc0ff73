"""The slips people make writing YAML by hand get a message that says what to do, on the
right line, in the reader's language, instead of PyYAML's English (issue 14)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from elearn.content.problems import Collector
from elearn.content.yamlfile import load_yaml


def problem_of(text: str):
    problems = Collector()
    data, _lines = load_yaml(text, "course.yaml", problems)
    assert data is None and len(problems.problems) == 1
    return problems.problems[0]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: a\ntitle: Part 1: the basics\n", 2, "double quotes"),
        ("id: a\nmodules:\n\t- id: b\n", 3, "tab"),
        ('id: a\ntitle: "Part 1\nduration: 10\n', 2, "never closed"),
        ("id: a\nduration\nformat: 1\n", 2, "no colon"),
    ],
)
def test_a_common_slip_is_explained_on_its_line(text, line, words):
    problem = problem_of(text)
    assert problem.file == "course.yaml" and problem.line == line
    assert words in problem.text()
    assert "mapping values" not in problem.text() and "scanning" not in problem.text()


def test_the_explanation_is_in_the_readers_language(app):
    problem = problem_of("title: Part 1: the basics\n")
    with app.test_request_context(), force_locale("ro"):
        romanian = problem.text(gettext)
    with app.test_request_context(), force_locale("hu"):
        hungarian = problem.text(gettext)
    assert romanian != problem.text() and "ghilimele" in romanian
    assert hungarian != problem.text() and hungarian != romanian


def test_other_yaml_errors_still_say_what_the_parser_found():
    problem = problem_of("a:\n  - x\n - y\n")
    assert problem.text().startswith("This is not valid YAML:")
    assert problem.line == 3
