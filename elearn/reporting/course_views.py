"""A course's report for its trainers: aggregates across every organisation, and quiz item
analysis (elearn/reporting/items.py)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.courses.models import Course
from elearn.courses.views import can_manage
from elearn.database import utcnow
from elearn.extensions import db
from elearn.i18n import current_language
from elearn.reporting import bp, items


@bp.get("/manage/courses/<int:course_id>/report")
@roles_required(Role.TRAINER, Role.ADMIN)
def course_report(course_id: int):
    """Enrolments and completions by version, and how each quiz question performs."""
    course = db.session.get(Course, course_id) or abort(404)
    if not can_manage(current_user, course):
        abort(403)
    language = current_language()
    newest = course.versions[-1] if course.versions else None
    return render_template(
        "reporting/course.html",
        course=course,
        title=newest.text("title", language) if newest else course.slug,
        totals=items.enrolment_totals(course.id),
        quizzes=items.item_analysis(course.id, language),
        computed_at=utcnow(),
        few=items.FEW,
    )
