"""Quizzes in the editor: questions from forms into the quiz's YAML, settings into
course.yaml, GIFT files edited as text, and GIFT pasted into a YAML quiz.

A quiz is either one YAML file for every language or one GIFT file per language. The YAML is
changed through :func:`elearn.authoring.yamledit.edit`, one question at a time, so that saving
a question changes that question's lines and nothing else. A question keeps its id when it is
edited: learners keep their credit for a question whose id and content did not change.

Services flush and never commit; every write goes through ``services.save`` (the package
loader checks the whole draft first).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearn.authoring import files as package_files
from elearn.authoring import services, yamledit
from elearn.authoring.models import Draft
from elearn.authoring.quiz_data import propose_id, question_hash, tidy_number
from elearn.content.gift import parse_gift
from elearn.content.problems import Collector
from elearn.content.questions import merge_languages
from elearn.content.schema import QuizSettings
from elearn.errors import DomainError

# Values a row may leave out, by the list the row is in: an author's explicit default is
# kept when a form (which leaves defaults out) saves the row unchanged.
_ROW_DEFAULTS = {
    "options": {"correct": False},
    "answers": {"tolerance": 0, "credit": 1},
    "accepted": {"credit": 1},
    "choices": {"credit": 0},
}
SETTINGS_FIELDS = (
    "pass_mark",
    "attempts",
    "time_limit",
    "wait_minutes",
    "draw",
    "show_answers",
    "duration",
    "required",
    "after_lessons",
)
SETTINGS_DEFAULTS = {
    "pass_mark": 80,
    "attempts": 3,
    "wait_minutes": 0,
    "show_answers": "when_final",
    "duration": 15,
    "required": True,
    "after_lessons": False,
}


# Reading ------------------------------------------------------------------------------------


def find_quiz(package, quiz_id: str) -> QuizSettings | None:
    return next((quiz for quiz in package.manifest.quizzes if quiz.id == quiz_id), None)


def is_yaml(settings: QuizSettings) -> bool:
    return isinstance(settings.file, str)


def yaml_questions(draft: Draft, settings: QuizSettings) -> list[dict]:
    """The quiz file's questions as its author wrote them (plain data, defaults left out)."""
    text = services.read_text(draft, settings.file) or ""
    return yamledit.plain(yamledit.load(text) or {}).get("questions") or []


# Writing YAML quizzes -------------------------------------------------------------------------


