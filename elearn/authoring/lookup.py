"""Finding the draft a request names, refusing whoever may not use it (for every editor view)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from elearn.authoring import rights
from elearn.authoring.models import Draft
from elearn.courses.models import Course
from elearn.extensions import db


def course_for_editing(course_id: int) -> Course:
    course = db.session.get(Course, course_id) or abort(404)
    if not rights.can_edit(current_user, course):
        abort(403)
    return course


def draft_for_editing(draft_id: int) -> Draft:
    """The draft, for one of its course's authors (404 if none, 403 for anyone else)."""
    draft = db.session.get(Draft, draft_id) or abort(404)
    if not rights.can_edit(current_user, draft.course):
        abort(403)
    return draft


def draft_for_reading(draft_id: int) -> Draft:
    """The draft, for its authors and its course's reviewers."""
    draft = db.session.get(Draft, draft_id) or abort(404)
    if not (
        rights.can_edit(current_user, draft.course)
        or rights.may_review_course(current_user, draft.course)
    ):
        abort(403)
    return draft
