"""The people behind the dashboard, one row per enrolment: the people export's rows
(translated, typed cells) and the API's (codes), from one query read in batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.courses.models import CourseVersion, Lesson
from elearn.extensions import db
from elearn.organisations.tree import tree
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting.scope import Filters, enrolments

BATCH = 1000


def _label(labels: dict, key) -> str:
    return str(labels.get(key, key or ""))


def organisation_paths(root_id: int) -> dict[int, str]:
    """'Parent › Child › Grandchild' for every organisation of the subtree (one query)."""
    paths: dict[int, str] = {}
    trail: list[str] = []
    for node in tree(root_id):
        trail[node.depth :] = [node.organisation.name]
        paths[node.organisation.id] = " › ".join(trail)
    return paths


def people_header() -> list[str]:
    return [
        _("Organisation"),
        _("Name"),
        _("Email address"),
        _("Profession"),
        _("County"),
        _("Course"),
        _("Version"),
        _("Enrolled on"),
        _("Status"),
        _("Lessons completed"),
        _("Required lessons"),
        _("Completed on"),
        _("Best score (%)"),
        _("Minutes spent"),
        _("Certificate code"),
        _("Certificate status"),
        _("Certificate expires on"),
    ]


@dataclass
class PersonRecord:
    """One enrolment of a counted person, as the people export and the API give it: codes
    and typed values, translated only where a file is written."""

    user_id: int
    organisation_id: int
    full_name: str
    email: str
    profession: str
    county: str
    course_id: int
    title: dict
    version: str
    enrolled_on: date
    status: str  # not_started, in_progress or completed (docs/reporting.md)
    lessons_completed: int
    required_lessons: int
    completed_on: date | None
    best_score: float | None
    minutes_spent: int
    certificate_code: str | None
    certificate_status: str | None  # valid, expired, revoked or superseded
    certificate_expires_on: date | None


def people_query(filters: Filters):
    """The SELECT behind every PersonRecord, by organisation, name and course."""
    scoped = enrolments(filters).subquery()
    required = (
        select(Lesson.version_id, func.count().label("required"))
        .where(Lesson.required.is_(True))
        .group_by(Lesson.version_id)
        .subquery()
    )
    current = (
        select(func.max(Certificate.id))
        .where(Certificate.superseded_by_id.is_(None))
        .group_by(Certificate.enrolment_id)
    )
    return (
        select(
            User.id.label("user_id"),
            User.organisation_id,
            User.full_name,
            User.email,
            User.profession,
            User.county,
            scoped.c.course_id,
            CourseVersion.title,
            CourseVersion.label,
            scoped.c.enrolled_at,
            scoped.c.completed_at,
            scoped.c.lessons_completed.label("done"),
            required.c.required,
            scoped.c.best_score.label("best"),
            scoped.c.seconds_on_lessons.label("seconds"),
            scoped.c.quiz_attempts.label("attempts"),
            Certificate,
        )
        .join(scoped, scoped.c.user_id == User.id)
        .join(CourseVersion, CourseVersion.id == scoped.c.version_id)
        .outerjoin(required, required.c.version_id == scoped.c.version_id)
        .outerjoin(
            Certificate,
            (Certificate.enrolment_id == scoped.c.id) & Certificate.id.in_(current),
        )
        .order_by(User.organisation_id, User.search_key, User.id, scoped.c.course_id)
    )


def people_records(
    filters: Filters, today: date, *, offset: int = 0, limit: int | None = None
) -> Iterator[PersonRecord]:
    """The people export's rows as records, read in batches of BATCH rows (all of them, or
    ``limit`` from ``offset`` for a page of the API)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    query = people_query(filters)
    if offset or limit is not None:
        query = query.offset(offset).limit(limit)
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        if row.completed_at is not None:
            status = "completed"
        elif row.done or row.seconds or row.attempts:
            status = "in_progress"
        else:
            status = "not_started"
        certificate = row.Certificate
        yield PersonRecord(
            user_id=row.user_id,
            organisation_id=row.organisation_id,
            full_name=row.full_name,
            email=row.email,
            profession=row.profession,
            county=row.county,
            course_id=row.course_id,
            title=row.title,
            version=row.label,
            enrolled_on=row.enrolled_at.astimezone(zone).date(),
            status=status,
            lessons_completed=row.done or 0,
            required_lessons=row.required or 0,
            completed_on=row.completed_at.astimezone(zone).date() if row.completed_at else None,
            best_score=row.best,
            minutes_spent=round((row.seconds or 0) / 60),
            certificate_code=certificate.code if certificate else None,
            certificate_status=certificate.status(today) if certificate else None,
            certificate_expires_on=certificate.expires_on if certificate else None,
        )


def people_rows(filters: Filters, today: date, language: str) -> Iterator[list]:
    """One row per enrolment of the people counted, by organisation and name, typed (dates
    as dates, numbers as numbers); read in batches of BATCH rows."""
    paths = organisation_paths(filters.organisation_id)
    statuses = {
        "completed": _("completed"),
        "in_progress": _("in progress"),
        "not_started": _("not started"),
    }
    certificate_statuses = {
        "valid": _("valid"),
        "expired": _("expired"),
        "revoked": _("revoked"),
        "superseded": _("replaced by a newer certificate"),
    }
    for record in people_records(filters, today):
        yield [
            paths.get(record.organisation_id, ""),
            record.full_name,
            record.email,
            _label(PROFESSIONS, record.profession),
            _label(COUNTIES, record.county),
            record.title.get(language) or next(iter(record.title.values()), ""),
            record.version,
            record.enrolled_on,
            statuses[record.status],
            record.lessons_completed,
            record.required_lessons,
            record.completed_on,
            record.best_score,
            record.minutes_spent,
            record.certificate_code,
            certificate_statuses.get(record.certificate_status),
            record.certificate_expires_on,
        ]
