"""Questions: the rules a schema cannot express, and GIFT files merged across languages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pydantic import ValidationError

from elearn.content.checks import check_languages, check_plain_text, report_validation
from elearn.content.gift import parse_gift
from elearn.content.problems import N_, Collector
from elearn.content.schema import Manifest, QuizFile, QuizSettings
from elearn.content.yamlfile import line_of

MANIFEST = "course.yaml"


@dataclass
class Quiz:
    settings: QuizSettings
    module_id: str | None
    questions: list[dict]  # each question as JSON-ready data, every text by language
    question_hashes: dict[str, str]


_LANGUAGE_FIELDS = {
    "prompt",
    "feedback",
    "text",
    "left",
    "right",
    "consequence",
    "feedback_correct",
    "feedback_incorrect",
}


def question_hash(question: dict) -> str:
    """A question's content hash. The lesson it names is left out: pointing a question at a
    lesson changes nothing a learner answers, so a pass made before still counts."""
    content = {key: value for key, value in question.items() if key != "lesson"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def merge_languages(per_language: dict, problems: Collector) -> list[dict] | None:
    """GIFT files, one per language, become one list of multilingual questions.

    The files must hold the same questions (by ::name::), of the same types, with the same
    answers in the same order; only the words differ.
    """
    languages = list(per_language)
    first_path, first = per_language[languages[0]]
    result = []
    for question in first:
        merged = _language_keyed(question.data, languages[0])
        for language in languages[1:]:
            path, others = per_language[language]
            other = next((q for q in others if q.data["id"] == question.data["id"]), None)
            if other is None:
                problems.add(
                    N_("The question '%(id)s' of %(first)s is missing from this file."),
                    path,
                    None,
                    id=question.data["id"],
                    first=first_path,
                )
                return None
            if not _same_shape(question.data, other.data):
                problems.add(
                    N_(
                        "The question '%(id)s' differs from %(first)s in its type or "
                        "answers, not only in words."
                    ),
                    path,
                    other.line,
                    id=question.data["id"],
                    first=first_path,
                )
                return None
            _add_language(merged, other.data, language)
        result.append(merged)
    return result


def _language_keyed(value, language: str, key: str | None = None):
    if isinstance(value, dict):
        return {k: _language_keyed(v, language, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "accepted":
            return {language: value}
        return [_language_keyed(v, language) for v in value]
    if key in _LANGUAGE_FIELDS and isinstance(value, str):
        return {language: value}
    return value


def _add_language(merged, other, language: str, key: str | None = None) -> None:
    if isinstance(merged, dict) and isinstance(other, dict):
        for k, v in other.items():
            if k in _LANGUAGE_FIELDS and isinstance(v, str):
                merged.setdefault(k, {})[language] = v
            elif k == "accepted":
                merged[k][language] = v
            elif k in merged:
                _add_language(merged[k], v, language, k)
    elif isinstance(merged, list) and isinstance(other, list):
        for m, o in zip(merged, other, strict=False):
            _add_language(m, o, language, key)


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in _LANGUAGE_FIELDS | {"accepted"}}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def _same_shape(first: dict, other: dict) -> bool:
    return _shape(first) == _shape(other)


def check_question(question, path: str, line: int | None, problems: Collector) -> None:
    """Rules a schema cannot express: one right answer in a single choice, a scenario that
    ends, ids that are unique, answers that exist."""
    kind = question.type
    if kind in ("single", "multiple"):
        ids = [option.id for option in question.options]
        if len(set(ids)) != len(ids):
            problems.add(
                N_("The question '%(id)s' has two options with the same id."),
                path,
                line,
                id=question.id,
            )
        right = [option for option in question.options if option.correct]
        if kind == "single" and len(right) != 1:
            problems.add(
                N_(
                    "The single-choice question '%(id)s' must have exactly one correct "
                    "option; it has %(count)d."
                ),
                path,
                line,
                id=question.id,
                count=len(right),
            )
        if kind == "multiple" and not right:
            problems.add(
                N_("The multiple-choice question '%(id)s' has no correct option."),
                path,
                line,
                id=question.id,
            )
    elif kind == "matching":
        for language in question.pairs[0].right:
            rights = [pair.right[language] for pair in question.pairs]
            if len(set(rights)) != len(rights):
                problems.add(
                    N_("The matching question '%(id)s' has the same answer twice in %(language)s."),
                    path,
                    line,
                    id=question.id,
                    language=language,
                )
    elif kind == "numeric":
        if not any(answer.credit == 1 for answer in question.answers):
            problems.add(
                N_("The numeric question '%(id)s' has no answer with full credit."),
                path,
                line,
                id=question.id,
            )
    elif kind == "scenario":
        _check_scenario(question, path, line, problems)


def _check_scenario(question, path: str, line: int | None, problems: Collector) -> None:
    steps = {step.id: step for step in question.steps}
    if len(steps) != len(question.steps):
        problems.add(
            N_("The scenario '%(id)s' has two steps with the same id."), path, line, id=question.id
        )
    if question.start not in steps:
        problems.add(
            N_("The scenario '%(id)s' starts at '%(step)s', which is not one of its steps."),
            path,
            line,
            id=question.id,
            step=question.start,
        )
        return
    for step in question.steps:
        for choice in step.choices:
            if choice.next is not None and choice.next not in steps:
                problems.add(
                    N_(
                        "In the scenario '%(id)s', a choice leads to '%(step)s', which is "
                        "not one of its steps."
                    ),
                    path,
                    line,
                    id=question.id,
                    step=choice.next,
                )
                return
    # Every path must end, and every step must be reachable from the start.
    visiting, done, reached = set(), set(), set()

    def visit(step_id: str) -> bool:
        if step_id in visiting:
            return False
        if step_id in done:
            return True
        visiting.add(step_id)
        reached.add(step_id)
        ok = all(visit(c.next) for c in steps[step_id].choices if c.next is not None)
        visiting.discard(step_id)
        done.add(step_id)
        return ok

    if not visit(question.start):
        problems.add(
            N_("The scenario '%(id)s' goes round in a circle: every path must end."),
            path,
            line,
            id=question.id,
        )
    for step_id in steps:
        if step_id not in reached:
            problems.add(
                N_("The scenario step '%(step)s' of '%(id)s' cannot be reached from the start."),
                path,
                line,
                id=question.id,
                step=step_id,
            )


class QuizLoading:
    """The quiz part of the package loader: YAML quizzes, and GIFT merged across languages."""

    def quizzes(self, manifest: Manifest, lines: dict) -> list[Quiz]:
        placed = {module.quiz: module.id for module in manifest.modules if module.quiz}
        self.lesson_ids = {lesson.id for module in manifest.modules for lesson in module.lessons}
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
            hashes = {q["id"]: question_hash(q) for q in questions}
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
            self._check_lesson(question, path, lines, index)
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

    def _check_lesson(self, question, path: str, lines: dict, index: int) -> None:
        """A question names the lesson that teaches it (a result page links there): an unknown
        lesson is an error, a missing one a warning."""
        if question.lesson is None:
            self.problems.add_warning(
                N_(
                    "The question '%(id)s' names no lesson: add lesson: <lesson id> so that a "
                    "learner who misses it is sent to the lesson that teaches it."
                ),
                path,
                line_of(lines, ("questions", index)),
                id=question.id,
            )
        elif question.lesson not in self.lesson_ids:
            self.problems.add(
                N_(
                    "The question '%(id)s' names the lesson '%(lesson)s', which is not in the "
                    "course."
                ),
                path,
                line_of(lines, ("questions", index, "lesson")),
                id=question.id,
                lesson=question.lesson,
            )

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
