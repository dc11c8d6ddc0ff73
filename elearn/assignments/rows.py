"""The per-person rows of assignments, written by set-based statements: however many people an
assignment reaches, giving it to them is the same handful of INSERT ... SELECT statements.

A row is one course one person has to complete by a date, in one cycle of one assignment. It
is met by a valid certificate for the course (not revoked, not superseded, not expired): at
once when the person already holds one, else when one is issued. When the assignment recurs
and the certificate that met a cycle expires, the next cycle falls due on its expiry date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Integer,
    and_,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from elearn.accounts.models import User
from elearn.assignments.models import Assignment, LearnerAssignment
from elearn.certificates.models import Certificate
from elearn.cohorts.models import Cohort, CohortMember
from elearn.courses.models import CourseVersion, VersionStatus
from elearn.database import UTCDateTime, insert_statement, utcnow
from elearn.extensions import db
from elearn.organisations import tree
from elearn.paths.models import LearningPathStep

COLUMNS = ("assignment_id", "user_id", "course_id", "due_on", "met_at", "certificate_id")


def _active(user=User):
    return and_(user.deactivated_at.is_(None), user.erased_at.is_(None))


def members_below(organisation_id: int):
    """A SELECT of the ids of the confirmed, active members of the organisation and of every
    organisation below it (the recursive CTE of elearn/organisations/tree.py)."""
    return select(User.id).where(
        User.organisation_id.in_(tree.subtree_ids(organisation_id)),
        User.organisation_confirmed_at.is_not(None),
        _active(),
    )


def cohort_members(cohort_id: int):
    """A SELECT of the ids of the cohort's active members."""
    return (
        select(CohortMember.user_id)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id, _active())
    )


def published(course_id):
    """Whether the course has a published version (a correlated EXISTS)."""
    return exists().where(
        CourseVersion.course_id == course_id, CourseVersion.status == VersionStatus.PUBLISHED
    )


def _courses_of(assignment_ids):
    """(assignment_id, course_id) for the assignments: their course, or their path's
    published courses."""
    direct = select(
        Assignment.id.label("assignment_id"), Assignment.course_id.label("course_id")
    ).where(Assignment.id.in_(assignment_ids), Assignment.course_id.is_not(None))
    via_path = (
        select(Assignment.id, LearningPathStep.course_id)
        .join(LearningPathStep, LearningPathStep.path_id == Assignment.path_id)
        .where(Assignment.id.in_(assignment_ids), published(LearningPathStep.course_id))
    )
    return union_all(direct, via_path).subquery("assigned_courses")


def _valid_certificates(user_ids, today: date):
    """(user_id, course_id, id) of each person's newest valid certificate of each course."""
    return (
        select(
            Certificate.user_id,
            Certificate.course_id,
            func.max(Certificate.id).label("id"),
        )
        .where(
            Certificate.user_id.in_(user_ids),
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            or_(Certificate.expires_on.is_(None), Certificate.expires_on >= today),
        )
        .group_by(Certificate.user_id, Certificate.course_id)
        .subquery("valid")
    )


def _insert(rows) -> int:
    """INSERT ... SELECT ``rows``, skipping a row another request has just written."""
    statement = (
        insert_statement(db.session)(LearnerAssignment)
        .from_select([*COLUMNS, "created_at"], rows)
        .on_conflict_do_nothing()
    )
    return db.session.execute(statement).rowcount


def give(pairs, today: date) -> int:
    """Write the first cycle for each (assignment_id, user_id) of ``pairs`` (a subquery) and
    each course of the assignment that the person has no row for yet: due on the assignment's
    date, met at once by a valid certificate they hold. Then the next cycles. Returns the
    number of first-cycle rows written; a fixed number of statements."""
    courses = _courses_of(select(pairs.c.assignment_id))
    valid = _valid_certificates(select(pairs.c.user_id), today)
    held = aliased(Certificate)
    existing = aliased(LearnerAssignment)
    rows = (
        select(
            pairs.c.assignment_id,
            pairs.c.user_id,
            courses.c.course_id,
            Assignment.due_on,
            held.issued_at,
            held.id,
            literal(utcnow(), UTCDateTime),
        )
        .select_from(pairs)
        .join(Assignment, Assignment.id == pairs.c.assignment_id)
        .join(courses, courses.c.assignment_id == pairs.c.assignment_id)
        .outerjoin(
            valid,
            and_(valid.c.user_id == pairs.c.user_id, valid.c.course_id == courses.c.course_id),
        )
        .outerjoin(held, held.id == valid.c.id)
        # A WHERE clause also keeps SQLite from reading ON CONFLICT as a join's ON.
        .where(
            ~exists().where(
                existing.assignment_id == pairs.c.assignment_id,
                existing.user_id == pairs.c.user_id,
                existing.course_id == courses.c.course_id,
            )
        )
    )
    written = _insert(rows)
    open_next_cycles(
        LearnerAssignment.assignment_id.in_(select(pairs.c.assignment_id)),
        LearnerAssignment.user_id.in_(select(pairs.c.user_id)),
        today=today,
    )
    return written


