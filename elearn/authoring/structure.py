"""A course's modules and lessons changed in a draft's files, and the settings saved.

The pure part takes course.yaml's text and returns the new text: it changes only what the
editor changed, through yamledit, so that a git diff of the course shows those lines and
nothing else; new lessons get a file per language. The wrappers at the end read the draft,
call it, and save through ``services.save``, which loads the whole package with the
validator of `elearn courses validate` before anything is written (PackageError), and
refuses a draft that is with a reviewer (DomainError).

Ids are proposed from titles and never change afterwards: a learner's credit follows a
lesson's id from one version to the next. The ruamel structures are changed in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from ruamel.yaml.comments import CommentedMap

from elearn.authoring import files, services, yamledit
from elearn.authoring.models import Draft
from elearn.authoring.structure_settings import Settings, settings_text
from elearn.authoring.structure_yaml import set_scalar, set_texts, slugify, unique_id
from elearn.content.loader import Package
from elearn.errors import DomainError

MANIFEST = files.MANIFEST


# Modules and lessons -------------------------------------------------------------------------


@dataclass
class NewLesson:
    id: str | None  # None: proposed from the title when it is saved
    titles: dict[str, str]
    objectives: dict[str, str]  # the first objective, per language
    duration: int
    required: bool = True


def _module(data, module_id: str) -> CommentedMap:
    for module in data["modules"]:
        if module["id"] == module_id:
            return module
    raise DomainError(_l("This module is no longer in the course."))


def _lesson(data, lesson_id: str) -> tuple[CommentedMap, int]:
    for module in data["modules"]:
        for index, lesson in enumerate(module["lessons"]):
            if lesson["id"] == lesson_id:
                return module, index
    raise DomainError(_l("This lesson is no longer in the course."))


def lesson_ids(manifest_text: str) -> set[str]:
    data = yamledit.load(manifest_text)
    return {str(lesson["id"]) for module in data["modules"] for lesson in module["lessons"]}


def module_ids(manifest_text: str) -> set[str]:
    return {str(module["id"]) for module in yamledit.load(manifest_text)["modules"]}


def _lesson_entry(lesson: NewLesson) -> CommentedMap:
    entry = {"id": lesson.id, "duration": lesson.duration}
    if not lesson.required:
        entry["required"] = False
    return yamledit.to_yaml(entry)


def new_lesson_files(lesson: NewLesson, languages: list[str]) -> dict[str, bytes]:
    """One file per language: the front matter with its title and first objective."""
    return {
        files.lesson_path(lesson.id, code): files.lesson_text(
            lesson.titles[code], [lesson.objectives[code]], ""
        ).encode("utf-8")
        for code in languages
    }


def add_module(text: str, module_id: str, titles: dict[str, str], first: NewLesson) -> str:
    """A module at the end of the course, holding its first lesson (a module is never empty)."""

    def change(data):
        module = {"id": module_id, "title": dict(titles), "lessons": []}
        entry = yamledit.to_yaml(module)
        entry["lessons"].append(_lesson_entry(first))
        data["modules"].append(entry)

    return yamledit.edit(text, change)


def rename_module(text: str, module_id: str, titles: dict[str, str]) -> str:
    return yamledit.edit(text, lambda data: set_texts(_module(data, module_id), "title", titles))


def move_module(text: str, module_id: str, step: int) -> str:
    """The module one place up (step -1) or down (+1)."""

    def change(data):
        modules = data["modules"]
        index = modules.index(_module(data, module_id))
        target = index + step
        if not 0 <= target < len(modules):
            raise DomainError(_l("The module cannot move further in that direction."))
        modules.insert(target, modules.pop(index))

    return yamledit.edit(text, change)


def delete_module(text: str, module_id: str) -> tuple[str, list[str]]:
    """course.yaml without the module; the ids of the lessons that went with it."""
    gone: list[str] = []

    def change(data):
        module = _module(data, module_id)
        gone.extend(str(lesson["id"]) for lesson in module["lessons"])
        data["modules"].remove(module)

    return yamledit.edit(text, change), gone


def add_lesson(text: str, module_id: str, lesson: NewLesson) -> str:
    return yamledit.edit(
        text, lambda data: _module(data, module_id)["lessons"].append(_lesson_entry(lesson))
    )


_LAST_LESSON = _l(
    "A module needs at least one lesson: add another lesson to it first, or delete the module."
)


def move_lesson(text: str, lesson_id: str, step: int) -> str:
    """The lesson one place up or down within its module."""

    def change(data):
        module, index = _lesson(data, lesson_id)
        target = index + step
        if not 0 <= target < len(module["lessons"]):
            raise DomainError(_l("The lesson cannot move further in that direction."))
        module["lessons"].insert(target, module["lessons"].pop(index))

    return yamledit.edit(text, change)


def move_lesson_to(text: str, lesson_id: str, module_id: str) -> str:
    """The lesson at the end of another module."""

    def change(data):
        module, index = _lesson(data, lesson_id)
        target = _module(data, module_id)
        if target is module:
            return
        if len(module["lessons"]) == 1:
            raise DomainError(_LAST_LESSON, field="module")
        target["lessons"].append(module["lessons"].pop(index))

    return yamledit.edit(text, change)


def set_lesson(text: str, lesson_id: str, duration: int, required: bool) -> str:
    def change(data):
        module, index = _lesson(data, lesson_id)
        entry = module["lessons"][index]
        set_scalar(entry, "duration", duration)
        set_scalar(entry, "required", required, default=True)

    return yamledit.edit(text, change)


def delete_lesson(text: str, lesson_id: str) -> str:
    def change(data):
        module, index = _lesson(data, lesson_id)
        if len(module["lessons"]) == 1:
            raise DomainError(_LAST_LESSON)
        del module["lessons"][index]

    return yamledit.edit(text, change)


def lesson_files_of(paths, lesson_ids: list[str]) -> list[str]:
    """The draft's files of those lessons, in every language there is one."""
    wanted = set(lesson_ids)
    return [p for p in paths if (parsed := files.parse_lesson_path(p)) and parsed[0] in wanted]


