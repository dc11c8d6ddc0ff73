"""The quiz editor's pages: a quiz's settings and questions, one question's editor, a GIFT
quiz's files, GIFT pasted into a YAML quiz, and a new quiz."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.authoring import bp, lookup, quizzes, rights, services
from elearn.authoring.quiz_data import form_data, question_from_form
from elearn.authoring.quiz_forms import (
    GiftForm,
    NewQuizForm,
    QuestionActionForm,
    QuestionForm,
    QuizSettingsForm,
    check_titles,
)
from elearn.content.problems import PackageError
from elearn.content.schema import QUESTION_TYPES
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.i18n import current_language

EDITORS = (Role.TRAINER, Role.ADMIN)
QUIZ = "/manage/drafts/<int:draft_id>/quizzes/<quiz_id>"


def _saved(form, work) -> tuple[object | None, list]:
    """Run one save and commit it: (the saved package, []) if it went through; else (None,
    the loader's problems), a refusal shown on the form, and nothing written."""
    try:
        package = work()
    except PackageError as error:
        db.session.rollback()
        return None, error.problems
    except services.Conflict:
        db.session.rollback()
        form.form_errors.append(
            _(
                "Someone else saved these files since you opened them. Your text is kept "
                "below; open the quiz again to see theirs."
            )
        )
        return None, []
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None, []
    db.session.commit()
    return package, []


def _quiz(draft, quiz_id: str):
    """(package, the quiz's settings) or 404."""
    package = services.load_draft(draft)
    settings = quizzes.find_quiz(package, quiz_id)
    if settings is None:
        abort(404)
    return package, settings


def _settings_form(settings, count: int, formdata=None) -> QuizSettingsForm:
    data = settings.model_dump(exclude={"id", "title", "file"})
    data.update({f"title_{lang}": text for lang, text in settings.title.items()})
    form = QuizSettingsForm(data=data) if formdata is None else QuizSettingsForm()
    form.question_count = count
    form.draw.description = _(
        "A pool: each attempt asks this many questions, drawn at random. At most the number "
        "of questions in the quiz (%(num)d); empty asks them all.",
        num=count,
    )
    return form


def _render_quiz(draft, package, settings, status=200, problems=(), **forms):
    loaded = next(q for q in package.quizzes if q.settings.id == settings.id)
    if quizzes.is_yaml(settings):
        questions = quizzes.yaml_questions(draft, settings)
    else:
        questions = loaded.questions
        if "gift_form" not in forms:
            texts = quizzes.gift_texts(draft, settings)
            data = {f"gift_{lang}": text for lang, text in texts.items()}
            data["base"] = ",".join(
                sha or "" for sha in quizzes.gift_base(draft, settings).values()
            )
            forms["gift_form"] = GiftForm(data=data)
    forms.setdefault("settings_form", _settings_form(settings, len(questions)))
    return render_template(
        "authoring/quiz.html",
        draft=draft,
        package=package,
        quiz=settings,
        questions=questions,
        module_id=loaded.module_id,
        may_edit=rights.can_edit(current_user, draft.course),
        action_form=QuestionActionForm(),
        problems=list(problems),
        **forms,
    ), status


@bp.get(QUIZ)
@roles_required(*EDITORS)
def edit_quiz(draft_id: int, quiz_id: str):
    """A quiz's settings and questions (or, for a GIFT quiz, its files)."""
    draft = lookup.draft_for_reading(draft_id)
    package, settings = _quiz(draft, quiz_id)
    return _render_quiz(draft, package, settings)


@bp.post(f"{QUIZ}/settings")
@roles_required(*EDITORS)
def edit_quiz_settings(draft_id: int, quiz_id: str):
    draft = lookup.draft_for_editing(draft_id)
    package, settings = _quiz(draft, quiz_id)
    count = len(next(q for q in package.quizzes if q.settings.id == quiz_id).questions)
    form = _settings_form(settings, count, formdata=True)
    problems = []
    valid = form.validate_on_submit()
    if check_titles(form, package.languages) and valid:
        values = {name: form[name].data for name in quizzes.SETTINGS_FIELDS}
        values["title"] = {lang: form[f"title_{lang}"].data for lang in package.languages}
        saved, problems = _saved(
            form, lambda: quizzes.save_settings(draft, quiz_id, values, by_id=current_user.id)
        )
        if saved is not None:
            flash(_("The quiz's settings were saved."), "success")
            return redirect(url_for("authoring.edit_quiz", draft_id=draft.id, quiz_id=quiz_id))
    package, settings = _quiz(draft, quiz_id)
    return _render_quiz(draft, package, settings, 400, problems, settings_form=form)


def _question_page(draft, package, settings, form, *, question_id=None, status=200, problems=()):
    return render_template(
        "authoring/question.html",
        draft=draft,
        package=package,
        quiz=settings,
        form=form,
        kind=form.kind,
        question_id=question_id,
        problems=list(problems),
    ), status


def _save_question(draft, package, settings, form, question_id: str | None):
    """Save a submitted question form; the response (redirect, or the form again)."""
    if form.add_row():
        form.setup(form.kind, form.languages)
        return _question_page(draft, package, settings, form, question_id=question_id)
    problems = []
    if form.validate_on_submit():
        taken = {q.get("id") for q in quizzes.yaml_questions(draft, settings)}
        question = question_from_form(
            form.kind, form.data, package.languages, question_id=question_id, taken=taken
        )
        saved, problems = _saved(
            form,
            lambda: quizzes.save_question(
                draft,
                settings,
                question,
                by_id=current_user.id,
                replaces=question_id,
                seen_hash=form.base_hash.data,
            ),
        )
        if saved is not None:
            flash(_("The question was saved."), "success")
            return redirect(url_for("authoring.edit_quiz", draft_id=draft.id, quiz_id=settings.id))
    return _question_page(
        draft, package, settings, form, question_id=question_id, status=400, problems=problems
    )


def _yaml_quiz(draft, quiz_id):
    package, settings = _quiz(draft, quiz_id)
    if not quizzes.is_yaml(settings):
        abort(404)  # GIFT quizzes are edited as text on the quiz's page
    return package, settings


@bp.route(f"{QUIZ}/questions/<question_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_question(draft_id: int, quiz_id: str, question_id: str):
    """One question of a YAML quiz, every language side by side; it keeps its id."""
    if request.method == "GET":
        draft = lookup.draft_for_reading(draft_id)
    else:
        draft = lookup.draft_for_editing(draft_id)
    package, settings = _yaml_quiz(draft, quiz_id)
    question = next(
        (q for q in quizzes.yaml_questions(draft, settings) if q.get("id") == question_id), None
    )
    if question is None:
        abort(404)
    if request.method == "GET":
        form = QuestionForm(data=form_data(question, package.languages))
        form.setup(question["type"], package.languages, _lessons(package))
        return _question_page(draft, package, settings, form, question_id=question_id)
    form = QuestionForm().setup(question["type"], package.languages, _lessons(package))
    return _save_question(draft, package, settings, form, question_id)


@bp.route(f"{QUIZ}/new-question", methods=["GET", "POST"])
@roles_required(*EDITORS)
def add_question(draft_id: int, quiz_id: str):
    """A new question at the end of a YAML quiz: first its type, then its editor."""
    if request.method == "GET":
        draft = lookup.draft_for_reading(draft_id)
    else:
        draft = lookup.draft_for_editing(draft_id)
    package, settings = _yaml_quiz(draft, quiz_id)
    kind = request.args.get("type")
    if kind not in QUESTION_TYPES:
        status = 400 if request.method == "POST" or kind else 200
        return render_template(
            "authoring/question.html",
            draft=draft,
            package=package,
            quiz=settings,
            form=None,
            kind=None,
            types=QUESTION_TYPES,
        ), status
    if request.method == "GET":
        form = QuestionForm(data=_new_question_data(kind))
        form.setup(kind, package.languages, _lessons(package))
        return _question_page(draft, package, settings, form)
    form = QuestionForm().setup(kind, package.languages, _lessons(package))
    return _save_question(draft, package, settings, form, None)


def _lessons(package) -> list[tuple[str, str]]:
    """The course's lessons, (id, title in its first language), for a question's lesson."""
    first = package.languages[0]
    return [
        (lesson.id, lesson.texts[first].title if first in lesson.texts else lesson.id)
        for lesson in package.lessons
    ]


def _new_question_data(kind: str) -> dict:
    """Empty rows to fill in, as many as the type needs at least."""
    if kind in ("single", "multiple"):
        return {"options": [{}, {}, {}]}
    if kind == "matching":
        return {"pairs": [{}, {}, {}]}
    if kind == "ordering":
        return {"items": [{"position": str(n)} for n in (1, 2, 3)]}
    if kind == "short_text":
        return {f"accepted_{lang}": [{"credit": "1"}] for lang in ("ro", "en", "hu")}
    if kind == "numeric":
        return {"answers": [{"tolerance": "0", "credit": "1"}]}
    if kind == "scenario":
        return {"start": "step-1", "steps": [{"id": "step-1", "choices": [{}, {}]}]}
    return {"answer": "true"}


@bp.post(f"{QUIZ}/questions/<question_id>/move")
@roles_required(*EDITORS)
def move_question(draft_id: int, quiz_id: str, question_id: str):
    draft = lookup.draft_for_editing(draft_id)
    _package, settings = _yaml_quiz(draft, quiz_id)
    form = QuestionActionForm()
    if form.validate_on_submit() and (form.up.data or form.down.data):
        _act(
            lambda: quizzes.move_question(
                draft, settings, question_id, -1 if form.up.data else 1, by_id=current_user.id
            ),
            _("The question was moved."),
        )
    return redirect(url_for("authoring.edit_quiz", draft_id=draft.id, quiz_id=quiz_id))


@bp.post(f"{QUIZ}/questions/<question_id>/delete")
@roles_required(*EDITORS)
def delete_question(draft_id: int, quiz_id: str, question_id: str):
    draft = lookup.draft_for_editing(draft_id)
    _package, settings = _yaml_quiz(draft, quiz_id)
    form = QuestionActionForm()
    if form.validate_on_submit() and form.delete.data:
        _act(
            lambda: quizzes.delete_question(draft, settings, question_id, by_id=current_user.id),
            _("The question was deleted."),
        )
    return redirect(url_for("authoring.edit_quiz", draft_id=draft.id, quiz_id=quiz_id))


def _act(work, done: str) -> None:
    """Run a change from a button; commit it, or show why it was refused."""
    try:
        work()
    except PackageError as error:
        db.session.rollback()
        for problem in error.problems[:5]:
            flash(problem.text(_), "error")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done, "success")


@bp.post(f"{QUIZ}/gift")
@roles_required(*EDITORS)
def edit_quiz_gift(draft_id: int, quiz_id: str):
    """Save the GIFT files of a GIFT quiz, edited as text."""
    draft = lookup.draft_for_editing(draft_id)
    package, settings = _quiz(draft, quiz_id)
    if quizzes.is_yaml(settings):
        abort(404)
    form = GiftForm()
    problems = []
    if form.validate_on_submit():
        texts = {lang: form[f"gift_{lang}"].data or "" for lang in settings.file}
        shas = (form.base.data or "").split(",")
        base = dict(zip(settings.file.values(), shas, strict=False)) if form.base.data else None
        saved, problems = _saved(
            form,
            lambda: quizzes.save_gift(draft, settings, texts, by_id=current_user.id, base=base),
        )
        if saved is not None:
            for note in saved.warnings:
                if note.file in settings.file.values():
                    flash(f"{note.location()}: {note.text(_)}", "warning")
            flash(_("The GIFT files were saved."), "success")
            return redirect(url_for("authoring.edit_quiz", draft_id=draft.id, quiz_id=quiz_id))
    return _render_quiz(draft, package, settings, 400, problems, gift_form=form)


@bp.route(f"{QUIZ}/paste-gift", methods=["GET", "POST"])
@roles_required(*EDITORS)
def paste_gift(draft_id: int, quiz_id: str):
    """Questions pasted as GIFT (one text per language) added to the end of a YAML quiz."""
    if request.method == "GET":
        draft = lookup.draft_for_reading(draft_id)
    else:
        draft = lookup.draft_for_editing(draft_id)
    package, settings = _yaml_quiz(draft, quiz_id)
    form = GiftForm()
    problems, notes = [], []
    if request.method == "POST" and form.validate_on_submit():
        texts = {lang: form[f"gift_{lang}"].data or "" for lang in package.languages}
        taken = {q.get("id") for q in quizzes.yaml_questions(draft, settings)}
        try:
            questions, notes = quizzes.convert_gift(texts, package.languages, taken)
        except quizzes.GiftMismatch as error:
            form.form_errors.extend(error.messages)
        else:
            saved, problems = _saved(
                form,
                lambda: quizzes.append_questions(draft, settings, questions, by_id=current_user.id),
            )
            if saved is not None:
                for lang, note in notes:
                    flash(_gift_note(lang, note), "warning")
                flash(_("%(num)d questions were added to the quiz.", num=len(questions)), "success")
                return redirect(url_for("authoring.edit_quiz", draft_id=draft.id, quiz_id=quiz_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "authoring/gift.html",
        draft=draft,
        package=package,
        quiz=settings,
        form=form,
        problems=problems,
        notes=[_gift_note(lang, note) for lang, note in notes],
    ), status


def _gift_note(lang: str, note) -> str:
    return _(
        "%(language)s, line %(line)s: %(note)s",
        language=quizzes.LANGUAGE_NAMES[lang],
        line=note.line or "?",
        note=note.text(_),
    )


@bp.route("/manage/drafts/<int:draft_id>/new-quiz", methods=["GET", "POST"])
@roles_required(*EDITORS)
def add_quiz(draft_id: int):
    """A new YAML quiz with a first question to edit, at the end of a module or for the
    whole course."""
    if request.method == "GET":
        draft = lookup.draft_for_reading(draft_id)
    else:
        draft = lookup.draft_for_editing(draft_id)
    package = services.load_draft(draft)
    form = NewQuizForm()
    form.place.choices = [("", _("a quiz of the whole course (a final quiz)"))] + [
        (module.id, _("at the end of the module %(title)s", title=_title(module.title, package)))
        for module in package.manifest.modules
        if not module.quiz
    ]
    problems = []
    if request.method == "POST":
        valid = form.validate_on_submit()
        if check_titles(form, package.languages) and valid:
            titles = {lang: form[f"title_{lang}"].data for lang in package.languages}
            saved, problems = _saved(
                form,
                lambda: quizzes.add_quiz(
                    draft,
                    form.quiz_id.data,
                    titles,
                    _first_question(package.languages),
                    module_id=form.place.data or None,
                    by_id=current_user.id,
                ),
            )
            if saved is not None:
                flash(_("The quiz was added. Write its first question."), "success")
                return redirect(
                    url_for(
                        "authoring.edit_question",
                        draft_id=draft.id,
                        quiz_id=form.quiz_id.data,
                        question_id="first-question",
                    )
                )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "authoring/quiz_new.html", draft=draft, package=package, form=form, problems=problems
    ), status


def _title(title: dict, package) -> str:
    return title.get(current_language()) or title[package.languages[0]]


def _first_question(languages) -> dict:
    """A placeholder the author replaces: a true-or-false statement in every language."""
    prompt = {}
    for lang in languages:
        with force_locale(lang):
            prompt[lang] = _("Replace this statement with the quiz's first question.")
    return {"id": "first-question", "type": "true_false", "prompt": prompt, "answer": True}


@bp.app_template_global()
def quiz_language_name(code: str) -> str:
    """A course language's name in the reader's language (a template global, so that the
    editor's imported macros see it)."""
    return str(quizzes.LANGUAGE_NAMES.get(code, code))
