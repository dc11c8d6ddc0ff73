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

from elearn.content import media as media_checks
from elearn.content.checks import check_languages, check_plain_text, report_validation
from elearn.content.contacts import load_directory
from elearn.content.gift import parse_gift
from elearn.content.markdown import RenderContext, render, split_front_matter
from elearn.content.problems import N_, Collector, PackageError, Problem
from elearn.content.questions import check_question, merge_languages
from elearn.content.schema import LessonFrontMatter, Manifest, QuizFile, QuizSettings
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
class Quiz:
    settings: QuizSettings
    module_id: str | None
    questions: list[dict]  # each question as JSON-ready data, every text by language
    question_hashes: dict[str, str]


@dataclass
class MediaFile:
    path: str
    sha256: str
    mime_type: str
    size: int


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
class _Loader:
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

    def _duplicates(self, ids: list[tuple[str, tuple]], what: str, lines: dict) -> None:
        seen = set()
        for identifier, path in ids:
            if identifier in seen:
                self.problems.add(
                    N_("The %(what)s id '%(id)s' is used twice."),
                    MANIFEST,
                    line_of(lines, path),
                    what=what,
                    id=identifier,
                )
            seen.add(identifier)

    def _check_structure(self, manifest: Manifest, lines: dict) -> None:
        self._duplicates(
            [(m.id, ("modules", i, "id")) for i, m in enumerate(manifest.modules)], "module", lines
        )
        self._duplicates(
            [
                (lesson.id, ("modules", i, "lessons", j, "id"))
                for i, m in enumerate(manifest.modules)
                for j, lesson in enumerate(m.lessons)
            ],
            "lesson",
            lines,
        )
        self._duplicates(
            [(q.id, ("quizzes", i, "id")) for i, q in enumerate(manifest.quizzes)], "quiz", lines
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
        if manifest.id in manifest.prerequisites:
            self.problems.add(
                N_("A course cannot be its own prerequisite."),
                MANIFEST,
                line_of(lines, ("prerequisites",)),
            )

    # Media ----------------------------------------------------------------------------------

    def media(self, manifest: Manifest, lines: dict) -> tuple[dict[str, MediaFile], dict]:
        found, declared = {}, {}
        for index, entry in enumerate(manifest.media):
            line = line_of(lines, ("media", index))
            path = entry.file
            declared[path] = entry
            suffix = PurePosixPath(path).suffix.lower()
            if path not in self.files:
                self.problems.add(
                    N_("%(path)s is declared under media but is not in the package."),
                    MANIFEST,
                    line,
                    path=path,
                )
                continue
            self.used.add(path)
            if not media_checks.check_signature(path, self.files[path], suffix, self.problems):
                continue
            self.files[path] = media_checks.strip_metadata(self.files[path], suffix)
            self._media_needs(entry, suffix, manifest.languages, line)
            data = self.files[path]
            found[path] = MediaFile(
                path, _sha(data), media_checks.MIME_TYPES.get(suffix, ""), len(data)
            )
        return found, declared

    def _media_needs(self, entry, suffix: str, languages: list[str], line: int | None) -> None:
        def need(field_name: str, message: str) -> dict:
            value = getattr(entry, field_name) or {}
            for language in languages:
                if not value.get(language):
                    self.problems.add(message, MANIFEST, line, path=entry.file, language=language)
            return value

        if suffix in media_checks.IMAGE_TYPES:
            need("alt", N_("The image %(path)s needs alt text in %(language)s."))
        elif suffix in media_checks.AUDIO_TYPES:
            for _language, path in need(
                "transcript", N_("The audio %(path)s needs a transcript in %(language)s.")
            ).items():
                self._side_file(path, ".md", entry.file, line)
        elif suffix in media_checks.VIDEO_TYPES:
            for _language, path in need(
                "captions", N_("The video %(path)s needs captions (WebVTT) in %(language)s.")
            ).items():
                if self._side_file(path, ".vtt", entry.file, line):
                    media_checks.check_webvtt(
                        path, self.files[path].decode("utf-8", "replace"), self.problems
                    )
        elif suffix == ".pdf":
            need("title", N_("The handout %(path)s needs a title in %(language)s."))

    def _side_file(self, path: str, suffix: str, owner: str, line: int | None) -> bool:
        if not path.startswith("media/") or not path.endswith(suffix) or path not in self.files:
            self.problems.add(
                N_(
                    "%(path)s, named for %(owner)s, is not a %(type)s file under "
                    "media/ in the package."
                ),
                MANIFEST,
                line,
                path=path,
                owner=owner,
                type=suffix,
            )
            return False
        self.used.add(path)
        return True

    # Lessons ----------------------------------------------------------------------------------

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

    def quizzes(self, manifest: Manifest, lines: dict) -> list[Quiz]:
        placed = {module.quiz: module.id for module in manifest.modules if module.quiz}
        result = []
        for index, settings in enumerate(manifest.quizzes):
            line = line_of(lines, ("quizzes", index, "file"))
            questions = self._questions(settings, manifest.languages, line)
            if questions is None:
                continue
            if settings.draw and settings.draw > len(questions):
                self.problems.add(
                    N_("The quiz '%(quiz)s' draws %(draw)d questions but has only %(count)d."),
                    MANIFEST,
                    line_of(lines, ("quizzes", index, "draw")),
                    quiz=settings.id,
                    draw=settings.draw,
                    count=len(questions),
                )
            hashes = {
                q["id"]: hashlib.sha256(json.dumps(q, sort_keys=True).encode()).hexdigest()
                for q in questions
            }
            result.append(Quiz(settings, placed.get(settings.id), questions, hashes))
        return result

    def _questions(self, settings: QuizSettings, languages: list[str], line) -> list[dict] | None:
        if isinstance(settings.file, str):
            path = settings.file
            if path not in self.files:
                self.problems.add(
                    N_("The quiz file %(path)s is missing."), MANIFEST, line, path=path
                )
                return None
            self.used.add(path)
            data, lines = self._yaml(path)
            if data is None:
                return None
            check_languages(data, languages, path, lines, self.problems)
            check_plain_text(data, path, lines, self.problems)
            return self._validated(data, path, lines)
        return self._gift_questions(settings, languages, line)

    def _validated(self, data, path: str, lines: dict) -> list[dict] | None:
        try:
            quiz = QuizFile.model_validate(data)
        except ValidationError as error:
            report_validation(error, path, lines, self.problems)
            return None
        questions = [
            question.model_dump(mode="json", exclude_none=True) for question in quiz.questions
        ]
        for index, question in enumerate(quiz.questions):
            check_question(question, path, line_of(lines, ("questions", index)), self.problems)
        seen = set()
        for index, question in enumerate(quiz.questions):
            if question.id in seen:
                self.problems.add(
                    N_("The question id '%(id)s' is used twice."),
                    path,
                    line_of(lines, ("questions", index, "id")),
                    id=question.id,
                )
            seen.add(question.id)
        return questions

    def _gift_questions(
        self, settings: QuizSettings, languages: list[str], line
    ) -> list[dict] | None:
        per_language = {}
        for language in languages:
            path = settings.file.get(language)
            if not path or path not in self.files or not path.endswith(".gift"):
                self.problems.add(
                    N_("The quiz '%(quiz)s' needs a .gift file in %(language)s."),
                    MANIFEST,
                    line,
                    quiz=settings.id,
                    language=language,
                )
                continue
            self.used.add(path)
            questions, notes = parse_gift(self.files[path].decode("utf-8", "replace"), path)
            self.problems.extend(notes)
            per_language[language] = (path, questions)
        if len(per_language) != len(languages):
            return None
        merged = merge_languages(per_language, self.problems)
        if merged is None:
            return None
        first_path, first_questions = next(iter(per_language.values()))
        lines = {
            ("questions", index): question.line for index, question in enumerate(first_questions)
        }
        return self._validated({"questions": merged}, first_path, lines)


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
        contacts_hash=contacts_hash,
        warnings=loader.problems.warnings,
    )


__all__ = ["Lesson", "Package", "PackageError", "Quiz", "load_package", "package_hash"]
