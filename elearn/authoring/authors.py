"""A course's co-authors: once a course has some, only they (and administrators) edit it.

Any editor of the course adds a trainer of the owning organisation (a confirmed member who
holds the trainer role); removing the last co-author opens editing again to every trainer of
the organisation (elearn/authoring/rights.py).

Services flush and never commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.authoring.models import CourseAuthor
from elearn.courses.models import Course
from elearn.errors import DomainError
from elearn.extensions import db


def authors_of(course: Course) -> list[tuple[CourseAuthor, User]]:
    """The course's co-authors with their accounts, in the order they were added."""
    return list(
        db.session.execute(
            select(CourseAuthor, User)
            .join(User, User.id == CourseAuthor.user_id)
            .where(CourseAuthor.course_id == course.id)
            .order_by(CourseAuthor.added_at, CourseAuthor.id)
        ).all()
    )


def eligible(person: User | None, course: Course) -> bool:
    """A trainer with an active account, confirmed member of the organisation owning it."""
    owner = course.owner_organisation_id
    return (
        person is not None
        and person.erased_at is None
        and person.deactivated_at is None
        and person.has_role(Role.TRAINER)
        and owner is not None
        and person.confirmed_organisation_id == owner
    )


def _is_author(course: Course, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(CourseAuthor.id).where(
                CourseAuthor.course_id == course.id, CourseAuthor.user_id == user_id
            )
        )
        is not None
    )


def _add(course: Course, person: User, by_id: int | None) -> None:
    db.session.add(CourseAuthor(course_id=course.id, user_id=person.id, added_by_id=by_id))
    record(
        "course.author_added",
        actor_id=by_id,
        target_type="course",
        target_id=course.id,
        user_id=person.id,
    )


def add_author(course: Course, email: str, *, by: User) -> list[User]:
    """Make the trainer with ``email`` a co-author of ``course``; the people added.

    The first co-author closes editing to the other trainers: a trainer who adds a colleague
    to a course without co-authors becomes one too, so as not to lock themselves out.
    Raises DomainError (field ``email``) for an address of no trainer of the owning
    organisation (one message, so that the form does not tell who has an account), or for
    a co-author already.
    """
    person = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if not eligible(person, course):
        raise DomainError(
            _l(
                "No trainer of the organisation that owns this course has this email address. "
                "A co-author must be a trainer and a confirmed member of that organisation."
            ),
            field="email",
        )
    if _is_author(course, person.id):
        raise DomainError(_l("This person is already a co-author."), field="email")
    added = []
    first = not db.session.scalar(
        select(func.count(CourseAuthor.id)).where(CourseAuthor.course_id == course.id)
    )
    if first and by.id != person.id and eligible(by, course):
        _add(course, by, by.id)
        added.append(by)
    _add(course, person, by.id)
    added.append(person)
    db.session.flush()
    return added


def remove_author(course: Course, user_id: int, *, by_id: int | None) -> bool:
    """Remove ``user_id`` from the course's co-authors; True when that opened editing to
    every trainer of the organisation again (it was the last). Raises DomainError for
    someone who is not a co-author."""
    row = db.session.scalar(
        select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user_id
        )
    )
    if row is None:
        raise DomainError(_l("This person is not a co-author of the course."))
    db.session.delete(row)
    record(
        "course.author_removed",
        actor_id=by_id,
        target_type="course",
        target_id=course.id,
        user_id=user_id,
    )
    db.session.flush()
    remaining = db.session.scalar(
        select(func.count(CourseAuthor.id)).where(CourseAuthor.course_id == course.id)
    )
    return remaining == 0
