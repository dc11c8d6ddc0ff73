"""The catalogue, course pages, enrolling, the lesson player and "My learning"."""

from __future__ import annotations

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from elearn.access import confirmed_email_required, public, signed_in
from elearn.courses.lesson_text import lesson_text
from elearn.courses.models import Course
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import current_language
from elearn.learning import lesson_time, page_views, path_progress, services
from elearn.learning.contacts import lesson_html
from elearn.learning.contents import contents_of
from elearn.learning.due import due_courses, due_for_course
from elearn.learning.forms import CatalogueFilterForm
from elearn.learning.versions import move_to_version

bp = Blueprint("learning", __name__)


def _course_or_404(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug)) or abort(404)


def _enrolment_or_redirect(slug: str, lesson_key: str | None = None) -> services.LearnerCourse:
    """The course, the reader's enrolment on it and its completions (services.learner_course);
    without an enrolment they are sent to its page."""
    found = services.learner_course(current_user, slug, lesson_key)
    if found.course is None:
        abort(404)
    if found.enrolment is None:
        flash(_("Enrol in the course to open its lessons."), "info")
    return found


@bp.app_context_processor
def _learning_helpers() -> dict:
    return {"quiz_title": quiz_title}


def quiz_title(version, key: str, language: str) -> str:
    """The title of ``version``'s quiz ``key`` in ``language`` (from the cached outline)."""
    quiz = contents_of(version).quiz(key)
    return quiz.titles.get(language, key) if quiz else key


def _language_for(version) -> str:
    language = current_language()
    return language if language in version.languages else version.languages[0]


@bp.get("/courses/")
@public
def catalogue():
    form = CatalogueFilterForm(request.args)
    form.validate()
    # The newest versions, the reader's enrolments and the courses prerequisites name, read
    # once for the cards, the paths and the prerequisites alike.
    learner = path_progress.Learner(current_user)
    entries = services.catalogue(
        current_user,
        current_language(),
        audience=form.audience.data or "",
        in_language=form.language.data or "",
        duration=form.duration.data or "",
        versions=learner.versions,
        enrolments=learner.enrolments,
    )
    learning_paths = path_progress.paths_for(current_user, learner=learner)
    needs = path_progress.prerequisites_needed(
        current_user, [e.course.id for e in entries], learner=learner
    )
    positions = path_progress.path_positions(learning_paths)
    return render_template(
        "learning/catalogue.html",
        entries=path_progress.in_path_order(entries, positions, needs),
        form=form,
        learning_paths=learning_paths,
        needs=needs,
        positions=positions,
    )


@bp.get("/courses/<slug>")
@public
def course(slug: str):
    found = services.learner_course(current_user, slug)
    course, enrolment = found.course, found.enrolment
    if course is None:
        abort(404)
    newest = services.newest_published(course)
    version = enrolment.version if enrolment else newest
    if version is None:
        abort(404)
    progress = found.progress() if enrolment else None
    prerequisites = (
        services.unmet_prerequisites(current_user, version)
        if (current_user.is_authenticated and not enrolment)
        else []
    )
    wanted = version.manifest.get("prerequisites") or []
    required_courses = (
        db.session.scalars(select(Course).where(Course.slug.in_(wanted))).all() if wanted else []
    )
    return render_template(
        "learning/course.html",
        course=course,
        version=version,
        contents=contents_of(version),
        enrolment=enrolment,
        progress=progress,
        unmet=prerequisites,
        route=path_progress.route_to(current_user, course) if prerequisites else [],
        required_courses=required_courses,
        newer=newest if enrolment and newest and newest.id != enrolment.version_id else None,
        language=_language_for(version),
        due=due_for_course(current_user, course.id),
        hours_after=math.ceil(lesson_time.course_seconds_required(version) / 60),
    )


@bp.post("/courses/<slug>/enrol")
@signed_in
@confirmed_email_required
def enrol(slug: str):
    course = _course_or_404(slug)
    try:
        services.enrol(current_user, course)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("learning.course", slug=slug))
    db.session.commit()
    flash(_("You are enrolled. Start with the first lesson when you are ready."), "success")
    return redirect(url_for("learning.continue_course", slug=slug))


@bp.get("/courses/<slug>/continue")
@signed_in
def continue_course(slug: str):
    """Where the learner stopped, or the first thing left to do."""
    found = _enrolment_or_redirect(slug)
    enrolment = found.enrolment
    if enrolment is None:
        return redirect(url_for("learning.course", slug=slug))
    progress = found.progress()
    page_views.read_back(enrolment)
    if enrolment.last_lesson_key and progress.states.get(enrolment.last_lesson_key) == "open":
        return redirect(url_for("learning.lesson", slug=slug, key=enrolment.last_lesson_key))
    for kind, item in progress.left:
        if kind == "lesson" and progress.states[item.key] != "locked":
            return redirect(url_for("learning.lesson", slug=slug, key=item.key))
        if kind == "quiz":
            return redirect(url_for("quizzes.overview", slug=slug, key=item.key))
    return redirect(url_for("learning.course", slug=slug))


