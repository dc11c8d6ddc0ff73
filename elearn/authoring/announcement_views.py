"""Announcements: the authors' page to post and hide them, and the learner's choice to get
them by email."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required, signed_in
from elearn.accounts.models import Role
from elearn.authoring import announcements as service
from elearn.authoring import bp, lookup
from elearn.authoring.people_forms import (
    AnnouncementEmailsForm,
    AnnouncementForm,
    HideAnnouncementForm,
)
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import options, show_domain_error
from elearn.i18n import LANGUAGES, current_language
from elearn.learning.services import newest_published

EDITORS = (Role.TRAINER, Role.ADMIN)


def _form(course) -> AnnouncementForm:
    form = AnnouncementForm()
    version = newest_published(course)
    languages = version.languages if version else list(LANGUAGES)
    form.language.choices = options((code, LANGUAGES[code]) for code in languages)
    if not form.is_submitted():
        form.language.data = current_language() if current_language() in languages else None
    return form


@bp.route(
    "/manage/courses/<int:course_id>/announcements",
    methods=["GET", "POST"],
    endpoint="announcements",
)
@roles_required(*EDITORS)
def announcements_page(course_id: int):
    course = lookup.course_for_editing(course_id)
    form = _form(course)
    if form.validate_on_submit():
        try:
            service.post(course, form.body.data, language=form.language.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The announcement was posted."), "success")
            return redirect(url_for("authoring.announcements", course_id=course.id))
    return render_template(
        "authoring/announcements.html",
        course=course,
        form=form,
        announcements=service.for_course(course),
        hide_form=HideAnnouncementForm(formdata=None),
    ), (400 if form.is_submitted() else 200)


@bp.post("/manage/courses/<int:course_id>/announcements/<int:announcement_id>/hide")
@roles_required(*EDITORS)
def hide_announcement(course_id: int, announcement_id: int):
    course = lookup.course_for_editing(course_id)
    form = HideAnnouncementForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; please try again."), "error")
    else:
        try:
            hidden = service.set_hidden(course, announcement_id, form.hidden.data == "1")
        except DomainError:
            abort(404)
        db.session.commit()
        if hidden.hidden:
            flash(_("The announcement is hidden from learners."), "success")
        else:
            flash(_("The announcement is shown to learners again."), "success")
    return redirect(url_for("authoring.announcements", course_id=course.id))


@bp.post("/courses/<slug>/announcement-emails")
@signed_in
def announcement_emails(slug: str):
    """A learner enrolled in the course asks for its announcements by email, or stops."""
    course, enrolment = service.enrolment_on(current_user.id, slug)
    if course is None:
        abort(404)
    form = AnnouncementEmailsForm()
    if enrolment is None:
        flash(_("Enrol in the course to receive its announcements."), "info")
    elif not form.validate_on_submit():
        flash(_("The form had expired; please try again."), "error")
    else:
        wanted = form.wanted.data == "1"
        service.set_emails(enrolment, wanted)
        db.session.commit()
        if wanted:
            flash(_("You will receive this course's announcements by email."), "success")
        else:
            flash(_("You will no longer receive this course's announcements by email."), "success")
    return redirect(url_for("learning.course", slug=slug) + "#announcements")


@bp.app_template_global()
def course_announcements(course_id: int):
    """The announcements the course page shows: the latest few not hidden (one query)."""
    return service.latest_visible(course_id)