def merge(old, new, defaults=None):
    """Change round-trip data ``old`` in place into ``new``, touching only what differs
    (so unchanged keys keep their quoting, flow style and comments). Returns the value to
    store: ``old`` itself when it could be changed in place."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [key for key in old if key not in new]:
            if (defaults or {}).get(key, object()) != yamledit.plain(old[key]):
                del old[key]
        for key, value in new.items():
            if key in old:
                old[key] = merge(old[key], value, _ROW_DEFAULTS.get(key))
            else:
                old[key] = yamledit.to_yaml(value)
        return old
    if isinstance(old, list) and isinstance(new, list):
        return _merge_list(old, new, defaults)
    if yamledit.plain(old) == new and isinstance(old, bool) == isinstance(new, bool):
        return old
    return yamledit.to_yaml(new)


def _merge_list(old, new, defaults):
    """Rows matched by id (else by position), so a removed or moved row changes only its
    own lines."""

    def key(row, index):
        return row.get("id") if isinstance(row, dict) and row.get("id") else index

    by_key = {key(yamledit.plain(row), index): row for index, row in enumerate(old)}
    rows = []
    for index, value in enumerate(new):
        previous = by_key.get(key(value, index))
        rows.append(
            yamledit.to_yaml(value) if previous is None else merge(previous, value, defaults)
        )
    if len(rows) == len(old) and all(a is b for a, b in zip(rows, old, strict=True)):
        return old
    # Rows that stay in place keep their objects (and comments); the list changes as a whole.
    for index in range(len(old) - 1, -1, -1):
        if index >= len(rows) or old[index] is not rows[index]:
            del old[index]
    for index, row in enumerate(rows):
        if index >= len(old) or old[index] is not row:
            old.insert(index, row)
    return old


def _edit_quiz_file(draft: Draft, settings: QuizSettings, change, *, by_id: int | None):
    text = services.read_text(draft, settings.file)
    if text is None:
        raise DomainError(_l("The quiz's file is missing from the draft."))
    new_text = yamledit.edit(text, change)
    return services.save(draft, {settings.file: new_text.encode("utf-8")}, by_id=by_id)


def _index_of(data, question_id: str) -> int:
    for index, question in enumerate(data["questions"]):
        if question.get("id") == question_id:
            return index
    raise DomainError(_l("This question is no longer in the quiz; someone may have deleted it."))


def save_question(
    draft: Draft,
    settings: QuizSettings,
    question: dict,
    *,
    by_id: int | None,
    replaces: str | None = None,
    seen_hash: str | None = None,
):
    """Write ``question`` into the YAML quiz: in place of the question ``replaces`` (its
    lines only), or at the end. ``seen_hash`` is the question's hash when the editor opened
    it; if it changed since, DomainError (someone else saved it) and nothing is written.
    Raises PackageError when the draft would not load."""
    if replaces is not None and seen_hash:
        current = next(
            (q for q in yaml_questions(draft, settings) if q.get("id") == replaces), None
        )
        if current is not None and question_hash(current) != seen_hash:
            raise DomainError(
                _l(
                    "Someone else saved this question since you opened it. Your text is "
                    "kept below; open the question again to see theirs."
                )
            )

    def change(data):
        if replaces is None:
            data["questions"].append(yamledit.to_yaml(question))
            return
        index = _index_of(data, replaces)
        data["questions"][index] = merge(data["questions"][index], question)

    return _edit_quiz_file(draft, settings, change, by_id=by_id)


def delete_question(draft: Draft, settings: QuizSettings, question_id: str, *, by_id):
    def change(data):
        if len(data["questions"]) == 1:
            raise DomainError(_l("A quiz needs at least one question: this is its last."))
        del data["questions"][_index_of(data, question_id)]

    return _edit_quiz_file(draft, settings, change, by_id=by_id)


def move_question(draft: Draft, settings: QuizSettings, question_id: str, offset: int, *, by_id):
    """Move a question one place up (-1) or down (+1); at either end nothing changes."""

    def change(data):
        questions = data["questions"]
        index = _index_of(data, question_id)
        target = index + offset
        if 0 <= target < len(questions):
            questions.insert(target, questions.pop(index))

    return _edit_quiz_file(draft, settings, change, by_id=by_id)


def append_questions(draft: Draft, settings: QuizSettings, questions: list[dict], *, by_id):
    def change(data):
        for question in questions:
            data["questions"].append(yamledit.to_yaml(question))

    return _edit_quiz_file(draft, settings, change, by_id=by_id)


# Settings and new quizzes ---------------------------------------------------------------------


def save_settings(draft: Draft, quiz_id: str, values: dict, *, by_id: int | None):
    """Write a quiz's settings (title per language, pass mark, attempts...) into its entry
    in course.yaml; a value left empty (None) is removed, a default left out."""
    text = services.read_text(draft, package_files.MANIFEST)

    def change(data):
        entry = next((q for q in data.get("quizzes") or () if q.get("id") == quiz_id), None)
        if entry is None:
            raise DomainError(_l("This quiz is no longer in the course."))
        wanted = {key: value for key, value in yamledit.plain(entry).items()}
        for key, value in values.items():
            if value is None or (key not in entry and SETTINGS_DEFAULTS.get(key) == value):
                wanted.pop(key, None)
            else:
                wanted[key] = value
        merge(entry, wanted)

    new_text = yamledit.edit(text, change)
    return services.save(draft, {package_files.MANIFEST: new_text.encode("utf-8")}, by_id=by_id)


def add_quiz(
    draft: Draft,
    quiz_id: str,
    titles: dict,
    first_question: dict,
    *,
    module_id: str | None,
    by_id: int | None,
):
    """A new YAML quiz, quizzes/<id>.yaml holding ``first_question``, at the end of
    ``module_id`` (which must have no quiz yet) or as a quiz of the whole course."""
    path = f"quizzes/{quiz_id}.yaml"
    if services.read_file(draft, path) is not None:
        raise DomainError(_l("A file %(path)s already exists.", path=path), field="quiz_id")
    text = services.read_text(draft, package_files.MANIFEST)

    def change(data):
        quizzes = data.setdefault("quizzes", yamledit.to_yaml([]))
        if any(q.get("id") == quiz_id for q in quizzes):
            raise DomainError(_l("This course already has a quiz with that id."), field="quiz_id")
        quizzes.append(yamledit.to_yaml({"id": quiz_id, "title": titles, "file": path}))
        if module_id:
            module = next((m for m in data["modules"] if m.get("id") == module_id), None)
            if module is None or module.get("quiz"):
                raise DomainError(_l("Choose a module that has no quiz yet."), field="place")
            module["quiz"] = quiz_id

    new_text = yamledit.edit(text, change)
    quiz_text = yamledit.dump({"questions": [first_question]})
    changes = {package_files.MANIFEST: new_text.encode("utf-8"), path: quiz_text.encode("utf-8")}
    return services.save(draft, changes, by_id=by_id, base={path: None})


# GIFT -----------------------------------------------------------------------------------------


def gift_texts(draft: Draft, settings: QuizSettings) -> dict[str, str]:
    return {lang: services.read_text(draft, path) or "" for lang, path in settings.file.items()}


def gift_base(draft: Draft, settings: QuizSettings) -> dict[str, str | None]:
    rows = services.file_map(draft)
    return {path: rows[path].sha256 if path in rows else None for path in settings.file.values()}


def save_gift(draft: Draft, settings: QuizSettings, texts: dict, *, by_id, base=None):
    """Write the GIFT file of each language given; the loader merges them across languages
    and refuses (PackageError, with file and line) what does not parse or match."""
    changes = {
        settings.file[lang]: _gift_text(text).encode("utf-8")
        for lang, text in texts.items()
        if lang in settings.file
    }
    return services.save(draft, changes, by_id=by_id, base=base)


def _gift_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


LANGUAGE_NAMES = {"ro": _l("Romanian"), "en": _l("English"), "hu": _l("Hungarian")}
_WORDS = {"prompt", "feedback", "text", "left", "right", "feedback_correct", "feedback_incorrect"}


class GiftMismatch(Exception):
    """Pasted GIFT texts that cannot be one quiz: ``messages`` say what differs, naming the
    language and the question's number."""

    def __init__(self, messages: list) -> None:
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = messages