@bp.get("/courses/<slug>/lessons/<key>")
@signed_in
def lesson(slug: str, key: str):
    # The person, this, and the quiz passes: three statements once the worker has the
    # version's outline and the lesson's text (tests/learning/test_lesson_statements.py).
    found = _enrolment_or_redirect(slug, key)
    course, enrolment = found.course, found.enrolment
    if enrolment is None:
        return redirect(url_for("learning.course", slug=slug))
    version = enrolment.version
    contents = contents_of(version)
    lesson = contents.lesson(key) or abort(404)
    progress = found.progress()
    try:
        services.open_lesson(enrolment, lesson, progress.states)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("learning.course", slug=slug))
    db.session.commit()
    lessons = contents.lessons
    index = lessons.index(lesson)
    last_of_module = index + 1 == len(lessons) or lessons[index + 1].module_key != lesson.module_key
    # After the last lesson of a module comes its quiz; after the last lesson, the final quizzes.
    quizzes_next = [
        q for q in contents.quizzes if last_of_module and q.module_key == lesson.module_key
    ]
    if index + 1 == len(lessons):
        quizzes_next += [q for q in contents.quizzes if q.module_key is None]
    waiting = 0
    if progress.states.get(lesson.key) != "done":
        waiting = lesson_time.seconds_left(enrolment, lesson, utcnow(), found.stored)
    language = _language_for(version)
    text = lesson_text(lesson, language, version)  # the one lesson shown, in its one language
    return render_template(
        "learning/lesson.html",
        course=course,
        version=version,
        contents=contents,
        lesson=lesson,
        html=lesson_html(text.html, current_user, language),
        objectives=text.objectives,
        progress=progress,
        language=language,
        previous=lessons[index - 1] if index else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        quizzes_next=quizzes_next,
        time_left=lesson_time.minutes_left_text(waiting) if waiting else None,
    )


@bp.post("/courses/<slug>/lessons/<key>/complete")
@signed_in
def complete_lesson(slug: str, key: str):
    found = _enrolment_or_redirect(slug)
    enrolment = found.enrolment
    if enrolment is None:
        return redirect(url_for("learning.course", slug=slug))
    contents = contents_of(enrolment.version)
    lesson = contents.lesson(key) or abort(404)
    states = found.progress().states
    reached_end = request.form.get("reached") == "end"
    try:
        completed = services.complete_lesson(enrolment, lesson, states, reached_end=reached_end)
    except lesson_time.LessonNotReady as error:
        flash(str(error.message), "info")
        return redirect(url_for("learning.lesson", slug=slug, key=key))
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("learning.course", slug=slug))
    db.session.commit()
    if completed:
        flash(_("You have completed the course."), "success")
        return redirect(url_for("learning.course", slug=slug))
    target = request.form.get("then")
    lessons = contents.lessons
    index = lessons.index(lesson)
    if target == "next" and index + 1 < len(lessons):
        return redirect(url_for("learning.lesson", slug=slug, key=lessons[index + 1].key))
    return redirect(url_for("learning.continue_course", slug=slug))


@bp.post("/courses/<slug>/move")
@signed_in
def move_version(slug: str):
    """Move to the newest version, keeping credit for what did not change."""
    found = _enrolment_or_redirect(slug)
    course, enrolment = found.course, found.enrolment
    newest = services.newest_published(course)
    if enrolment is None or newest is None:
        return redirect(url_for("learning.course", slug=slug))
    try:
        move_to_version(enrolment, newest)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("You are now on the newest version of the course."), "success")
    return redirect(url_for("learning.course", slug=slug))


@bp.get("/my-learning")
@signed_in
def my_learning():
    # The newest versions first: for the recommendations and the paths both, and most
    # enrolments are on one of them, whose manifest is then already there (a freshly started
    # worker reads the manifests in one statement, two when someone is on an older version).
    versions = services.latest_published()
    entries = services.learning_overview(current_user)
    recommended = [
        entry
        for entry in services.catalogue(current_user, current_language(), versions=versions)
        if entry.recommended and entry.enrolment is None
    ][:6]
    return render_template(
        "learning/my_learning.html",
        entries=entries,
        recommended=recommended,
        learning_paths=path_progress.paths_for(current_user, versions),
        due_courses=due_courses(current_user),
    )
