"""The people behind the dashboard, one row per enrolment, and one per course assigned to
someone with no enrolment on it: the people export's rows (translated, typed cells) and the
API's records (codes), from one query read in batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, func, null, select, union_all

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.courses.models import CourseVersion, Lesson
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.organisations.tree import tree
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting import assigned
from elearn.reporting.scope import Filters, narrowed, people, roomy_transaction

BATCH = 1000


def organisation_paths(root_id: int) -> dict[int, str]:
    """'Parent › Child › Grandchild' for every organisation of the subtree (one query)."""
    paths: dict[int, str] = {}
    trail: list[str] = []
    for node in tree(root_id):
        trail[node.depth :] = [node.organisation.name]
        paths[node.organisation.id] = " › ".join(trail)
    return paths


def study_time_format():
    """A function from seconds to "2 h 05 min" (or "25 min"), its words translated once."""
    long, short = _("%(hours)d h %(minutes)02d min"), _("%(minutes)d min")

    def study_time(seconds: int | None) -> str:
        minutes = round((seconds or 0) / 60)
        if minutes >= 60:
            return long % {"hours": minutes // 60, "minutes": minutes % 60}
        return short % {"minutes": minutes}

    return study_time


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
        _("Time on lessons"),
        _("Certificate code"),
        _("Certificate status"),
        _("Certificate expires on"),
        _("Due on"),
        _("Assignment status"),
    ]


def people_query(filters: Filters, today: date) -> Select:
    """Each enrolment of the people counted, and each course assigned to one of them who
    never enrolled on it, with what the export shows (the assignment: the row that counts,
    elearn/reporting/assigned.py); by organisation, name and course (unique: a person has one
    enrolment and one counted assignment per course)."""
    counted = people(filters)  # one tree CTE for both halves
    scoped = narrowed(select(Enrolment).where(Enrolment.user_id.in_(counted)), filters)
    scoped = scoped.subquery("scoped")
    due = assigned.current(counted.subquery("counted"), filters).cte("due")
    state = assigned.state(due, today).label("assignment")
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
    person = (
        User.id.label("user_id"),
        User.organisation_id,
        User.full_name,
        User.email,
        User.profession,
        User.county,
        User.search_key,
    )
    enrolled = (
        select(
            *person,
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
            due.c.due_on,
            state,
        )
        .join(scoped, scoped.c.user_id == User.id)
        .join(CourseVersion, CourseVersion.id == scoped.c.version_id)
        .outerjoin(required, required.c.version_id == scoped.c.version_id)
        .outerjoin(
            Certificate,
            (Certificate.enrolment_id == scoped.c.id) & Certificate.id.in_(current),
        )
        .outerjoin(
            due, and_(due.c.user_id == scoped.c.user_id, due.c.course_id == scoped.c.course_id)
        )
    )
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.id).label("version_id"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    never_enrolled = ~exists().where(
        Enrolment.user_id == due.c.user_id, Enrolment.course_id == due.c.course_id
    )
    nothing = [null()] * 12  # the version, enrolment and certificate columns
    only_assigned = (
        select(*person, due.c.course_id, CourseVersion.title, *nothing, due.c.due_on, state)
        .select_from(due)
        .join(User, User.id == due.c.user_id)
        .join(newest, newest.c.course_id == due.c.course_id)
        .join(CourseVersion, CourseVersion.id == newest.c.version_id)
        .where(never_enrolled)
    )
    rows = union_all(enrolled, only_assigned).subquery("rows")
    return select(rows).order_by(
        rows.c.organisation_id, rows.c.search_key, rows.c.user_id, rows.c.course_id
    )


def people_count(filters: Filters, today: date) -> int:
    """How many rows ``people_query`` has (one query)."""
    query = people_query(filters, today).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query))


def _status(row) -> str:
    """not_enrolled, not_started, in_progress or completed."""
    if row.enrolled_at is None:
        return "not_enrolled"
    if row.completed_at is not None:
        return "completed"
    return "in_progress" if row.done or row.seconds or row.attempts else "not_started"


def people_rows(filters: Filters, today: date, language: str) -> Iterator[list]:
    """The rows of ``people_query`` by organisation and name, typed (dates as dates, numbers
    as numbers); read in batches of BATCH rows."""
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
    progress = {
        "completed": _("completed"),
        "in_progress": _("in progress"),
        "not_started": _("not started"),
        "not_enrolled": _("not enrolled"),
    }
    states = {
        "met_on_time": _("met on time"),
        "met_late": _("met late"),
        "overdue": _("overdue"),
        "due_soon": _("due within %(num)d days", num=assigned.DUE_SOON_DAYS),
        "due_later": _("due later"),
    }
    professions = {key: str(label) for key, label in PROFESSIONS.items()}
    counties = {key: str(label) for key, label in COUNTIES.items()}
    study_time = study_time_format()
    query = people_query(filters, today).execution_options(yield_per=BATCH)
    for row in db.session.execute(query):
        certified = row.code is not None
        yield [
            paths.get(row.organisation_id, ""),
            row.full_name,
            row.email,
            professions.get(row.profession, row.profession or ""),
            counties.get(row.county, row.county or ""),
            row.title.get(language) or next(iter(row.title.values()), ""),
            row.label,
            row.enrolled_at.astimezone(zone).date() if row.enrolled_at else None,
            progress[_status(row)],
            row.done or 0,
            row.required or 0,
            row.completed_at.astimezone(zone).date() if row.completed_at else None,
            row.best,
            round((row.seconds or 0) / 60),
            study_time(row.seconds) if row.enrolled_at else None,
            row.code,
            # The certificate's own rule, read from the row's columns (no object per row).
            statuses[Certificate.status(row, today)] if certified else None,
            row.expires_on if certified else None,
            row.due_on,
            states.get(row.assignment),
        ]


def people_records(filters: Filters, today: date, *, offset: int, limit: int) -> list[dict]:
    """A page of the same rows for the API: codes instead of words (status, profession,
    county, certificate status), the course's title in every language, and the ids."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    records = []
    for row in db.session.execute(people_query(filters, today).offset(offset).limit(limit)):
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
                "enrolled_on": row.enrolled_at.astimezone(zone).date() if row.enrolled_at else None,
                "status": _status(row),
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
                "due_on": row.due_on,
                "assignment_status": row.assignment,
            }
        )
    return records
