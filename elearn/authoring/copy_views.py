"""Copying a platform course into one's organisation: the list of courses to copy, and the
copy form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.authoring import bp, copying
from elearn.authoring.models import CourseOrigin
from elearn.authoring.people_forms import CopyCourseForm
from elearn.content.problems import PackageError
from elearn.courses.models import Course
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.learning.services import newest_published
from elearn.organisations.models import Organisation

EDITORS = (Role.TRAINER, Role.ADMIN)


@bp.get("/manage/courses/platform")
@roles_required(*EDITORS)
def platform_courses():
    """The platform's own courses, which trainers copy into their organisation to adapt."""
    return render_template(
        "authoring/platform_courses.html",
        versions=copying.copyable_courses(),
        organisation_id=current_user.confirmed_organisation_id,
    )


def _copyable_or_404(course_id: int):
    """(platform course, its newest published version): anything else is not a course one
    can copy, for administrators too."""
    course = db.session.get(Course, course_id) or abort(404)
    version = newest_published(course) if copying.is_copyable(course) else None
    if version is None:
        abort(404)
    return course, version


@bp.route("/manage/courses/<int:course_id>/copy", methods=["GET", "POST"])
@roles_required(*EDITORS)
def copy_course(course_id: int):
    course, version = _copyable_or_404(course_id)
    organisation = db.session.get(Organisation, current_user.confirmed_organisation_id or 0)
    form = CopyCourseForm()
    problems = []
    if organisation is None:
        form.form_errors.append(
            _("To copy a course, your account must be a confirmed member of an organisation.")
        )
    elif form.is_submitted() and form.validate():
        try:
            draft = copying.copy_course(
                course,
                organisation_id=organisation.id,
                slug=form.slug.data,
                titles=form.titles(version.languages),
                by_id=current_user.id,
            )
        except PackageError as error:
            db.session.rollback()
            problems = error.problems
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The course was copied. This is the draft of its first version."), "success")
            return redirect(url_for("authoring.draft", draft_id=draft.id))
    elif not form.is_submitted():
        form.slug.data = copying.proposed_slug(course, organisation)
        for language in version.languages:
            getattr(form, f"title_{language}").data = version.title.get(language, "")
    status = 400 if form.is_submitted() else 200
    return render_template(
        "authoring/copy.html", course=course, version=version, form=form, problems=problems
    ), status


@bp.app_template_global()
def course_origin(course_id: int) -> CourseOrigin | None:
    """Where a course copied in the browser came from (one query), for the draft and version
    pages."""
    return copying.origin_of(course_id)
