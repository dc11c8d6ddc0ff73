"""Dependencies run one way (house style): a module imports only its own part of the code
and the layers below it, never one above, not even inside a function.

Where a lower feature must let a higher one react, it sends a signal from elearn/signals.py
(docs/architecture.md, "Layers"). Every module under elearn/ must be placed in a layer below,
so that a new feature decides where it sits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "elearn"

# Lowest first. Each entry is a module or package; a module belongs to the longest entry
# that names it or a package around it. Modules of one layer may import each other.
LAYERS: list[tuple[str, set[str]]] = [
    (
        "platform: no feature of its own",
        {
            "elearn.backup",
            "elearn.caches",  # bounded per-process caches of what never changes once published
            "elearn.connections",  # reads outside a transaction, a dropped connection retried
            "elearn.content",  # the pure course-package core
            "elearn.core.errors",  # the error pages
            "elearn.database",
            "elearn.errors",
            "elearn.signals",
            "elearn.extensions",
            "elearn.forms",
            "elearn.html",
            "elearn.i18n",
            "elearn.links",
            "elearn.mail",
            "elearn.reference",
            "elearn.security",
            "elearn.storage",
            "elearn.text",
            "elearn.translations_cli",
        },
    ),
    (
        # People, their organisations, second factors and roles are read together everywhere;
        # inside this layer imports still go both ways (docs/architecture.md).
        "people",
        {
            "elearn.access",
            "elearn.accounts",
            "elearn.audit",
            "elearn.mfa",
            "elearn.organisations",
            "elearn.privacy.models",
            "elearn.privacy.notice",  # accepted when the account is made
            "elearn.users",
        },
    ),
    # Invitations make accounts and memberships, and can place people in a cohort.
    ("groups: cohorts and invitations", {"elearn.cohorts", "elearn.invitations"}),
    ("course content: versions, lessons, questions, files", {"elearn.courses"}),
    # Materials that sessions, events and courses name by key; files checked like media.
    ("the resource library", {"elearn.resources"}),
    ("learning paths: courses in order, per profession", {"elearn.paths"}),
    ("learning: enrolments, progress, completion", {"elearn.learning"}),
    ("quizzes: attempts, grading", {"elearn.quizzes"}),
    (
        # Importing, publishing and withdrawing versions: withdrawing moves the learners,
        # and the trainer's pages count learners and grant quiz time.
        "course management",
        {
            "elearn.courses.commands",
            "elearn.courses.forms",
            "elearn.courses.services",
            "elearn.courses.views",
        },
    ),
    ("certificates", {"elearn.certificates"}),
    # Met by a valid certificate; learning's pages ask for due dates through a signal.
    ("assignments: courses and paths due by a date", {"elearn.assignments"}),
    # What trained people go on to do: sessions they deliver (after a certificate), and the
    # events the NGO and partners hold (attendance certificates like course certificates).
    ("the multiplier's reach: delivered sessions and events", {"elearn.reach", "elearn.events"}),
    # Writing courses in the browser: publishes through course management, offers the
    # certificate's signatories, and tells enrolled learners of announcements.
    ("authoring: drafts, review, history, copies, announcements", {"elearn.authoring"}),
    ("data rights: download and erase what every feature holds", {"elearn.privacy"}),
    (
        "pages over several features",
        {
            "elearn.core",  # home, navigation
            "elearn.organisations.member_views",  # each member's learning, quizzes, certificates
        },
    ),
    # Nothing imports reporting but the API that serves its figures and the app itself.
    ("reporting: reads every feature's tables", {"elearn.reporting"}),
    ("API: reporting's figures as JSON", {"elearn.api"}),
    (
        "the app: its factory and command line",
        {"elearn", "elearn.__main__", "elearn.cli", "elearn.commands"},
    ),
]

RANK = {entry: rank for rank, (_name, entries) in enumerate(LAYERS) for entry in entries}


def place(module: str) -> str | None:
    """The layer entry ``module`` belongs to (the package itself only names the factory)."""
    parts = module.split(".")
    for end in range(len(parts), 1, -1):
        candidate = ".".join(parts[:end])
        if candidate in RANK:
            return candidate
    return "elearn" if module == "elearn" else None


def module_name(path: Path, source: Path = SOURCE) -> str:
    parts = list(path.relative_to(source.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(module: str, path: Path):
    """(line, module imported) for every import of the file, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                # ``from elearn.courses import services`` imports a module; ``from x import y``
                # of a name is placed by its module, which is a prefix of ``x.y``.
                yield node.lineno, f"{base}.{alias.name}"


def upward_imports(source: Path = SOURCE) -> list[str]:
    found = []
    for path in sorted(source.rglob("*.py")):
        module = module_name(path, source)
        home = place(module)
        for line, target in imported(module, path):
            if not target.startswith("elearn.") and target != "elearn":
                continue
            there = place(target)
            if there is None or home is None or there == home:
                continue
            if RANK[there] > RANK[home]:
                where = path.relative_to(source.parent)
                found.append(f"{where}:{line} ({LAYERS[RANK[home]][0]}) imports {target}")
    return found


def test_every_module_is_placed_in_a_layer():
    unplaced = [
        module_name(path)
        for path in sorted(SOURCE.rglob("*.py"))
        if place(module_name(path)) is None
    ]
    assert unplaced == []


def test_no_module_imports_a_layer_above_its_own():
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from elearn.certificates.services import issue_for\n", "elearn.certificates.services"),
        ("def f():\n    from elearn.quizzes.models import QuizAttempt\n", "elearn.quizzes.models"),
        ("import elearn.reporting.figures\n", "elearn.reporting.figures"),
        ("from ..quizzes import credit\n", "elearn.quizzes.credit"),
    ],
)
def test_an_upward_import_is_found_even_inside_a_function(tmp_path, source, problem):
    package = tmp_path / "elearn" / "learning"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text(source)
    [found] = upward_imports(tmp_path / "elearn")
    assert found.startswith("elearn/learning/services.py:") and problem in found
