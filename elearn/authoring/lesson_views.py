"""The lesson editor: every language of a lesson side by side, preview, autosave.

Without JavaScript the page is one form: Save writes the changed languages, Preview renders
one language as learners would see it. editor.js adds a live preview and autosave through
the two POST endpoints below, which take the same form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.authoring import bp, lessons, lookup, rights, services
from elearn.authoring.lesson_forms import lesson_form
from elearn.authoring.views import EDITORS, TRANSLATION_STATE_LABELS
from elearn.content.contacts import load_directory
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import LANGUAGES, current_language


@dataclass
class Outcome:
    """What a submitted form came to, for the page, the preview and autosave to show."""

    kind: str  # saved, invalid, conflict, problems, refused
    written: list[str] = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # lessons.FieldProblem without a field
    message: str = ""


def _open(draft_id: int, lesson_id: str, *, editing: bool):
    draft = (lookup.draft_for_editing if editing else lookup.draft_for_reading)(draft_id)
    package = services.load_draft(draft)
    sides = lessons.lesson_sides(draft, package, lesson_id)
    if sides is None:
        abort(404)
    return draft, package, sides


@bp.route("/manage/drafts/<int:draft_id>/lessons/<lesson_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_lesson(draft_id: int, lesson_id: str):
    """The lesson in every language, side by side; Save or Preview."""
    draft, package, sides = _open(draft_id, lesson_id, editing=request.method == "POST")
    if request.method == "GET":
        return _page(draft, lesson_id, sides, lesson_form(package.languages, data=_initial(sides)))
    form = lesson_form(package.languages)
    if form.validate_on_submit() and form.preview.data in package.languages:
        return _preview_page(draft, lesson_id, sides, form)
    outcome = _submit(draft, lesson_id, form)
    if outcome.kind != "saved":
        status = 409 if outcome.kind == "conflict" else 400
        return _page(draft, lesson_id, sides, form, outcome, status=status)
    db.session.commit()
    _flash_saved(draft, lesson_id, outcome.written, form.synced())
    return redirect(url_for("authoring.edit_lesson", draft_id=draft.id, lesson_id=lesson_id))


@bp.post("/manage/drafts/<int:draft_id>/lessons/<lesson_id>/preview")
@roles_required(*EDITORS)
def preview_lesson(draft_id: int, lesson_id: str):
    """One language rendered from what is typed, as an HTML fragment (the live preview)."""
    draft, package, _sides = _open(draft_id, lesson_id, editing=True)
    form = lesson_form(package.languages)
    language = form.preview.data if form.preview.data in package.languages else None
    if not form.validate_on_submit() or language is None:
        problems = [error for field in form for error in field.errors]
        return render_template("authoring/_lesson_preview.html", problems=problems), 400
    text, problems = _render_preview(draft, lesson_id, language, form)
    return render_template(
        "authoring/_lesson_preview.html", text=text, language=language, problems=problems
    ), (400 if problems else 200)


@bp.post("/manage/drafts/<int:draft_id>/lessons/<lesson_id>/autosave")
@roles_required(*EDITORS)
def autosave_lesson(draft_id: int, lesson_id: str):
    """Save the form as Save does, answering JSON for editor.js's status line."""
    draft, package, _sides = _open(draft_id, lesson_id, editing=True)
    form = lesson_form(package.languages)
    outcome = _submit(draft, lesson_id, form)
    if outcome.kind != "saved":
        status = 409 if outcome.kind == "conflict" else 400
        return jsonify(
            status=outcome.kind, message=_("Not saved: %(why)s", why=outcome.message)
        ), status
    db.session.commit()
    sides = lessons.lesson_sides(draft, services.load_draft(draft), lesson_id)
    return jsonify(
        status="saved",
        message=_("Saved at %(time)s", time=format_time(utcnow(), "short")),
        written=outcome.written,
        bases={side.language: side.sha for side in sides},
        states={
            side.language: {"state": side.state, "label": str(TRANSLATION_STATE_LABELS[side.state])}
            for side in sides
        },
    )


# Helpers ------------------------------------------------------------------------------------