def _answers_of(question: dict) -> list:
    for key in ("options", "pairs", "answers"):
        if key in question:
            return question[key]
    return []


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in _WORDS | {"accepted", "id"}}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def convert_gift(texts: dict[str, str], languages, taken=()) -> tuple[list[dict], list]:
    """Questions pasted as GIFT, one text per language holding the same questions in the
    same order, as multilingual questions in the package's shape; and the notes
    (language, Problem) for what GIFT has that our types do not.

    Raises GiftMismatch when a language is missing or the texts do not hold the same
    questions (number, types, number of answers, right answers).
    """
    parsed, notes, errors = {}, [], []
    for lang in languages:
        text = (texts.get(lang) or "").strip()
        name = LANGUAGE_NAMES[lang]
        if not text:
            errors.append(_l("Paste the questions in %(language)s too.", language=name))
            continue
        questions, found = parse_gift(text, lang)
        notes.extend((lang, note) for note in found)
        if not questions:
            errors.append(
                _l("No question in the %(language)s text could be imported.", language=name)
            )
        parsed[lang] = questions
    if errors:
        raise GiftMismatch(errors)
    first = languages[0]
    for lang in languages[1:]:
        errors.extend(_differences(parsed[first], parsed[lang], first, lang))
    if errors:
        raise GiftMismatch(errors)
    return _merged(parsed, languages, set(taken)), notes


def _differences(firsts, others, first: str, lang: str) -> list:
    names = {"language": LANGUAGE_NAMES[lang], "first": LANGUAGE_NAMES[first]}
    if len(firsts) != len(others):
        return [
            _l(
                "The %(language)s text has %(count)d questions that can be imported, the "
                "%(first)s text %(first_count)d: paste the same questions in each language.",
                count=len(others),
                first_count=len(firsts),
                **names,
            )
        ]
    errors = []
    for number, (one, other) in enumerate(zip(firsts, others, strict=True), start=1):
        where = {"number": number, "line": other.line, **names}
        if one.data["type"] != other.data["type"]:
            errors.append(
                _l(
                    "Question %(number)d (line %(line)d of the %(language)s text) is of "
                    "another type than in %(first)s.",
                    **where,
                )
            )
        elif len(_answers_of(one.data)) != len(_answers_of(other.data)):
            errors.append(
                _l(
                    "Question %(number)d (line %(line)d of the %(language)s text) has "
                    "%(count)d answers; in %(first)s it has %(first_count)d.",
                    count=len(_answers_of(other.data)),
                    first_count=len(_answers_of(one.data)),
                    **where,
                )
            )
        elif _shape(one.data) != _shape(other.data):
            errors.append(
                _l(
                    "Question %(number)d (line %(line)d of the %(language)s text) has "
                    "other right answers or credits than in %(first)s.",
                    **where,
                )
            )
    return errors


def _merged(parsed: dict, languages, taken: set) -> list[dict]:
    first = languages[0]
    ids = []
    for question in parsed[first]:
        question_id = propose_id(question.data["id"], taken)
        taken.add(question_id)
        ids.append(question_id)
    per_language = {}
    for lang in languages:
        aligned = [type(q)(q.line, {**q.data, "id": ids[i]}) for i, q in enumerate(parsed[lang])]
        per_language[lang] = (lang, aligned)
    merged = merge_languages(per_language, Collector())
    # As the package's own files list a question: its id and type first.
    return [{"id": q["id"], "type": q["type"], **_tidy(q)} for q in merged or ()]


def _tidy(value, key=None):
    """Pasted questions as an author writes them: defaults left out, 1.0 as 1."""
    if isinstance(value, dict):
        if key == "accepted":
            return {lang: _tidy(rows, "accepted") for lang, rows in value.items()}
        defaults = _ROW_DEFAULTS.get(key, {})
        return {k: _tidy(v, k) for k, v in value.items() if not _is_default(defaults, k, v)}
    if isinstance(value, list):
        return [_tidy(v, key) for v in value]
    if isinstance(value, float):
        return tidy_number(value)
    return value


def _is_default(defaults: dict, key: str, value) -> bool:
    if key not in defaults:
        return False
    default = defaults[key]
    return default == value and isinstance(default, bool) == isinstance(value, bool)
