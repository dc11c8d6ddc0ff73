"""The API's JSON documents, built from reporting's figures: whole numbers as integers,
rates and medians as floats, null where a figure does not apply, dates in ISO 8601."""

from __future__ import annotations

from datetime import date

from elearn.organisations.models import Organisation


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _float(value) -> float | None:
    return float(value) if value is not None else None


def organisation(row: Organisation) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "county": row.county,
        "parent_id": row.parent_id,
    }


def filters(chosen) -> dict:
    """The filters applied (reporting.scope.Filters), null for those not chosen."""
    return {
        "organisation": chosen.organisation_id,
        "course": chosen.course_id,
        "profession": chosen.profession,
        "county": chosen.county,
        "since": _day(chosen.start),
        "until": _day(chosen.end),
    }


def course(row) -> dict:
    """One course's figures (reporting.figures.CourseFigures); docs/reporting.md defines
    each. The completion rate is a fraction from 0 to 1, not a percentage."""
    return {
        "course_id": row.course_id,
        "title": dict(row.title),
        "enrolled": row.enrolled,
        "not_started": row.not_started,
        "in_progress": row.in_progress,
        "completed": row.completed,
        "completion_rate": _float(row.completion_rate),
        "valid_certificates": row.valid_certificates,
        "expiring_certificates": row.expiring_certificates,
        "median_days_to_complete": _float(row.median_days_to_complete),
        "median_minutes_spent": _float(row.median_minutes_spent),
        "average_best_score": _float(row.average_best_score),
        **assignments(row),
    }


def assignments(row) -> dict:
    """The assignment figures of a course or a breakdown's row (reporting.figures.Assignments)."""
    return {
        "assigned": row.assigned,
        "met_on_time": row.met_on_time,
        "met_late": row.met_late,
        "overdue": row.overdue,
        "due_soon": row.due_soon,
    }


def breakdown(row) -> dict:
    """One row of a breakdown (reporting.figures.Breakdown)."""
    return {
        "key": row.key,
        "label": row.label,
        "enrolled": row.enrolled,
        "completed": row.completed,
        "completion_rate": _float(row.completion_rate),
        **assignments(row),
    }


def month(value: str, count: int) -> dict:
    return {"month": value, "completed": count}


def person(record: dict, paths: dict[int, str]) -> dict:
    """One enrolment of a counted person, or a course assigned to one who never enrolled on
    it (reporting.people_export.people_records): the people export's columns, with codes
    where the file has translated labels."""
    return {
        **record,
        "organisation_path": paths.get(record["organisation_id"], ""),
        "enrolled_on": _day(record["enrolled_on"]),
        "completed_on": _day(record["completed_on"]),
        "best_score": _float(record["best_score"]),
        "certificate_expires_on": _day(record["certificate_expires_on"]),
        "due_on": _day(record["due_on"]),
    }
