"""The editor's course settings page, and its modules and lessons page.

Each action is a small POST form that works without JavaScript. A refused action shows the
page again (400) with what was typed and the reason next to the field; the package
validator's problems, when it refuses the result, are listed in the reader's language.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.authoring import bp, lookup, rights, services, structure
from elearn.authoring.structure_forms import (
    DeleteForm,
    LessonSettingsForm,
    MoveForm,
    lesson_form_class,
    texts,
    titles_form_class,
)
from elearn.authoring.views import EDITORS
from elearn.content.problems import PackageError
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import options, show_domain_error
from elearn.i18n import current_language


def editable(draft) -> bool:
    """May the signed-in person change the draft now (not with a reviewer, not closed)?"""
    if not rights.can_edit(current_user, draft.course):
        return False
    try:
        services.check_editable(draft)
    except DomainError:
        return False
    return True


def attempt(form, action) -> list | None:
    """Run one save and commit it; None when it went through. Otherwise nothing is kept and
    the answer is the validator's problems (a refusal by a rule goes next to its field)."""
    try:
        action()
    except PackageError as error:
        db.session.rollback()
        return error.problems
    except services.Conflict:
        db.session.rollback()
        form.form_errors.append(
            _(
                "Someone else saved this course's settings since you opened the page. Your "
                "changes are below: check the current settings and save again."
            )
        )
        return []
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return []
    db.session.commit()
    return None


def local_text(values: dict, languages) -> str:
    """A translated text in the reader's language, else in the course's first."""
    return values.get(current_language()) or values.get(languages[0]) or ""


# Modules and lessons -------------------------------------------------------------------------


def _render(draft, status: int = 200, problems=(), failed: tuple[str, object] | None = None):
    """The structure page; ``failed`` is (prefix, form) of a refused action, shown with
    what was typed in place of the blank form of that prefix."""
    package = services.load_draft(draft)
    languages = tuple(package.languages)
    may_change = editable(draft)

    def form(prefix: str, make):
        if failed and failed[0] == prefix:
            return failed[1]
        return make(prefix)

    modules = []
    choices = [(m.id, local_text(m.title, languages)) for m in package.manifest.modules]
    for module in package.manifest.modules:
        lessons = [lesson for lesson in package.lessons if lesson.module_id == module.id]
        refs = {ref.id: ref for ref in module.lessons}
        entry = {"module": module, "title": local_text(module.title, languages), "lessons": []}
        if may_change:
            entry["titles"] = form(
                f"titles-{module.id}",
                lambda p, m=module: titles_form_class(languages)(
                    formdata=None, prefix=p, data={f"title_{c}": m.title.get(c) for c in languages}
                ),
            )
            entry["move"] = form(f"move-{module.id}", lambda p: MoveForm(formdata=None, prefix=p))
            entry["delete"] = form(
                f"delete-{module.id}", lambda p: DeleteForm(formdata=None, prefix=p)
            )
            entry["add"] = form(
                f"lesson-{module.id}",
                lambda p: lesson_form_class(languages)(formdata=None, prefix=p),
            )
        for lesson in lessons:
            ref = refs[lesson.id]
            row = {
                "lesson": lesson,
                "ref": ref,
                "title": local_text({c: t.title for c, t in lesson.texts.items()}, languages),
            }
            if may_change:
                row["settings"] = form(
                    f"settings-{lesson.id}",
                    lambda p, r=ref: LessonSettingsForm(
                        formdata=None,
                        prefix=p,
                        data={"duration": r.duration, "required": r.required},
                    ),
                )
                row["move"] = form(f"moveto-{lesson.id}", lambda p: _move_form(p, choices))
                row["delete"] = form(
                    f"delete-lesson-{lesson.id}", lambda p: DeleteForm(formdata=None, prefix=p)
                )
            entry["lessons"].append(row)
        modules.append(entry)
    new_module = None
    if may_change:
        new_module = form(
            "new-module", lambda p: lesson_form_class(languages, True)(formdata=None, prefix=p)
        )
    return render_template(
        "authoring/structure.html",
        draft=draft,
        package=package,
        modules=modules,
        new_module=new_module,
        editable=may_change,
        failed=failed[1] if failed else None,
        problems=list(problems),
    ), status


def _move_form(prefix: str, choices, *, posted: bool = False) -> MoveForm:
    form = MoveForm(prefix=prefix) if posted else MoveForm(formdata=None, prefix=prefix)
    form.module.choices = options(choices)
    return form


@bp.get("/manage/drafts/<int:draft_id>/structure")
@roles_required(*EDITORS)
def edit_structure(draft_id: int):
    """The course's modules and their lessons, in order, with what can be done to each."""
    return _render(lookup.draft_for_reading(draft_id))


def _act(draft, prefix: str, form, action, done: str, anchor: str):
    """Validate ``form``; run ``action`` (a save); redirect to the page, or show it again."""
    problems = []
    if form.validate_on_submit():
        problems = attempt(form, action)
        if problems is None:
            flash(done, "success")
            return redirect(url_for("authoring.edit_structure", draft_id=draft.id, _anchor=anchor))
    return _render(draft, 400, problems, failed=(prefix, form))


def _package_for(draft_id: int):
    draft = lookup.draft_for_editing(draft_id)
    return draft, services.load_draft(draft)


def _module_of(package, module_id: str):
    return next((m for m in package.manifest.modules if m.id == module_id), None) or abort(404)


def _lesson_of(package, lesson_id: str):
    return next((x for x in package.lessons if x.id == lesson_id), None) or abort(404)


