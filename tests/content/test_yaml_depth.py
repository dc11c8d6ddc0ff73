"""A YAML file nested thousands of levels deep is a package problem with its file and line,
not a crash: PyYAML composes nested nodes recursively and would exhaust the stack."""

from __future__ import annotations

import pytest

from elearn.content.loader import load_package
from elearn.content.problems import Collector, PackageError
from elearn.content.source import PackageFiles
from elearn.content.yamlfile import MAX_DEPTH, load_yaml
from tests.content.helpers import valid_files


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 20_000 + "]" * 20_000,
        "".join(f"{'  ' * level}k{level}:\n" for level in range(3_000)) + "  " * 3_000 + "x: 1\n",
        "- " * 20_000 + "x",
    ],
    ids=["flow sequences", "block mappings", "block sequences"],
)
def test_deeply_nested_yaml_is_refused_with_its_line(text):
    problems = Collector()
    data, _lines = load_yaml(text, "quizzes/deep.yaml", problems)
    assert data is None
    [problem] = problems.problems
    assert problem.file == "quizzes/deep.yaml" and problem.line is not None
    assert problem.text() == f"The YAML is nested more than {MAX_DEPTH} levels deep."


def test_a_package_with_a_deeply_nested_manifest_reports_it():
    files = dict(valid_files())
    files["course.yaml"] = files["course.yaml"] + b"extra: " + b"[" * 20_000 + b"]" * 20_000
    with pytest.raises(PackageError) as raised:
        load_package(PackageFiles("deep", files), professions=set())
    assert any(
        p.file == "course.yaml" and "nested more than" in p.text() for p in raised.value.problems
    )


def test_ordinary_nesting_still_loads():
    problems = Collector()
    text = (
        "".join(f"{'  ' * level}k{level}:\n" for level in range(MAX_DEPTH - 2))
        + "  " * (MAX_DEPTH - 2)
        + "x: 1\n"
    )
    data, _lines = load_yaml(text, "ok.yaml", problems)
    assert problems.problems == [] and data is not None
