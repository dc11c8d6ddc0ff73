"""Reading the shipped learning paths (courses/paths.yaml): text in, validated paths out, or
every problem with its file and line.

A pure core like elearn/content (no Flask, no database): the same strict YAML reader, pydantic
for the shape, and messages marked with ``N_`` that the web layer translates and the command
line prints as they are. Writing the paths to the database is elearn/paths/shipped.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from elearn.content.checks import check_plain_text, report_validation
from elearn.content.problems import N_, Collector, PackageError
from elearn.content.schema import LangLongText, LangText, Model, Slug
from elearn.content.yamlfile import line_of, load_yaml

FILE_NAME = "paths.yaml"
FORMAT_VERSION = 1
# Larger than any list of paths needs; the file is read whole.
MAX_BYTES = 256 * 1024


class PathSpec(Model):
    id: Slug
    profession: Annotated[str, Field(min_length=1, max_length=32)] | None = Field(
        None, description="A profession of the platform; none: the path is for everyone."
    )
    title: Annotated[LangText, Field(min_length=1)]
    summary: LangLongText = Field(default_factory=dict)
    courses: Annotated[list[Slug], Field(min_length=1, max_length=50)] = Field(
        description="Course ids (the `id` of each course.yaml), in the order to take them."
    )


class PathsFile(Model):
    format: Literal[1]
    paths: Annotated[list[PathSpec], Field(min_length=1, max_length=200)]


@dataclass(frozen=True)
class ShippedPath:
    """One path of the file, with the lines its parts were written on (for later reports)."""

    slug: str
    profession: str | None
    title: dict[str, str]
    summary: dict[str, str]
    courses: tuple[str, ...]
    file: str
    line: int | None
    course_lines: tuple[int | None, ...] = field(default=())


def _check_rules(
    spec: PathsFile,
    file: str,
    lines: dict,
    problems: Collector,
    professions: set[str],
    known_courses: set[str] | None,
) -> None:
    """What the schema cannot say: known professions and courses, no id or course twice."""
    first_line: dict[str, int | None] = {}
    for index, path in enumerate(spec.paths):
        where = ("paths", index)
        if path.id in first_line:
            problems.add(
                N_("The path id '%(id)s' is used twice (first on line %(first)s)."),
                file,
                line_of(lines, (*where, "id")),
                id=path.id,
                first=first_line[path.id],
            )
        first_line.setdefault(path.id, line_of(lines, (*where, "id")))
        if path.profession is not None and path.profession not in professions:
            problems.add(
                N_(
                    "Unknown profession '%(profession)s': use a profession of the platform, "
                    "or leave it out for everyone."
                ),
                file,
                line_of(lines, (*where, "profession")),
                profession=path.profession,
            )
        seen: set[str] = set()
        for position, course in enumerate(path.courses):
            line = line_of(lines, (*where, "courses", position))
            if course in seen:
                problems.add(
                    N_("The path '%(id)s' names the course '%(course)s' twice."),
                    file,
                    line,
                    id=path.id,
                    course=course,
                )
            seen.add(course)
            if known_courses is not None and course not in known_courses:
                problems.add(
                    N_(
                        "The path '%(id)s' names the course '%(course)s', which is not one of "
                        "the course packages."
                    ),
                    file,
                    line,
                    id=path.id,
                    course=course,
                )


def parse_paths(
    text: str, *, file: str, professions: set[str], known_courses: set[str] | None = None
) -> list[ShippedPath]:
    """The paths declared in ``text``; raises PackageError listing every problem.

    ``known_courses``, when given, is the set of course ids a path may name (the packages
    being validated); without it course ids are checked only for their form.
    """
    problems = Collector()
    data, lines = load_yaml(text, file, problems)
    problems.raise_if_any()
    try:
        spec = PathsFile.model_validate(data)
    except ValidationError as error:
        report_validation(error, file, lines, problems)
        problems.raise_if_any()
    check_plain_text(data, file, lines, problems)
    _check_rules(spec, file, lines, problems, professions, known_courses)
    problems.raise_if_any()
    return [
        ShippedPath(
            slug=path.id,
            profession=path.profession,
            title=dict(path.title),
            summary=dict(path.summary),
            courses=tuple(path.courses),
            file=file,
            line=line_of(lines, ("paths", index, "id")),
            course_lines=tuple(
                line_of(lines, ("paths", index, "courses", position))
                for position in range(len(path.courses))
            ),
        )
        for index, path in enumerate(spec.paths)
    ]


def load_paths(
    path: Path, *, professions: set[str], known_courses: set[str] | None = None
) -> list[ShippedPath]:
    """Read and check a paths file; raises PackageError (with the file's name) on any problem."""
    file = str(path)
    problems = Collector()
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.add(
            N_("Cannot read %(path)s: %(detail)s"), file, None, path=file, detail=error.strerror
        )
        problems.raise_if_any()
    if len(raw) > MAX_BYTES:
        problems.add(N_("The file is larger than %(max)d KB."), file, None, max=MAX_BYTES // 1024)
        problems.raise_if_any()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(N_("%(path)s is not UTF-8 text."), file, line, path=file)
        problems.raise_if_any()
    return parse_paths(text, file=file, professions=professions, known_courses=known_courses)


__all__ = ["FILE_NAME", "PackageError", "ShippedPath", "load_paths", "parse_paths"]
