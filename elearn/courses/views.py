"""Trainers upload packages and preview drafts; administrators publish, withdraw and transfer;
everyone can fetch a course's media."""

from __future__ import annotations

import tempfile

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wsgi import wrap_file

from elearn.access import public, roles_required
from elearn.accounts.models import Role, RoleAssignment, User
from elearn.content.loader import load_package
from elearn.content.problems import N_, PackageError
from elearn.content.source import read_zip
from elearn.courses import media as media_files
from elearn.courses import services
from elearn.courses.forms import (
    PublishForm,
    TransferForm,
    UploadForm,
    WithdrawForm,
    review_date_field,
    reviewer_field,
)
from elearn.courses.lesson_text import lesson_text
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import options, show_domain_error
from elearn.i18n import LANGUAGES, current_language, locale_for
from elearn.learning.models import Enrolment
from elearn.learning.versions import learner_counts
from elearn.organisations.services import organisation_choices
from elearn.quizzes import allowances
from elearn.quizzes.forms import TrainerAllowanceForm, allowance_form
from elearn.reference import PROFESSIONS

bp = Blueprint("courses", __name__)

MANAGERS = (Role.TRAINER, Role.ADMIN)


def can_manage(user, course: Course) -> bool:
    """Administrators manage every course; a trainer, those of their confirmed organisation."""
    if user.has_role(Role.ADMIN):
        return True
    owner = course.owner_organisation_id
    return (
        user.has_role(Role.TRAINER)
        and owner is not None
        and owner == user.confirmed_organisation_id
    )


def _version_or_404(version_id: int) -> CourseVersion:
    version = db.session.get(CourseVersion, version_id) or abort(404)
    if not can_manage(current_user, version.course):
        abort(403)
    return version


def _language(version: CourseVersion) -> str:
    wanted = request.args.get("lang") or current_language()
    return wanted if wanted in version.languages else version.languages[0]


@bp.get("/manage/courses/")
@roles_required(*MANAGERS)
def manage_list():
    query = select(Course).order_by(Course.slug)
    if not current_user.has_role(Role.ADMIN):
        query = query.where(Course.owner_organisation_id == current_user.confirmed_organisation_id)
    courses = db.session.scalars(query).all()
    return render_template("courses/manage_list.html", courses=courses, counts=learner_counts())


@bp.route("/manage/courses/upload", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def upload():
    """A trainer's zip lands as a draft; every problem the validator finds is listed."""
    form = UploadForm()
    problems = []
    organisation_id = current_user.confirmed_organisation_id
    if not current_user.has_role(Role.ADMIN) and organisation_id is None:
        form.form_errors.append(
            _("To upload courses, your account must be a confirmed member of an organisation.")
        )
    elif form.validate_on_submit():
        try:
            files = read_zip(form.package.data.stream, origin=form.package.data.filename or "zip")
            package = load_package(files, professions=set(PROFESSIONS))
            result = services.import_package(
                package, organisation_id=organisation_id, by_id=current_user.id
            )
        except PackageError as error:
            problems = error.problems
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if result.created:
                flash(_("The package was checked and imported as a draft."), "success")
            else:
                flash(_("This package is already here, unchanged."), "info")
            for warning in result.warnings:
                flash(warning, "warning")
            return redirect(url_for("courses.version", version_id=result.version.id))
    return render_template("courses/upload.html", form=form, problems=problems)


def _publish_form(version: CourseVersion):
    """The publish form, with a reviewer and a date for each of the version's languages."""
    reviewers = db.session.execute(
        select(User.id, User.full_name)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role.in_(MANAGERS),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
        )
        .distinct()
        .order_by(User.full_name)
    ).all()

    class VersionPublishForm(PublishForm):
        pass

    for language in version.languages:
        setattr(VersionPublishForm, f"reviewer_{language}", reviewer_field(LANGUAGES[language]))
        setattr(VersionPublishForm, f"reviewed_{language}", review_date_field(LANGUAGES[language]))
    form = VersionPublishForm()
    for language in version.languages:
        getattr(form, f"reviewer_{language}").choices = options(
            [(0, _("Choose the reviewer")), *((row.id, row.full_name) for row in reviewers)]
        )
    return form


