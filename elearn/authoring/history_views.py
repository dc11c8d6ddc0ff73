"""A course's version history: every version, who published and reviewed it, the changes
between any two, and rollback (an earlier version's content published again)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from elearn.access import roles_required
from elearn.accounts.models import Role, User
from elearn.authoring import bp, history, rights, services
from elearn.authoring.review_forms import CompareForm, RollbackForm
from elearn.courses.models import Course, CourseVersion
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import options, show_domain_error
from elearn.learning.versions import learner_counts

EDITORS = (Role.TRAINER, Role.ADMIN)


def course_for_reading(course_id: int) -> Course:
    """The course, for its editors and its reviewers (404 if none, 403 for anyone else)."""
    course = db.session.get(Course, course_id) or abort(404)
    if not (
        rights.can_edit(current_user, course) or rights.may_review_course(current_user, course)
    ):
        abort(403)
    return course


def _compare_form(course: Course, formdata=None) -> CompareForm:
    form = CompareForm(formdata=formdata)
    choices = options([(v.id, v.label) for v in reversed(course.versions)])
    form.older.choices = choices
    form.newer.choices = choices
    if formdata is None and len(course.versions) > 1:
        form.older.data, form.newer.data = course.versions[-2].id, course.versions[-1].id
    return form


def _rollback_form(course: Course) -> RollbackForm:
    form = RollbackForm()
    form.version_id.choices = options(
        [(0, _("Choose a version"))]
        + [(v.id, v.label) for v in reversed(history.rollback_choices(course))]
    )
    return form


@bp.get("/manage/courses/<int:course_id>/history", endpoint="history")
@roles_required(*EDITORS)
def history_page(course_id: int):
    """Every version of the course, the changes between two, and rollback."""
    return _render(course_for_reading(course_id))


def _render(course: Course, status: int = 200, **forms):
    forms.setdefault("compare_form", _compare_form(course))
    forms.setdefault("rollback_form", _rollback_form(course))
    versions = list(reversed(course.versions))
    ids = {v.published_by_id for v in versions} | {
        r.reviewer_id for v in versions for r in v.reviews
    }
    ids.discard(None)
    names = {
        user.id: user.full_name
        for user in db.session.scalars(select(User).where(User.id.in_(ids)))
        if user.erased_at is None
    }
    return render_template(
        "authoring/history.html",
        course=course,
        versions=versions,
        names=names,
        counts=learner_counts(),
        draft=services.open_draft(course),
        may_roll_back=rights.may_review_course(current_user, course),
        next_label=history.rollback_label(course) if course.versions else None,
        **forms,
    ), status


@bp.get("/manage/courses/<int:course_id>/compare")
@roles_required(*EDITORS)
def compare_versions(course_id: int):
    """The changes between two versions of the course (?from=&to=), as on the review page."""
    course = course_for_reading(course_id)
    form = _compare_form(course, formdata=request.args)
    if not form.validate():
        return _render(course, 400, compare_form=form)
    older = db.session.get(CourseVersion, form.older.data)
    newer = db.session.get(CourseVersion, form.newer.data)
    try:
        diff = history.version_diff(older, newer)
    except DomainError as error:
        form.form_errors.append(error.message)
        return _render(course, 400, compare_form=form)
    return render_template(
        "authoring/compare.html",
        course=course,
        older=older,
        newer=newer,
        diff=diff,
        compare_form=form,
    )


@bp.post("/manage/courses/<int:course_id>/rollback")
@roles_required(*EDITORS)
def rollback(course_id: int):
    """Publish an earlier version's content as a new version (reviewers and administrators)."""
    course = course_for_reading(course_id)
    form = _rollback_form(course)
    if not form.validate_on_submit():
        return _render(course, 400, rollback_form=form)
    source = db.session.get(CourseVersion, form.version_id.data) if form.version_id.data else None
    if source is None:
        form.version_id.errors = [_("Choose a version.")]
        return _render(course, 400, rollback_form=form)
    try:
        version = history.rollback(course, source, by=current_user)
    except DomainError as error:
        db.session.rollback()
        if error.field is None:
            flash(str(error.message), "error")
            return redirect(url_for("authoring.history", course_id=course_id))
        show_domain_error(form, error)
        return _render(course, 400, rollback_form=form)
    db.session.commit()
    flash(
        _(
            "The content of version %(source)s is published again as version %(label)s.",
            source=source.label,
            label=version.label,
        ),
        "success",
    )
    return redirect(url_for("authoring.history", course_id=course_id))