def open_next_cycles(*scope, today: date) -> int:
    """For recurring assignments whose latest cycle (for a person and course) was met by a
    certificate that expires: the next cycle, due on that expiry date, met at once by a newer
    valid certificate if the person holds one. ``scope`` narrows the rows looked at."""
    # The statement below takes longer to build than to run: most people who complete a
    # course hold no met row of a recurring assignment for it, and need none of it.
    candidates = exists().where(
        *scope,
        LearnerAssignment.assignment_id == Assignment.id,
        Assignment.recurring.is_(True),
        LearnerAssignment.met_at.is_not(None),
    )
    if not db.session.scalar(select(candidates)):
        return 0
    written = 0
    for _ in range(2):  # a cycle met by a newer certificate opens one more, never a third
        latest = aliased(LearnerAssignment)
        later = aliased(LearnerAssignment)
        met_by = aliased(Certificate)
        newer = aliased(Certificate)
        valid = _valid_certificates(select(LearnerAssignment.user_id).where(*scope), today)
        rows = (
            select(
                latest.assignment_id,
                latest.user_id,
                latest.course_id,
                met_by.expires_on,
                newer.issued_at,
                newer.id,
                literal(utcnow(), UTCDateTime),
                (latest.cycle + literal(1, Integer)).label("cycle"),
            )
            .join(Assignment, Assignment.id == latest.assignment_id)
            .join(met_by, met_by.id == latest.certificate_id)
            .outerjoin(
                valid,
                and_(
                    valid.c.user_id == latest.user_id,
                    valid.c.course_id == latest.course_id,
                    valid.c.id > met_by.id,
                ),
            )
            .outerjoin(newer, newer.id == valid.c.id)
            .where(
                latest.id.in_(select(LearnerAssignment.id).where(*scope)),
                Assignment.recurring.is_(True),
                latest.met_at.is_not(None),
                met_by.expires_on.is_not(None),
                ~exists().where(
                    later.assignment_id == latest.assignment_id,
                    later.user_id == latest.user_id,
                    later.course_id == latest.course_id,
                    later.cycle > latest.cycle,
                ),
            )
        )
        statement = (
            insert_statement(db.session)(LearnerAssignment)
            .from_select([*COLUMNS, "created_at", "cycle"], rows)
            .on_conflict_do_nothing()
        )
        inserted = db.session.execute(statement).rowcount
        written += inserted
        if not inserted:
            break
    return written


def meet(*, user_id: int, course_id: int, certificate_id: int, met_at: datetime, today: date):
    """A certificate was issued: the person's open rows of the course are met by it, and the
    recurring ones open their next cycle."""
    db.session.execute(
        update(LearnerAssignment)
        .where(
            LearnerAssignment.user_id == user_id,
            LearnerAssignment.course_id == course_id,
            LearnerAssignment.met_at.is_(None),
        )
        .values(met_at=met_at, certificate_id=certificate_id)
        .execution_options(synchronize_session=False)
    )
    open_next_cycles(
        LearnerAssignment.user_id == user_id,
        LearnerAssignment.course_id == course_id,
        today=today,
    )


def _through_organisation(organisation_id: int):
    """The ids of the assignments a member of ``organisation_id`` holds by being there: those
    to it or to an organisation above it, and to the cohorts of those organisations."""
    lineage = select(tree.ancestor_ids(organisation_id).subquery().c.id)
    return select(Assignment.id).where(
        or_(
            Assignment.target_organisation_id.in_(lineage),
            Assignment.target_cohort_id.in_(
                select(Cohort.id).where(Cohort.organisation_id.in_(lineage))
            ),
        )
    )


def join_organisation(organisation_id: int, user_ids: list[int], today: date) -> int:
    """People became confirmed members: the assignments to that organisation and those above
    it, and to their cohorts of those organisations."""
    lineage = select(tree.ancestor_ids(organisation_id).subquery().c.id)
    people = and_(User.id.in_(user_ids), User.organisation_id == organisation_id, _active())
    to_organisations = (
        select(Assignment.id.label("assignment_id"), User.id.label("user_id"))
        .join(User, true())
        .where(Assignment.target_organisation_id.in_(lineage), people)
    )
    to_cohorts = (
        select(Assignment.id, CohortMember.user_id)
        .join(CohortMember, CohortMember.cohort_id == Assignment.target_cohort_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .where(Cohort.organisation_id.in_(lineage), people)
    )
    return give(union_all(to_organisations, to_cohorts).subquery("pairs"), today)


def join_cohort(cohort_id: int, user_ids: list[int], today: date) -> int:
    """People were added to a cohort: the cohort's assignments."""
    pairs = (
        select(Assignment.id.label("assignment_id"), User.id.label("user_id"))
        .join(User, true())
        .where(Assignment.target_cohort_id == cohort_id, User.id.in_(user_ids), _active())
    )
    return give(pairs.subquery("pairs"), today)


def leave_organisation(organisation_id: int, user_ids: list[int]) -> int:
    """People left an organisation: their open rows of the assignments they held by being
    there go; met rows stay as their history."""
    return db.session.execute(
        delete(LearnerAssignment)
        .where(
            LearnerAssignment.user_id.in_(user_ids),
            LearnerAssignment.met_at.is_(None),
            LearnerAssignment.assignment_id.in_(_through_organisation(organisation_id)),
        )
        .execution_options(synchronize_session=False)
    ).rowcount


def drop_open(user_id: int) -> int:
    """Remove every open row of a person (their account is erased)."""
    return db.session.execute(
        delete(LearnerAssignment)
        .where(LearnerAssignment.user_id == user_id, LearnerAssignment.met_at.is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount
