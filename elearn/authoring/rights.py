"""Who may edit, review and publish a course in the browser.

- Administrators edit and review every course.
- A trainer edits the courses of their confirmed organisation. Once a course has co-authors
  (someone who copied it is its first), only they edit it among the trainers.
- A trainer with a reviewer right reviews and publishes the drafts of their organisation's
  courses, but never a draft they changed themselves.
- Platform courses (owned by no organisation) are edited by administrators; trainers copy
  them into their organisation to adapt them.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from elearn.accounts.models import Role, User
from elearn.authoring.models import CourseAuthor, Draft, ReviewerRight
from elearn.courses.models import Course
from elearn.extensions import db


def is_author(user, course: Course) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(CourseAuthor.course_id == course.id, CourseAuthor.user_id == user.id)
            )
        )
    )


def has_authors(course: Course) -> bool:
    """Whether the course has a co-author who can still edit it: a deactivated or erased
    co-author does not keep it closed to the organisation's other trainers."""
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(CourseAuthor.course_id == course.id, CourseAuthor.user_id == User.id)
                .where(User.deactivated_at.is_(None), User.erased_at.is_(None))
            )
        )
    )


def in_owning_organisation(user, course: Course) -> bool:
    owner = course.owner_organisation_id
    return owner is not None and owner == user.confirmed_organisation_id


def can_edit(user, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not (user.has_role(Role.TRAINER) and in_owning_organisation(user, course)):
        return False
    return not has_authors(course) or is_author(user, course)


def holds_reviewer_right(user) -> bool:
    return bool(db.session.scalar(select(exists().where(ReviewerRight.user_id == user.id))))


def may_review_course(user, course: Course) -> bool:
    """Someone who reviews this course's drafts in general (the draft's own authors aside)."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return (
        user.has_role(Role.TRAINER)
        and in_owning_organisation(user, course)
        and holds_reviewer_right(user)
    )


def contributed(user, draft: Draft) -> bool:
    return any(c.user_id == user.id for c in draft.contributors)


def can_review(user, draft: Draft) -> bool:
    """May review (sign off, send back, approve, publish) this draft: a reviewer of the
    course who did not change it."""
    return may_review_course(user, draft.course) and not contributed(user, draft)
