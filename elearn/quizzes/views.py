"""Taking a quiz: one question per page (no JavaScript needed), answers saved on every page,
a review page, one graded submission, and a result that explains itself."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from elearn.access import confirmed_email_required, signed_in
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import current_language
from elearn.learning.services import course_and_enrolment
from elearn.quizzes import answers, guidance, services
from elearn.quizzes.models import QuizAttempt

bp = Blueprint("quizzes", __name__, url_prefix="/courses/<slug>/quizzes/<key>")


def _context(slug: str, key: str):
    """(course, enrolment, quiz) for the reader, or a redirect to the course page."""
    course, enrolment = course_and_enrolment(current_user, slug)
    if course is None:
        abort(404)
    if enrolment is None:
        flash(_("Enrol in the course to take its quizzes."), "info")
        return None
    quiz = services.quiz_by_key(enrolment, key) or abort(404)
    return course, enrolment, quiz


def _attempt_or_404(enrolment, quiz, attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    # Another person's attempt, or another quiz's, is "not found": ids reveal nothing.
    if attempt is None or attempt.enrolment_id != enrolment.id or attempt.quiz_key != quiz.key:
        abort(404)
    return attempt


def _to_course(slug: str):
    return redirect(url_for("learning.course", slug=slug))


@bp.get("/")
@signed_in
def overview(slug: str, key: str):
    """Attempts used and left, and when the next may start, always shown before starting."""
    found = _context(slug, key)
    if found is None:
        return _to_course(slug)
    course, enrolment, quiz = found
    status = services.status(enrolment, quiz)
    db.session.commit()  # an attempt whose time ran out has just been graded
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_key == quiz.key)
        .order_by(QuizAttempt.number)
    ).all()
    return render_template(
        "quizzes/overview.html",
        course=course,
        quiz=quiz,
        status=status,
        attempts=attempts,
        version=enrolment.version,
        lessons_left=guidance.lessons_left(enrolment, quiz),
    )


@bp.post("/start")
@signed_in
@confirmed_email_required
def start(slug: str, key: str):
    found = _context(slug, key)
    if found is None:
        return _to_course(slug)
    _course, enrolment, quiz = found
    try:
        attempt = services.start_attempt(enrolment, quiz, _language(enrolment))
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("quizzes.overview", slug=slug, key=key))
    db.session.commit()
    return redirect(
        url_for("quizzes.question", slug=slug, key=key, attempt_id=attempt.id, number=1)
    )


def _language(enrolment) -> str:
    language = current_language()
    return language if language in enrolment.version.languages else enrolment.version.languages[0]


def _closed(attempt, slug, key):
    """An attempt that is submitted, or whose time ran out (then graded now), shows its result."""
    if attempt.submitted_at is None and answers.time_is_up(attempt):
        services.expire_if_due(attempt)
        db.session.commit()
        flash(_("The time was up: your saved answers have been graded."), "info")
    if attempt.submitted_at is not None:
        return redirect(url_for("quizzes.result", slug=slug, key=key, attempt_id=attempt.id))
    return None


@bp.route("/attempts/<int:attempt_id>/<int:number>", methods=["GET", "POST"])
@signed_in
def question(slug: str, key: str, attempt_id: int, number: int):
    found = _context(slug, key)
    if found is None:
        return _to_course(slug)
    course, enrolment, quiz = found
    attempt = _attempt_or_404(enrolment, quiz, attempt_id)
    closed = _closed(attempt, slug, key)
    if closed:
        return closed
    pairs = answers.questions_of(attempt, quiz)
    if not 1 <= number <= len(pairs):
        abort(404)
    if request.method == "POST":
        try:
            answers.save_answer(attempt, quiz, number - 1, request.form.to_dict(flat=False))
        except answers.PlacesRepeated as error:
            db.session.rollback()
            # Nothing is saved: the page comes back with the learner's own choices.
            return _question_page(course, quiz, attempt, pairs, number, error), 400
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(
                url_for(
                    "quizzes.question", slug=slug, key=key, attempt_id=attempt.id, number=number
                )
            )
        db.session.commit()
        go = request.form.get("go", "next")
        if go == "stay":
            target = number
        elif go == "previous":
            target = max(number - 1, 1)
        elif go == "review" or number == len(pairs):
            return redirect(url_for("quizzes.review", slug=slug, key=key, attempt_id=attempt.id))
        else:
            target = number + 1
        # The fragment names the question's heading: the next page opens with it in focus.
        return redirect(
            url_for(
                "quizzes.question",
                slug=slug,
                key=key,
                attempt_id=attempt.id,
                number=target,
                _anchor=QUESTION_HEADING,
            )
        )
    return _question_page(course, quiz, attempt, pairs, number)


QUESTION_HEADING = "question-heading"


def _question_page(course, quiz, attempt, pairs, number, error=None):
    """One question of an attempt; after a refused answer, with the learner's own choices
    (``request.form``) and the error next to them."""
    question_data, entry = pairs[number - 1]
    taken, step = (
        answers.scenario_position(question_data, attempt.answers.get(question_data["id"]))
        if question_data["type"] == "scenario"
        else ([], None)
    )
    return render_template(
        "quizzes/question.html",
        course=course,
        quiz=quiz,
        attempt=attempt,
        number=number,
        total=len(pairs),
        question=question_data,
        entry=entry,
        language=attempt.language,
        answer=attempt.answers.get(question_data["id"]),
        taken=taken,
        step=step,
        error=error,
        places=request.form if error is not None else None,
        heading_id=QUESTION_HEADING,
    )


@bp.get("/attempts/<int:attempt_id>/review")
@signed_in
def review(slug: str, key: str, attempt_id: int):
    found = _context(slug, key)
    if found is None:
        return _to_course(slug)
    course, enrolment, quiz = found
    attempt = _attempt_or_404(enrolment, quiz, attempt_id)
    closed = _closed(attempt, slug, key)
    if closed:
        return closed
    pairs = answers.questions_of(attempt, quiz)
    return render_template(
        "quizzes/review.html",
        course=course,
        quiz=quiz,
        attempt=attempt,
        pairs=pairs,
        language=attempt.language,
    )


@bp.post("/attempts/<int:attempt_id>/submit")
@signed_in
def submit(slug: str, key: str, attempt_id: int):
    """Grade once: a repeated or concurrent submission finds the attempt graded."""
    found = _context(slug, key)
    if found is None:
        return _to_course(slug)
    _course, enrolment, quiz = found
    attempt = _attempt_or_404(enrolment, quiz, attempt_id)
    services.submit_attempt(attempt.id, quiz, quiz.settings.get("pass_mark", 80))
    db.session.commit()
    return redirect(url_for("quizzes.result", slug=slug, key=key, attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/result")
@signed_in
def result(slug: str, key: str, attempt_id: int):
    found = _context(slug, key)
    if found is None:
        return _to_course(slug)
    course, enrolment, quiz = found
    attempt = _attempt_or_404(enrolment, quiz, attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("quizzes.review", slug=slug, key=key, attempt_id=attempt.id))
    status = services.status(enrolment, quiz)
    db.session.commit()  # an attempt whose time ran out has just been graded
    mode = quiz.settings.get("show_answers", "when_final")
    reveal = mode == "always" or (mode == "when_final" and status.final)
    pairs = answers.questions_of(attempt, quiz)
    lesson_of, reread = guidance.lessons_to_reread(enrolment, pairs, attempt.results or {})
    completed = enrolment.completed_at is not None
    return render_template(
        "quizzes/result.html",
        course=course,
        quiz=quiz,
        attempt=attempt,
        status=status,
        pairs=pairs,
        language=attempt.language,
        reveal=reveal,
        completed=completed,
        lesson_of=lesson_of,
        reread=reread,
        lessons_left=guidance.lessons_left(enrolment, quiz) if status.can_start else [],
        certificate=completed and bool(enrolment.version.manifest.get("certificate")),
        next_course=guidance.next_course(current_user, course.id) if attempt.passed else None,
    )
