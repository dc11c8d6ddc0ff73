"""The people behind the dashboard, one row per enrolment: the people export's rows
(translated, typed cells) and the API's records (codes), from one query read in batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.courses.models import CourseVersion, Lesson
from elearn.extensions import db
from elearn.organisations.tree import tree
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting.scope import Filters, enrolments, roomy_transaction

BATCH = 1000


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


def people_query(filters: Filters) -> Select:
    """Each enrolment of the people counted with what the export shows of it, by
    organisation, name and course (unique: a person has one enrolment per course)."""
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
            Certificate.code,
            Certificate.expires_on,
            Certificate.revoked_at,
            Certificate.superseded_by_id,
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


def people_rows(filters: Filters, today: date, language: str) -> Iterator[list]:
    """One row per enrolment of the people counted, by organisation and name, typed (dates
    as dates, numbers as numbers); read in batches of BATCH rows."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    roomy_transaction()
    paths = organisation_paths(filters.organisation_id)
    # Every word translated once, not once a row (100,000 rows: seconds of gettext).
    statuses = {
        "valid": _("valid"),
        "expired": _("expired"),
        "revoked": _("revoked"),
        "superseded": _("replaced by a newer certificate"),
    }
    progress = {"completed": _("completed"), True: _("in progress"), False: _("not started")}
    professions = {key: str(label) for key, label in PROFESSIONS.items()}
    counties = {key: str(label) for key, label in COUNTIES.items()}
    query = people_query(filters).execution_options(yield_per=BATCH)
    for row in db.session.execute(query):
        if row.completed_at is not None:
            status = progress["completed"]
        else:
            status = progress[bool(row.done or row.seconds or row.attempts)]
        certified = row.code is not None
        yield [
            paths.get(row.organisation_id, ""),
            row.full_name,
            row.email,
            professions.get(row.profession, row.profession or ""),
            counties.get(row.county, row.county or ""),
            row.title.get(language) or next(iter(row.title.values()), ""),
            row.label,
            row.enrolled_at.astimezone(zone).date(),
            status,
            row.done or 0,
            row.required or 0,
            row.completed_at.astimezone(zone).date() if row.completed_at else None,
            row.best,
            round((row.seconds or 0) / 60),
            row.code,
            # The certificate's own rule, read from the row's columns (no object per row).
            statuses[Certificate.status(row, today)] if certified else None,
            row.expires_on if certified else None,
        ]


def people_records(filters: Filters, today: date, *, offset: int, limit: int) -> list[dict]:
    """A page of the same rows for the API: codes instead of words (status, profession,
    county, certificate status), the course's title in every language, and the ids."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    records = []
    for row in db.session.execute(people_query(filters).offset(offset).limit(limit)):
        if row.completed_at is not None:
            status = "completed"
        else:
            status = "in_progress" if row.done or row.seconds or row.attempts else "not_started"
        certified = row.code is not None
        records.append(
            {
                "user_id": row.user_id,
                "organisation_id": row.organisation_id,
                "name": row.full_name,
                "email": row.email,
                "profession": row.profession,
                "county": row.county,
                "course_id": row.course_id,
                "course_title": dict(row.title),
                "version": row.label,
                "enrolled_on": row.enrolled_at.astimezone(zone).date(),
                "status": status,
                "lessons_completed": row.done or 0,
                "required_lessons": row.required or 0,
                "completed_on": row.completed_at.astimezone(zone).date()
                if row.completed_at
                else None,
                "best_score": row.best,
                "minutes_spent": round((row.seconds or 0) / 60),
                "certificate_code": row.code,
                "certificate_status": Certificate.status(row, today) if certified else None,
                "certificate_expires_on": row.expires_on if certified else None,
            }
        )
    return records