def _submit(draft, lesson_id: str, form) -> Outcome:
    """Validate and save the form; the one place the three views change anything."""
    if not form.validate_on_submit():
        messages = [error for field in form for error in field.errors]
        return Outcome("invalid", message=" ".join(map(str, messages)))
    try:
        _package, written = lessons.save_lesson(
            draft, lesson_id, form.typed(), synced=form.synced(), by_id=current_user.id
        )
    except lessons.LessonConflict as error:
        db.session.rollback()
        names = ", ".join(LANGUAGES.get(c.language, c.language) for c in error.conflicts)
        message = _(
            "someone else saved %(languages)s since you opened the page. Press Save to see "
            "both texts and choose which to keep.",
            languages=names,
        )
        return Outcome("conflict", conflicts=error.conflicts, message=message)
    except lessons.LessonProblems as error:
        db.session.rollback()
        return Outcome("problems", problems=_attach(form, error.problems), message=str(error))
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return Outcome("refused", message=str(error.message))
    return Outcome("saved", written=written)


def _attach(form, problems) -> list:
    """Put each problem next to its field; return those that belong to no field."""
    loose = []
    for problem in problems:
        if problem.field and problem.language in form.languages:
            target = form.column(problem.language, problem.field)
            target.errors = [*target.errors, problem.text]
        else:
            loose.append(problem)
    return loose


def _render_preview(draft, lesson_id: str, language: str, form):
    typed = form.typed()[language]
    try:
        return lessons.preview(draft, lesson_id, language, typed), []
    except lessons.LessonProblems as error:
        return None, [problem.text for problem in error.problems]


def _preview_page(draft, lesson_id, sides, form):
    language = form.preview.data
    text, problems = _render_preview(draft, lesson_id, language, form)
    previews = {language: {"text": text, "problems": problems}}
    return _page(draft, lesson_id, sides, form, previews=previews, status=400 if problems else 200)


def _initial(sides) -> dict:
    data = {}
    for side in sides:
        data[f"title_{side.language}"] = side.title
        data[f"objectives_{side.language}"] = "\n".join(side.objectives)
        data[f"body_{side.language}"] = side.body
        data[f"base_{side.language}"] = side.sha
    return data


def _page(draft, lesson_id, sides, form, outcome=None, *, previews=None, status=200):
    notice = None
    try:
        services.check_editable(draft)
    except DomainError as error:
        notice = error.message
    conflicts = {c.language: c for c in (outcome.conflicts if outcome else [])}
    for language, conflict in conflicts.items():
        form.column(language, "theirs").data = conflict.sha
        form.column(language, "keep").data = None  # the author chooses again, seeing the text
    source = sides[0]
    return render_template(
        "authoring/lesson.html",
        draft=draft,
        lesson_id=lesson_id,
        lesson_title=source.title or lesson_id,
        sides=sides,
        form=form,
        may_edit=rights.can_edit(current_user, draft.course) and notice is None,
        notice=notice,
        conflicts=conflicts,
        loose_problems=outcome.problems if outcome else [],
        previews=previews or {},
        contacts=_contacts(),
    ), status


def _contacts() -> list[tuple[str, str]]:
    """(key, name) of every help number, named in the reader's language."""
    directory, _hash = load_directory()
    language = current_language()
    return [
        (key, contact.name.get(language) or contact.name.get("en") or key)
        for key, contact in directory.contacts.items()
    ]


def _flash_saved(draft, lesson_id: str, written: list[str], synced: list[str]) -> None:
    confirmed = [code for code in synced if code not in written]
    if confirmed:
        names = ", ".join(LANGUAGES.get(code, code) for code in confirmed)
        flash(_("Marked as up to date: %(languages)s.", languages=names), "success")
    if not written:
        if not confirmed:
            flash(_("Everything is saved: there was nothing new to save."), "success")
        return
    names = ", ".join(LANGUAGES.get(code, code) for code in written)
    flash(_("Saved: %(languages)s.", languages=names), "success")
    package = services.load_draft(draft)
    states = lessons.states_after(draft, package, lesson_id)
    if package.languages[0] in written:
        stale = [code for code, state in states.items() if state == "out_of_date"]
        if stale:
            flash(
                _(
                    "The source text changed, so these translations are now marked out of "
                    "date: %(languages)s. Update them, or confirm they are still accurate.",
                    languages=", ".join(LANGUAGES.get(code, code) for code in stale),
                ),
                "warning",
            )
