"""Loading a content package: files in, validated course out, or every problem with its line.

``load_package`` never stops at the first problem: it checks as much as it can and raises one
PackageError listing them all, so that an author fixes a package in one pass.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from pydantic import ValidationError

from elearn.content.checks import check_languages, check_plain_text, report_validation
from elearn.content.contacts import load_directory
from elearn.content.markdown import (
    RenderContext,
    render,
    rendering_fingerprint,
    split_front_matter,
)
from elearn.content.media import MediaChecks, MediaFile
from elearn.content.problems import N_, Collector, PackageError, Problem
from elearn.content.questions import Quiz, QuizLoading
from elearn.content.schema import LessonFrontMatter, Manifest
from elearn.content.source import PackageFiles
from elearn.content.yamlfile import line_of, load_yaml

MANIFEST = "course.yaml"
ALL_AUDIENCES = "all"


@dataclass(frozen=True)
class Urls:
    """How rendered lessons link to other lessons and to media (the web layer's routes)."""

    course_id: str

    def lesson(self, lesson_id: str) -> str:
        return f"/courses/{self.course_id}/lessons/{lesson_id}"

    def media(self, sha256: str, path: str) -> str:
        return f"/media/{sha256}/{PurePosixPath(path).name}"


@dataclass
class LessonText:
    title: str
    objectives: list[str]
    html: str


@dataclass
class Lesson:
    id: str
    module_id: str
    position: int
    duration: int
    required: bool
    texts: dict[str, LessonText]
    content_hash: str


@dataclass
class Package:
    manifest: Manifest
    files: dict[str, bytes]
    lessons: list[Lesson]
    quizzes: list[Quiz]
    media: dict[str, MediaFile]
    content_hash: str
    contacts_hash: str
    warnings: list[Problem] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return list(self.manifest.languages)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_hash(files: dict[str, bytes]) -> str:
    """One fingerprint of every file's path and bytes: equal packages have equal hashes."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + _sha(files[path]).encode() + b"\n")
    return digest.hexdigest()


# The schema errors authors meet most, in words they can act on (and translate).
class _Loader(MediaChecks, QuizLoading):
    """Reads a package's files into a course; the media and quiz parts live beside it."""

    def __init__(self, source: PackageFiles, professions: set[str]) -> None:
        self.files = dict(source.files)
        self.professions = professions
        self.problems = Collector()
        self.used: set[str] = {MANIFEST}

    # The manifest -------------------------------------------------------------------------

    def manifest(self) -> tuple[Manifest | None, dict]:
        if MANIFEST not in self.files:
            self.problems.add(N_("The package has no course.yaml at its top level."), MANIFEST)
            return None, {}
        data, lines = self._yaml(MANIFEST)
        if data is None:
            return None, {}
        try:
            manifest = Manifest.model_validate(data)
        except ValidationError as error:
            report_validation(error, MANIFEST, lines, self.problems)
            return None, lines
        check_languages(data, manifest.languages, MANIFEST, lines, self.problems)
        texts = {
            key: data.get(key)
            for key in (
                "title",
                "summary",
                "modules",
                "quizzes",
                "media",
                "authors",
                "references",
                "licence",
            )
        }
        check_plain_text(texts, MANIFEST, lines, self.problems)
        self._check_structure(manifest, lines)
        return manifest, lines

    def _yaml(self, path: str):
        try:
            text = self.files[path].decode("utf-8")
        except UnicodeDecodeError:
            self.problems.add(N_("%(path)s is not UTF-8 text."), path, path=path)
            return None, {}
        return load_yaml(text, path, self.problems)

    def _duplicates(self, ids: list[tuple[str, tuple]], message: str, lines: dict) -> None:
        seen = set()
        for identifier, path in ids:
            if identifier in seen:
                self.problems.add(message, MANIFEST, line_of(lines, path), id=identifier)
            seen.add(identifier)

    def _check_structure(self, manifest: Manifest, lines: dict) -> None:
        self._duplicates(
            [(m.id, ("modules", i, "id")) for i, m in enumerate(manifest.modules)],
            N_("The module id '%(id)s' is used twice."),
            lines,
        )
        self._duplicates(
            [
                (lesson.id, ("modules", i, "lessons", j, "id"))
                for i, m in enumerate(manifest.modules)
                for j, lesson in enumerate(m.lessons)
            ],
            N_("The lesson id '%(id)s' is used twice."),
            lines,
        )
        self._duplicates(
            [(q.id, ("quizzes", i, "id")) for i, q in enumerate(manifest.quizzes)],
            N_("The quiz id '%(id)s' is used twice."),
            lines,
        )
        quiz_ids = {quiz.id for quiz in manifest.quizzes}
        placed = [m.quiz for m in manifest.modules if m.quiz]
        for index, module in enumerate(manifest.modules):
            if module.quiz and module.quiz not in quiz_ids:
                self.problems.add(
                    N_(
                        "Module '%(module)s' names the quiz '%(quiz)s', which is not under quizzes."
                    ),
                    MANIFEST,
                    line_of(lines, ("modules", index, "quiz")),
                    module=module.id,
                    quiz=module.quiz,
                )
        renewal = manifest.certificate.recertification_quiz if manifest.certificate else None
        if renewal and renewal not in quiz_ids:
            self.problems.add(
                N_("The renewal quiz '%(quiz)s' is not under quizzes."),
                MANIFEST,
                line_of(lines, ("certificate", "recertification_quiz")),
                quiz=renewal,
            )
        for quiz in set(placed):
            if placed.count(quiz) > 1:
                self.problems.add(
                    N_("The quiz '%(quiz)s' is placed in more than one module."),
                    MANIFEST,
                    None,
                    quiz=quiz,
                )
        for index, audience in enumerate(manifest.audiences):
            if audience != ALL_AUDIENCES and audience not in self.professions:
                self.problems.add(
                    N_(
                        "Unknown audience '%(audience)s': use a profession of the platform, or all."
                    ),
                    MANIFEST,
                    line_of(lines, ("audiences", index)),
                    audience=audience,
                )
        lesson_ids = {lesson.id for module in manifest.modules for lesson in module.lessons}
        for index, plan in enumerate(manifest.session_plans):
            if plan not in lesson_ids:
                self.problems.add(
                    N_("The session plan '%(lesson)s' is not a lesson of the course."),
                    MANIFEST,
                    line_of(lines, ("session_plans", index)),
                    lesson=plan,
                )
        if manifest.id in manifest.prerequisites:
            self.problems.add(
                N_("A course cannot be its own prerequisite."),
                MANIFEST,
                line_of(lines, ("prerequisites",)),
            )

    # Media ----------------------------------------------------------------------------------

    def lessons(
        self, manifest: Manifest, media_files: dict, declared: dict, urls: Urls, directory
    ) -> list[Lesson]:
        lesson_ids = frozenset(
            lesson.id for module in manifest.modules for lesson in module.lessons
        )
        transcripts = self._transcripts(declared, manifest.languages, directory, urls, media_files)
        result = []
        position = 0
        for module in manifest.modules:
            for ref in module.lessons:
                position += 1
                texts, sources = {}, {}
                for language in manifest.languages:
                    path = f"lessons/{ref.id}.{language}.md"
                    text = self._lesson_text(
                        path,
                        language,
                        lesson_ids,
                        declared,
                        media_files,
                        urls,
                        transcripts,
                        directory,
                    )
                    if text is not None:
                        texts[language], sources[language] = text
                digest = hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()
                result.append(
                    Lesson(
                        ref.id,
                        module.id,
                        position,
                        ref.duration,
                        ref.required,
                        {k: v for k, v in texts.items()},
                        digest,
                    )
                )
        return result

    def _transcripts(self, declared, languages, directory, urls, media_files) -> dict:
        out = {}
        for entry in declared.values():
            for language, path in (entry.transcript or {}).items():
                if path in self.files:
                    context = self._context(
                        language, frozenset(), declared, media_files, urls, {}, directory
                    )
                    body = self.files[path].decode("utf-8", "replace")
                    out[(entry.file, language)] = render(body, context, self.problems, path, 1)
        return out

    def _context(self, language, lesson_ids, declared, media_files, urls, transcripts, directory):
        def media_url(path: str) -> str:
            if path in media_files:
                return urls.media(media_files[path].sha256, path)
            if path in self.files:  # captions and transcripts
                return urls.media(_sha(self.files[path]), path)
            return "#"

        return RenderContext(
            language, lesson_ids, declared, media_url, urls.lesson, transcripts, directory
        )

    def _lesson_text(
        self, path, language, lesson_ids, declared, media_files, urls, transcripts, directory
    ):
        if path not in self.files:
            self.problems.add(
                N_("The lesson file %(path)s is missing (one file per lesson and language)."),
                path,
                path=path,
            )
            return None
        self.used.add(path)
        try:
            text = self.files[path].decode("utf-8")
        except UnicodeDecodeError:
            self.problems.add(N_("%(path)s is not UTF-8 text."), path, path=path)
            return None
        front, body, body_line = split_front_matter(text)
        if front is None:
            self.problems.add(
                N_(
                    "The lesson has no front matter (a --- block with title and "
                    "objectives) at its top."
                ),
                path,
                1,
            )
            return None
        data, lines = load_yaml(front, path, self.problems)
        if data is None:
            return None
        lines = {key: line + 1 for key, line in lines.items()}  # after the opening ---
        try:
            matter = LessonFrontMatter.model_validate(data)
        except ValidationError as error:
            report_validation(error, path, lines, self.problems)
            return None
        check_plain_text(data, path, lines, self.problems)
        context = self._context(
            language, lesson_ids, declared, media_files, urls, transcripts, directory
        )
        html = render(body, context, self.problems, path, body_line)
        return LessonText(matter.title, list(matter.objectives), html), text

    # Quizzes --------------------------------------------------------------------------------


def load_package(source: PackageFiles, *, professions: set[str], directory_path=None) -> Package:
    """Validate and load a package. Raises PackageError listing every problem found."""
    loader = _Loader(source, professions)
    manifest, lines = loader.manifest()
    loader.problems.raise_if_any()
    directory, contacts_hash = load_directory(directory_path)
    urls = Urls(manifest.id)
    media_files, declared = loader.media(manifest, lines)
    lessons = loader.lessons(manifest, media_files, declared, urls, directory)
    quizzes = loader.quizzes(manifest, lines)
    for path in sorted(set(loader.files) - loader.used):
        loader.problems.add(
            N_("%(path)s is not used by the course; remove it or refer to it."), path, path=path
        )
    loader.problems.raise_if_any()
    return Package(
        manifest=manifest,
        files=loader.files,
        lessons=lessons,
        quizzes=quizzes,
        media=media_files,
        content_hash=package_hash(loader.files),
        contacts_hash=rendering_fingerprint(contacts_hash),
        warnings=loader.problems.warnings,
    )


__all__ = ["Lesson", "Package", "PackageError", "Quiz", "load_package", "package_hash"]
