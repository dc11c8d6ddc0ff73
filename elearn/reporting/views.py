"""The completion dashboard of an organisation and everything below it, and the people
behind each of its counts. Managers of the organisation (or of one above it) and
administrators only."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_login import current_user
from sqlalchemy import select

from elearn.access import roles_required
from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.certificates.models import Certificate
from elearn.certificates.services import today
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.i18n import current_language
from elearn.organisations.models import Organisation
from elearn.organisations.services import can_manage
from elearn.reference import COUNTIES, PROFESSIONS
from elearn.reporting import aggregates, assigned, bp, exports, figures, people_export
from elearn.reporting.forms import course_choices, read_filters
from elearn.reporting.scope import Filters, enrolments
from elearn.reporting.snapshots import kept_dashboard

SORTABLE = {
    "course": lambda row: str(row.title.get("en", "")).casefold(),
    "enrolled": lambda row: row.enrolled,
    "not_started": lambda row: row.not_started,
    "in_progress": lambda row: row.in_progress,
    "completed": lambda row: row.completed,
    "rate": lambda row: row.completion_rate or 0.0,
    "certificates": lambda row: row.valid_certificates,
    "expiring": lambda row: row.expiring_certificates,
    "days": lambda row: row.median_days_to_complete or 0.0,
    "minutes": lambda row: row.median_minutes_spent or 0.0,
    "score": lambda row: row.average_best_score or 0.0,
    "assigned": lambda row: row.assigned,
    "met_on_time": lambda row: row.met_on_time,
    "met_late": lambda row: row.met_late,
    "overdue": lambda row: row.overdue,
    "due_soon": lambda row: row.due_soon,
}
STATUSES = ("enrolled", "not_started", "in_progress", "completed", "certified", "expiring")
PEOPLE_LIMIT = 500


def managed_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not can_manage(current_user, organisation.id):
        abort(403)
    return organisation


def _read_filters(organisation: Organisation):
    """(form, Filters or None): None when the filters are not valid (the form says why)."""
    return read_filters(request.args, organisation.id)


@bp.get("/organisations/<int:organisation_id>/dashboard")
@roles_required(Role.MANAGER, Role.ADMIN)
def dashboard(organisation_id: int):
    """Completion by course, with breakdowns and charts; every count links to its people."""
    organisation = managed_or_404(organisation_id)
    form, filters = _read_filters(organisation)
    if filters is None:
        return render_template(
            "reporting/dashboard.html", organisation=organisation, form=form, report=None
        ), 400
    sort = request.args.get("sort", "course")
    descending = request.args.get("order") == "desc"
    report = _report(filters)
    report.courses.sort(key=SORTABLE.get(sort, SORTABLE["course"]), reverse=descending)
    return render_template(
        "reporting/dashboard.html",
        organisation=organisation,
        form=form,
        filters=filters,
        report=report,
        sort=sort,
        descending=descending,
        computed_at=report.computed_at,
        cache_minutes=current_app.config["REPORTING_CACHE_SECONDS"] // 60,
        expiring_days=aggregates.EXPIRING_DAYS,
        due_soon_days=assigned.DUE_SOON_DAYS,
        professions=PROFESSIONS,
        counties=COUNTIES,
    )


def _report(filters: Filters) -> figures.Dashboard:
    labels = {"profession": PROFESSIONS, "county": COUNTIES}
    return kept_dashboard(filters, today(), current_language(), labels)


@bp.get("/organisations/<int:organisation_id>/dashboard/people")
@roles_required(Role.MANAGER, Role.ADMIN)
def people(organisation_id: int):
    """The people behind one count of the dashboard, each linked to their learning page."""
    organisation = managed_or_404(organisation_id)
    _form, filters = _read_filters(organisation)
    status = request.args.get("status", "enrolled")
    if filters is not None and status in assigned.STATUSES:
        return _assigned_people(organisation, filters, status)
    if filters is None or status not in STATUSES or not filters.course_id:
        abort(404)
    course = db.session.get(Course, filters.course_id) or abort(404)
    rows = db.session.execute(_people_query(filters, status).limit(PEOPLE_LIMIT + 1)).all()
    return render_template(
        "reporting/people.html",
        organisation=organisation,
        course=course,
        title=dict(course_choices()).get(course.id, course.slug),
        status=status,
        filters=filters,
        rows=rows[:PEOPLE_LIMIT],
        more=len(rows) > PEOPLE_LIMIT,
        study_time=people_export.study_time_format(),
    )


def _assigned_people(organisation: Organisation, filters: Filters, status: str):
    """The people behind an assignment count, on the chosen course or on every course."""
    day = today()
    query = assigned.people_query(filters, status, day).limit(PEOPLE_LIMIT + 1)
    rows = db.session.execute(query).all()
    language = current_language()
    titles = {
        course_id: title.get(language) or next(iter(title.values()), "")
        for course_id, title in figures.course_titles(
            sorted({row[2] for row in rows} | {filters.course_id} - {None})
        ).items()
    }
    return render_template(
        "reporting/assigned_people.html",
        organisation=organisation,
        status=status,
        filters=filters,
        titles=titles,
        today=day,
        due_soon_days=assigned.DUE_SOON_DAYS,
        rows=rows[:PEOPLE_LIMIT],
        more=len(rows) > PEOPLE_LIMIT,
    )


def _people_query(filters: Filters, status: str):
    """(User, Organisation, enrolled, completed, seconds on lessons) of the counted people in
    ``status`` on the course, by name; the same definitions as the dashboard's counts
    (elearn/reporting/figures.py)."""
    scoped = enrolments(filters).subquery()
    query = (
        select(
            User,
            Organisation,
            scoped.c.enrolled_at,
            scoped.c.completed_at,
            scoped.c.seconds_on_lessons,
        )
        .join(scoped, scoped.c.user_id == User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .order_by(User.search_key, User.id)
    )
    started = aggregates.started(scoped.c)
    done = scoped.c.completed_at.is_not(None)
    if status == "completed":
        return query.where(done)
    if status == "not_started":
        return query.where(~done, ~started)
    if status == "in_progress":
        return query.where(~done, started)
    if status in ("certified", "expiring"):
        day = today()
        valid = select(Certificate.enrolment_id).where(
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            (Certificate.expires_on.is_(None)) | (Certificate.expires_on >= day),
        )
        if status == "expiring":
            valid = valid.where(
                Certificate.expires_on.is_not(None),
                Certificate.expires_on <= day + timedelta(days=aggregates.EXPIRING_DAYS),
            )
        return query.where(scoped.c.id.in_(valid))
    return query


@bp.get("/organisations/<int:organisation_id>/dashboard/export")
@roles_required(Role.MANAGER, Role.ADMIN)
def export(organisation_id: int):
    """A table of the dashboard, or its people (one row per enrolment), as CSV or XLSX;
    audited before the file leaves."""
    organisation = managed_or_404(organisation_id)
    _form, filters = _read_filters(organisation)
    table = request.args.get("table", "people")
    kind = request.args.get("format", "csv")
    if filters is None or table not in exports.TABLES or kind not in ("csv", "xlsx"):
        abort(404)
    language = current_language()
    record(
        "report.exported",
        actor_id=current_user.id,
        target_type="organisation",
        target_id=organisation.id,
        table=table,
        format=kind,
        **filters.query_args(),
    )
    db.session.commit()
    if table == "people":
        header = people_export.people_header()
        rows = people_export.people_rows(filters, today(), language)
    else:
        header, rows = exports.table_rows(_report(filters), table, language)
    name = f"{table}-{organisation.id}-{today().isoformat()}.{kind}"
    if kind == "csv":
        return Response(
            stream_with_context(exports.csv_chunks(header, rows)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    handle = exports.xlsx_file(header, rows, table)
    return send_file(
        handle,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )
