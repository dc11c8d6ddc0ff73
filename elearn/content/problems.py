"""What the loader says about a package: every problem, with its file and line.

Messages are English templates marked with ``N_`` so that Babel extracts them; the web layer
translates them when it shows them (``gettext(problem.message) % problem.params``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message for translation without translating it here."""
    return message


@dataclass(frozen=True)
class Problem:
    message: str
    file: str = ""
    line: int | None = None
    params: dict = field(default_factory=dict)
    # "error" makes the package unusable; "warning" is reported and the package still loads.
    severity: str = "error"

    def text(self, translate=None) -> str:
        """The message with its parameters, translated by ``translate`` when given."""
        template = translate(self.message) if translate else self.message
        try:
            return template % self.params if self.params else template
        except (KeyError, ValueError, TypeError):
            return self.message

    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def sort_key(self):
        return (self.file, self.line or 0, self.message)


class PackageError(Exception):
    """A package that cannot be used; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("; ".join(f"{p.location()}: {p.text()}" for p in self.problems[:5]))


class Collector:
    """Gathers problems while loading, so that one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, file: str = "", line: int | None = None, **params) -> None:
        self.problems.append(Problem(message, file, line, params))

    def add_warning(self, message: str, file: str = "", line: int | None = None, **params) -> None:
        """A problem reported to the author that does not stop the package from loading."""
        self.problems.append(Problem(message, file, line, params, severity="warning"))

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity == "warning"), key=Problem.sort_key)

    def raise_if_any(self) -> None:
        """Stop loading if there is any error; warnings never stop it."""
        if self.errors:
            raise PackageError(self.problems)