# Saving into a draft -------------------------------------------------------------------------


def save(draft: Draft, changes: dict[str, bytes | None], **options) -> Package:
    """Write ``changes`` into the draft through the validator (services.save)."""
    return services.save(draft, changes, **options)


def manifest_text(draft: Draft) -> str:
    return services.read_text(draft, MANIFEST)


def save_manifest(draft: Draft, text: str, *, by_id: int, base: str | None = None) -> Package:
    """Save a new course.yaml; ``base`` is its sha256 when the page was opened, if known.
    Raises PackageError, Conflict or DomainError (see services.save)."""
    return save(
        draft,
        {MANIFEST: text.encode("utf-8")},
        by_id=by_id,
        base={MANIFEST: base} if base else None,
    )


def change_manifest(draft: Draft, change, *, by_id: int) -> Package:
    """Save course.yaml as ``change`` (text -> text) makes it from the current one."""
    return save_manifest(draft, change(manifest_text(draft)), by_id=by_id)


def save_settings(draft: Draft, settings: Settings, *, by_id: int, base: str | None) -> Package:
    return save_manifest(
        draft, settings_text(manifest_text(draft), settings), by_id=by_id, base=base
    )


def create_module(
    draft: Draft, module_id: str | None, titles: dict[str, str], first: NewLesson, *, by_id: int
) -> Package:
    """A new module at the end of the course with its first lesson's files in every
    language. Ids left empty are proposed from the first language's titles."""
    text = manifest_text(draft)
    languages = services.load_draft(draft).languages
    module_id = choose_id(module_id, titles[languages[0]], module_ids(text), "module_id")
    first.id = choose_id(first.id, first.titles[languages[0]], taken_lesson_ids(draft), "lesson_id")
    changes: dict[str, bytes | None] = {
        MANIFEST: add_module(text, module_id, titles, first).encode("utf-8")
    }
    changes.update(new_lesson_files(first, languages))
    return save(draft, changes, by_id=by_id)


def create_lesson(draft: Draft, module_id: str, lesson: NewLesson, *, by_id: int) -> Package:
    """A new lesson at the end of the module, with a file in every language."""
    languages = services.load_draft(draft).languages
    lesson.id = choose_id(
        lesson.id, lesson.titles[languages[0]], taken_lesson_ids(draft), "lesson_id"
    )
    changes: dict[str, bytes | None] = {
        MANIFEST: add_lesson(manifest_text(draft), module_id, lesson).encode("utf-8")
    }
    changes.update(new_lesson_files(lesson, languages))
    return save(draft, changes, by_id=by_id)


def remove_module(draft: Draft, module_id: str, *, by_id: int) -> Package:
    """The module, its lessons and their files in every language. Its quiz stays in the
    course, taken at the end of it."""
    text, gone = delete_module(manifest_text(draft), module_id)
    changes: dict[str, bytes | None] = {MANIFEST: text.encode("utf-8")}
    changes.update({path: None for path in lesson_files_of(services.file_map(draft), gone)})
    return save(draft, changes, by_id=by_id)


def remove_lesson(draft: Draft, lesson_id: str, *, by_id: int) -> Package:
    text = delete_lesson(manifest_text(draft), lesson_id)
    changes: dict[str, bytes | None] = {MANIFEST: text.encode("utf-8")}
    changes.update({path: None for path in lesson_files_of(services.file_map(draft), [lesson_id])})
    return save(draft, changes, by_id=by_id)


def taken_lesson_ids(draft: Draft) -> set[str]:
    """Lesson ids in use: in course.yaml, and any lesson file's (a lesson file must belong to
    exactly one lesson)."""
    parsed = (files.parse_lesson_path(path) for path in services.file_map(draft))
    return lesson_ids(manifest_text(draft)) | {p[0] for p in parsed if p}


def choose_id(given: str | None, title: str, taken: set[str], field_name: str) -> str:
    """The id the author typed, or one proposed from the title. Raises DomainError (next
    to ``field_name``) for an id already in use."""
    if given:
        if given in taken:
            raise DomainError(
                _l("The id %(id)s is already used in this course: choose another.", id=given),
                field=field_name,
            )
        return given
    return unique_id(slugify(title), taken)
