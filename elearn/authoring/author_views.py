"""A course's co-authors: the list, adding one by email, removing one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.authoring import authors, bp, lookup, rights
from elearn.authoring.people_forms import AddAuthorForm, RemoveAuthorForm
from elearn.errors import DomainError
from elearn.extensions import db

EDITORS = (Role.TRAINER, Role.ADMIN)


def _render(course, form, status: int = 200):
    return render_template(
        "authoring/authors.html",
        course=course,
        authors=authors.authors_of(course),
        form=form,
        remove_form=RemoveAuthorForm(),
    ), status


@bp.get("/manage/courses/<int:course_id>/authors", endpoint="authors")
@roles_required(*EDITORS)
def authors_page(course_id: int):
    course = lookup.course_for_editing(course_id)
    return _render(course, AddAuthorForm())


@bp.post("/manage/courses/<int:course_id>/authors")
@roles_required(*EDITORS)
def add_author(course_id: int):
    course = lookup.course_for_editing(course_id)
    form = AddAuthorForm()
    if form.validate_on_submit():
        try:
            added = authors.add_author(course, form.email.data, by=current_user)
        except DomainError as error:
            db.session.rollback()
            form.email.errors = [*form.email.errors, error.message]
        else:
            db.session.commit()
            for person in added:
                flash(_("%(name)s is now a co-author.", name=person.full_name), "success")
            return redirect(url_for("authoring.authors", course_id=course.id))
    return _render(course, form, 400)


@bp.post("/manage/courses/<int:course_id>/authors/<int:user_id>/remove")
@roles_required(*EDITORS)
def remove_author(course_id: int, user_id: int):
    course = lookup.course_for_editing(course_id)
    if not RemoveAuthorForm().validate_on_submit():
        flash(_("The form had expired; please try again."), "error")
        return redirect(url_for("authoring.authors", course_id=course.id))
    try:
        reopened = authors.remove_author(course, user_id, by_id=current_user.id)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("authoring.authors", course_id=course.id))
    db.session.commit()
    if reopened:
        flash(
            _("The course has no co-authors now: every trainer of its organisation may edit it."),
            "success",
        )
    else:
        flash(_("The co-author was removed."), "success")
    if not rights.can_edit(current_user, course):  # they removed themselves
        return redirect(url_for("courses.manage_list"))
    return redirect(url_for("authoring.authors", course_id=course.id))


@bp.app_template_global()
def course_authors(course) -> list:
    """(CourseAuthor, User) pairs of the course, for the draft page (one query)."""
    return authors.authors_of(course)


@bp.app_template_global()
def may_edit_course(course) -> bool:
    """Whether the reader edits this course (for the links on the courses list)."""
    return rights.can_edit(current_user, course)