def _withdraw_form(version: CourseVersion) -> WithdrawForm:
    form = WithdrawForm()
    others = [
        v
        for v in version.course.versions
        if v.status == VersionStatus.PUBLISHED and v.id != version.id
    ]
    form.replacement.choices = options(
        [(0, _("No other version")), *((v.id, v.label) for v in others)]
    )
    return form


@bp.get("/manage/courses/versions/<int:version_id>")
@roles_required(*MANAGERS)
def version(version_id: int):
    version = _version_or_404(version_id)
    transfer = TransferForm()
    transfer.organisation_id.choices = options(organisation_choices())
    transfer.organisation_id.data = version.course.owner_organisation_id or 0
    return _render_version(version, transfer_form=transfer)


def _render_version(version: CourseVersion, status: int = 200, **forms):
    """The version page; a form passed in (with its errors) replaces the fresh one."""
    forms.setdefault("publish_form", _publish_form(version))
    forms.setdefault("withdraw_form", _withdraw_form(version))
    forms.setdefault("transfer_form", None)
    forms.setdefault("allowance_form", allowance_form(version, TrainerAllowanceForm))
    return render_template(
        "courses/version.html",
        version=version,
        learners=learner_counts().get(version.id, 0),
        **forms,
    ), status


@bp.post("/manage/courses/versions/<int:version_id>/publish")
@roles_required(Role.ADMIN)
def publish(version_id: int):
    version = _version_or_404(version_id)
    form = _publish_form(version)
    if form.validate_on_submit():
        reviews = {}
        for language in version.languages:
            reviewer = getattr(form, f"reviewer_{language}").data
            if not reviewer:
                getattr(form, f"reviewer_{language}").errors = [
                    _("Choose who reviewed this language.")
                ]
            reviews[language] = (reviewer, getattr(form, f"reviewed_{language}").data)
        if all(reviewer for reviewer, _day in reviews.values()):
            try:
                services.publish_version(version, by_id=current_user.id, reviews=reviews)
            except DomainError as error:
                flash(str(error.message), "error")
            else:
                db.session.commit()
                flash(_("Version %(label)s is published.", label=version.label), "success")
            return redirect(url_for("courses.version", version_id=version.id))
    return _render_version(version, 400, publish_form=form)


@bp.post("/manage/courses/versions/<int:version_id>/withdraw")
@roles_required(Role.ADMIN)
def withdraw(version_id: int):
    version = _version_or_404(version_id)
    form = _withdraw_form(version)
    if form.validate_on_submit():
        replacement = (
            db.session.get(CourseVersion, form.replacement.data) if form.replacement.data else None
        )
        try:
            services.withdraw_version(
                version, replacement=replacement, reason=form.reason.data, by_id=current_user.id
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Version %(label)s is withdrawn.", label=version.label), "success")
            return redirect(url_for("courses.version", version_id=version.id))
    return _render_version(version, 400, withdraw_form=form)


@bp.post("/manage/courses/versions/<int:version_id>/allowance")
@roles_required(*MANAGERS)
def grant_allowance(version_id: int):
    """Extra attempts or time on a quiz for one learner of the course, found by email."""
    version = _version_or_404(version_id)
    form = allowance_form(version, TrainerAllowanceForm)
    if form.validate_on_submit():
        enrolment = db.session.scalar(
            select(Enrolment)
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.course_id == version.course_id, User.email == form.email.data)
        )
        if enrolment is None:
            form.email.errors = [_("Nobody with this email address is enrolled in this course.")]
        else:
            allowances.grant_allowance(
                enrolment,
                form.quiz.data,
                extra_attempts=form.extra_attempts.data,
                extra_minutes=form.extra_minutes.data,
                by_id=current_user.id,
            )
            db.session.commit()
            flash(_("The extra attempts and time have been granted."), "success")
            return redirect(url_for("courses.version", version_id=version.id))
    return _render_version(version, 400, allowance_form=form)


