"""Administrators declare learning paths: list, create, change (texts, who it is for, the
courses in order) and delete. Every change is a POST form: no script is needed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.paths import bp, services
from elearn.paths.forms import AddCourseForm, NewPathForm, PathForm, StepForm
from elearn.paths.models import LearningPath
from elearn.text import fold


def _path_or_404(path_id: int) -> LearningPath:
    return services.path_by_id(path_id) or abort(404)


def _course_choices(path: LearningPath | None = None) -> list[tuple[int, str]]:
    """Published courses by title in the reader's language, those in ``path`` left out."""
    language = current_language()
    inside = {step.course_id for step in path.steps} if path else set()
    pairs = [
        (course_id, version.text("title", language))
        for course_id, version in services.newest_versions(published_only=True).items()
        if course_id not in inside
    ]
    return sorted(pairs, key=lambda pair: fold(pair[1]))


def _edit_page(path: LearningPath, *, form=None, add_form=None):
    if form is None:
        form = PathForm(formdata=None)
        form.fill(path)
    return render_template(
        "paths/edit.html",
        path=path,
        form=form,
        add_form=add_form or AddCourseForm(formdata=None, courses=_course_choices(path)),
        versions=services.newest_versions(),
    )


def _back(path_id: int):
    return redirect(url_for("paths.edit", path_id=path_id, _anchor="courses"))


@bp.get("/")
@roles_required(Role.ADMIN)
def manage_list():
    return render_template(
        "paths/manage_list.html", paths=services.all_paths(), versions=services.newest_versions()
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = NewPathForm(courses=_course_choices())
    if form.validate_on_submit():
        try:
            path = services.create_path(
                title=form.texts("title"),
                summary=form.texts("summary"),
                profession=form.profession.data,
                course_ids=[form.course_id.data],
                by_id=current_user.id,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The path has been created. Add its next courses below."), "success")
            return _back(path.id)
    return render_template("paths/edit.html", form=form, path=None)


@bp.route("/<int:path_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(path_id: int):
    path = _path_or_404(path_id)
    if request.method == "GET":
        return _edit_page(path)
    form = PathForm()
    if form.validate_on_submit():
        try:
            services.update_path(
                path,
                title=form.texts("title"),
                summary=form.texts("summary"),
                profession=form.profession.data,
                by_id=current_user.id,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("paths.edit", path_id=path.id))
    return _edit_page(path, form=form)


@bp.post("/<int:path_id>/courses")
@roles_required(Role.ADMIN)
def add_course(path_id: int):
    path = _path_or_404(path_id)
    form = AddCourseForm(courses=_course_choices(path))
    if form.validate_on_submit():
        try:
            services.add_course(path, form.course_id.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The course has been added at the end of the path."), "success")
            return _back(path.id)
    return _edit_page(path, add_form=form)


@bp.post("/<int:path_id>/courses/remove")
@roles_required(Role.ADMIN)
def remove_course(path_id: int):
    path = _path_or_404(path_id)
    form = StepForm()
    if not form.validate_on_submit():
        flash(_("Choose a course of the path."), "error")
        return _back(path.id)
    return _change_step(
        path,
        services.remove_course,
        form.course_id.data,
        _("The course has been taken out of the path."),
    )


@bp.post("/<int:path_id>/courses/move")
@roles_required(Role.ADMIN)
def move_course(path_id: int):
    path = _path_or_404(path_id)
    form = StepForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        flash(_("Choose a course of the path and whether to move it up or down."), "error")
        return _back(path.id)
    direction = form.direction.data
    return _change_step(
        path,
        lambda path, course_id, by_id: services.move_course(
            path, course_id, direction, by_id=by_id
        ),
        form.course_id.data,
        _("The new order has been saved."),
    )


def _change_step(path: LearningPath, change, course_id: int, done: str):
    """Run one change of the path's courses, commit it, and return to the list of courses."""
    try:
        change(path, course_id, by_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _back(path.id)


@bp.post("/<int:path_id>/delete")
@roles_required(Role.ADMIN)
def delete(path_id: int):
    path = _path_or_404(path_id)
    title = path.text("title", current_language())
    try:
        services.delete_path(path, by_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("paths.edit", path_id=path_id))
    db.session.commit()
    flash(_("The path %(title)s has been deleted.", title=title), "success")
    return redirect(url_for("paths.manage_list"))