def _new_lesson(form, languages) -> structure.NewLesson:
    return structure.NewLesson(
        id=form.lesson_id.data or None,
        titles=texts(form, "lesson_title", languages),
        objectives=texts(form, "objective", languages),
        duration=form.duration.data,
        required=bool(form.required.data),
    )


@bp.post("/manage/drafts/<int:draft_id>/structure/modules")
@roles_required(*EDITORS)
def add_module(draft_id: int):
    """A new module, with its first lesson (a module is never empty)."""
    draft, package = _package_for(draft_id)
    languages = package.languages
    form = lesson_form_class(tuple(languages), True)(prefix="new-module")

    def action():
        titles = texts(form, "title", languages)
        lesson = _new_lesson(form, languages)
        structure.create_module(
            draft, form.module_id.data or None, titles, lesson, by_id=current_user.id
        )

    return _act(draft, "new-module", form, action, _("The module was added."), "modules-end")


def _manifest_action(draft, change):
    """An action that rewrites course.yaml with ``change`` (text -> text), run after the
    form has been validated."""
    return lambda: structure.change_manifest(draft, change, by_id=current_user.id)


@bp.post("/manage/drafts/<int:draft_id>/structure/modules/<module_id>/titles")
@roles_required(*EDITORS)
def rename_module(draft_id: int, module_id: str):
    draft, package = _package_for(draft_id)
    _module_of(package, module_id)
    prefix = f"titles-{module_id}"
    form = titles_form_class(tuple(package.languages))(prefix=prefix)

    def change(text: str) -> str:
        return structure.rename_module(text, module_id, texts(form, "title", package.languages))

    done = _("The module's titles were saved.")
    return _act(draft, prefix, form, _manifest_action(draft, change), done, f"module-{module_id}")


@bp.post("/manage/drafts/<int:draft_id>/structure/modules/<module_id>/move")
@roles_required(*EDITORS)
def move_module(draft_id: int, module_id: str):
    draft, package = _package_for(draft_id)
    _module_of(package, module_id)
    prefix = f"move-{module_id}"
    form = MoveForm(prefix=prefix)

    def change(text: str) -> str:
        return structure.move_module(text, module_id, -1 if form.direction.data == "up" else 1)

    done = _("The module was moved.")
    return _act(draft, prefix, form, _manifest_action(draft, change), done, f"module-{module_id}")


@bp.post("/manage/drafts/<int:draft_id>/structure/modules/<module_id>/delete")
@roles_required(*EDITORS)
def delete_module(draft_id: int, module_id: str):
    """The module and its lessons in every language (the box must be ticked)."""
    draft, package = _package_for(draft_id)
    _module_of(package, module_id)
    prefix = f"delete-{module_id}"

    def action():
        structure.remove_module(draft, module_id, by_id=current_user.id)

    done = _("The module and its lessons were deleted.")
    return _act(draft, prefix, DeleteForm(prefix=prefix), action, done, "modules")


@bp.post("/manage/drafts/<int:draft_id>/structure/modules/<module_id>/lessons")
@roles_required(*EDITORS)
def add_lesson(draft_id: int, module_id: str):
    draft, package = _package_for(draft_id)
    _module_of(package, module_id)
    prefix = f"lesson-{module_id}"
    form = lesson_form_class(tuple(package.languages))(prefix=prefix)

    def action():
        lesson = _new_lesson(form, package.languages)
        structure.create_lesson(draft, module_id, lesson, by_id=current_user.id)

    done = _("The lesson was added.")
    return _act(draft, prefix, form, action, done, f"module-{module_id}")


@bp.post("/manage/drafts/<int:draft_id>/structure/lessons/<lesson_id>/move")
@roles_required(*EDITORS)
def move_lesson(draft_id: int, lesson_id: str):
    """Up or down within its module, or to the end of another module."""
    draft, package = _package_for(draft_id)
    _lesson_of(package, lesson_id)
    prefix = f"moveto-{lesson_id}"
    modules = [(m.id, m.id) for m in package.manifest.modules]
    form = _move_form(prefix, modules, posted=True)

    def change(text: str) -> str:
        if form.direction.data == "module":
            return structure.move_lesson_to(text, lesson_id, form.module.data)
        return structure.move_lesson(text, lesson_id, -1 if form.direction.data == "up" else 1)

    done = _("The lesson was moved.")
    return _act(draft, prefix, form, _manifest_action(draft, change), done, f"lesson-{lesson_id}")


@bp.post("/manage/drafts/<int:draft_id>/structure/lessons/<lesson_id>/settings")
@roles_required(*EDITORS)
def lesson_settings(draft_id: int, lesson_id: str):
    """A lesson's duration and whether completion needs it."""
    draft, package = _package_for(draft_id)
    _lesson_of(package, lesson_id)
    prefix = f"settings-{lesson_id}"
    form = LessonSettingsForm(prefix=prefix)

    def change(text: str) -> str:
        return structure.set_lesson(text, lesson_id, form.duration.data, bool(form.required.data))

    done = _("The lesson's settings were saved.")
    return _act(draft, prefix, form, _manifest_action(draft, change), done, f"lesson-{lesson_id}")


@bp.post("/manage/drafts/<int:draft_id>/structure/lessons/<lesson_id>/delete")
@roles_required(*EDITORS)
def delete_lesson(draft_id: int, lesson_id: str):
    """The lesson's files in every language and its place in course.yaml."""
    draft, package = _package_for(draft_id)
    lesson = _lesson_of(package, lesson_id)
    prefix = f"delete-lesson-{lesson_id}"

    def action():
        structure.remove_lesson(draft, lesson_id, by_id=current_user.id)

    done = _("The lesson was deleted.")
    return _act(
        draft, prefix, DeleteForm(prefix=prefix), action, done, f"module-{lesson.module_id}"
    )