@bp.post("/manage/courses/<int:course_id>/transfer")
@roles_required(Role.ADMIN)
def transfer(course_id: int):
    course = db.session.get(Course, course_id) or abort(404)
    form = TransferForm()
    form.organisation_id.choices = options(organisation_choices())
    if form.validate_on_submit():
        services.transfer_course(course, form.organisation_id.data or None, by_id=current_user.id)
        db.session.commit()
        flash(_("The course now belongs to the organisation you chose."), "success")
    else:
        flash(_("Choose an organisation from the list."), "error")
    return redirect(url_for("courses.version", version_id=course.versions[-1].id))


@bp.get("/manage/courses/versions/<int:version_id>/export")
@roles_required(*MANAGERS)
def export(version_id: int):
    version = _version_or_404(version_id)
    name = f"{version.course.slug}-{version.label}.zip"
    return zip_response(lambda target: services.export_zip(version, target), name)


def zip_response(write, name: str) -> Response:
    """A zip that ``write(file)`` writes, as a download: built on disk past 8 MB, so that a
    course with long videos does not fill the worker."""
    limit = 8 * 1024 * 1024
    target = tempfile.SpooledTemporaryFile(max_size=limit)  # noqa: SIM115 - closed or sent below
    write(target)
    size = target.tell()
    target.seek(0)
    if size <= limit:  # small: already in memory, and nothing is left open
        body = target.read()
        target.close()
    else:  # the server sends the file and closes it (a wrapper may read it at once)
        body = wrap_file(request.environ, target)
    response = Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
        direct_passthrough=True,
    )
    response.content_length = size
    return response


@bp.get("/manage/courses/versions/<int:version_id>/lessons/<key>")
@roles_required(*MANAGERS)
def preview_lesson(version_id: int, key: str):
    """The lesson exactly as learners will see it, in any of the version's languages."""
    version = _version_or_404(version_id)
    lesson = next((item for item in version.lessons if item.key == key), None) or abort(404)
    language = _language(version)
    return render_template(
        "courses/preview_lesson.html",
        version=version,
        lesson=lesson,
        text=lesson_text(lesson, language, version),
        language=language,
    )


@bp.get("/manage/courses/versions/<int:version_id>/quizzes/<key>")
@roles_required(*MANAGERS)
def preview_quiz(version_id: int, key: str):
    """Every question with its answers and feedback, for the people who review it."""
    version = _version_or_404(version_id)
    quiz = next((item for item in version.quizzes if item.key == key), None) or abort(404)
    return render_template(
        "courses/preview_quiz.html", version=version, quiz=quiz, language=_language(version)
    )


@bp.get("/media/<sha256>/<name>")
@public
def media(sha256: str, name: str):
    """A course's media file, by its content's hash and its name, streamed a range at a time.

    Files of published and withdrawn versions are public and cached for good; a file only in
    drafts is shown to those who may preview the draft, and cached by nobody.
    """
    if len(sha256) != 64 or not all(ch in "0123456789abcdef" for ch in sha256):
        abort(404)
    found = media_files.find_media(
        sha256,
        name,
        lambda version: current_user.is_authenticated and can_manage(current_user, version.course),
    )
    if found is None:
        abort(404)
    return media_files.media_response(found, name)


STATUS_LABELS = {
    VersionStatus.DRAFT: _l("draft"),
    VersionStatus.PUBLISHED: _l("published"),
    VersionStatus.WITHDRAWN: _l("withdrawn"),
}
QUESTION_TYPE_LABELS = {
    "single": _l("single choice"),
    "multiple": _l("multiple choice"),
    "true_false": _l("true or false"),
    "matching": _l("matching"),
    "ordering": _l("ordering"),
    "short_text": _l("short answer"),
    "numeric": _l("number"),
    "scenario": _l("scenario"),
}


def in_language(language: str, text: str) -> str:
    """``text`` translated into the lesson's language rather than the reader's."""
    with force_locale(locale_for(language)):
        return gettext(text)


@bp.app_context_processor
def _course_helpers() -> dict:
    return {
        "status_label": lambda status: str(STATUS_LABELS.get(status, status)),
        "question_type_label": lambda kind: str(QUESTION_TYPE_LABELS.get(kind, kind)),
        "problem_text": lambda problem: problem.text(gettext),
        "lesson_label": lambda name, language: in_language(language, LESSON_LABELS[name]),
    }


LESSON_LABELS = {"objectives": N_("Learning objectives")}
