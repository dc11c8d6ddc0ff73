"""The SQL pieces of the reach figures: which sessions and events count, the local month and
day of a timestamp, and one statement that groups a source by several dimensions at once
(GROUPING SETS on PostgreSQL: one scan of a million sessions; a UNION over a CTE on SQLite).
docs/reporting.md ("Reach") defines every figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    Date,
    Integer,
    String,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.sql import ColumnElement

from elearn.events.models import Event, EventRegistration
from elearn.extensions import db
from elearn.organisations.models import Organisation
from elearn.reach.models import DeliveredSession, SessionMonth

# The audience of an event for specialists (the NGO's trainings), beside the session audiences.
SPECIALISTS = "specialists"
TRAINING = "training"


@dataclass(frozen=True)
class ReachFilters:
    """Whose reach, and which part of it. ``organisation_ids`` None: everyone's (the NGO's
    coordinator); otherwise an organisation's subtree."""

    organisation_ids: tuple[int, ...] | None = None
    start: date | None = None  # delivered on / starting on or after (local day)
    end: date | None = None  # on or before
    county: str | None = None
    course_id: int | None = None  # sessions only: events follow no course

    def query_args(self) -> dict:
        values = {
            "since": self.start.isoformat() if self.start else None,
            "until": self.end.isoformat() if self.end else None,
            "county": self.county,
            "course": self.course_id,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def day_start(day: date) -> datetime:
    """Midnight of a local day, as an aware datetime."""
    return datetime.combine(day, time(), tzinfo=zone())


def _local(column: ColumnElement) -> ColumnElement:
    """A UTC timestamp as local wall-clock time. PostgreSQL converts with the platform's zone.
    SQLite (development only) has no zones: Romania is UTC+3 from the last Sunday of March to
    the last Sunday of October and UTC+2 otherwise; shifting by 3 hours when that lands in
    April to October and by 2 otherwise gives every local month exactly, and every local day
    except for an hour on a few days around the two changes."""
    if postgresql():
        return func.timezone(current_app.config["BABEL_DEFAULT_TIMEZONE"], column)
    summer = func.strftime("%m", column, "+3 hours").between("04", "10")
    return func.datetime(column, case((summer, "+3 hours"), else_="+2 hours"))


def local_month(column: ColumnElement) -> ColumnElement:
    """'YYYY-MM' of a UTC timestamp in the platform's time zone."""
    if postgresql():
        return func.to_char(_local(column), "YYYY-MM")
    return func.strftime("%Y-%m", _local(column))


def date_month(column: ColumnElement) -> ColumnElement:
    """'YYYY-MM' of a date (already a local day)."""
    if postgresql():
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def days_from_local_day(day: ColumnElement, moment: ColumnElement) -> ColumnElement:
    """Whole days from the local day of ``moment`` (a UTC timestamp) to the date ``day``."""
    if postgresql():
        return day - cast(_local(moment), Date)
    return cast(func.julianday(day) - func.julianday(func.date(_local(moment))), Integer)


def counted_sessions(filters: ReachFilters) -> list[ColumnElement]:
    """The conditions of a session that counts: not replaced by a correction, in the scope,
    the period, the county and the course."""
    where = [DeliveredSession.replaced_by_id.is_(None)]
    if filters.organisation_ids is not None:
        where.append(DeliveredSession.organisation_id.in_(filters.organisation_ids))
    if filters.start:
        where.append(DeliveredSession.delivered_on >= filters.start)
    if filters.end:
        where.append(DeliveredSession.delivered_on <= filters.end)
    if filters.county:
        where.append(DeliveredSession.county == filters.county)
    if filters.course_id:
        where.append(DeliveredSession.course_id == filters.course_id)
    return where


def counted_events(filters: ReachFilters, now: datetime) -> list[ColumnElement]:
    """The conditions of an event that counts: published, not cancelled, started, organised
    in the scope, in the period and the county."""
    where = [
        Event.published_at.is_not(None),
        Event.cancelled_at.is_(None),
        Event.starts_at <= now,
    ]
    if filters.organisation_ids is not None:
        where.append(Event.organisation_id.in_(filters.organisation_ids))
    if filters.start:
        where.append(Event.starts_at >= day_start(filters.start))
    if filters.end:
        where.append(Event.starts_at < day_start(filters.end + timedelta(days=1)))
    if filters.county:
        where.append(Event.county == filters.county)
    return where


def _ledger_rows(filters: ReachFilters, month, *where):
    """The counted sessions of the ledger, one row each, in the columns of a session source."""
    return select(
        DeliveredSession.profession.label("profession"),
        DeliveredSession.county.label("county"),
        DeliveredSession.audience.label("audience"),
        DeliveredSession.age_band.label("age_band"),
        DeliveredSession.setting.label("setting"),
        month.label("month"),
        literal(1).label("sessions"),
        DeliveredSession.declared_count.label("declared"),
        DeliveredSession.confirmed_count.label("confirmed"),
        DeliveredSession.materials_count.label("materials"),
    ).where(*counted_sessions(filters), *where)


def session_source(filters: ReachFilters):
    """The counted sessions of ``filters`` with their dimensions and measures (``sessions``:
    how many a row stands for). Everyone's (no organisation named) come from the monthly
    summary for the whole months of the period and from the ledger for the days of a month it
    only partly covers; an organisation's from the ledger. On PostgreSQL the ledger's month is
    the first day of the month there (``month_key`` makes it 'YYYY-MM'): truncating a date
    costs a tenth of formatting it, over a million rows."""
    if filters.organisation_ids is None:
        return _summary_source(filters)
    if _every_organisation(filters.organisation_ids):
        return _summary_source(filters, organised=True)
    if postgresql():
        month = func.date_trunc("month", DeliveredSession.delivered_on)
    else:
        month = date_month(DeliveredSession.delivered_on)
    return _ledger_rows(filters, month).subquery("counted_sessions")


def _every_organisation(ids: tuple[int, ...]) -> bool:
    """Whether ``ids`` (a subtree) holds every organisation: a root above all the others,
    whose sessions are then all those with an organisation."""
    if len(ids) < 2:  # one organisation alone: its few rows are read in the ledger
        return False
    return len(set(ids)) == db.session.scalar(select(func.count()).select_from(Organisation))


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _summary_source(filters: ReachFilters, *, organised: bool = False):
    first = None  # the first day of the first whole month of the period, if it has a start
    if filters.start:
        first = filters.start if filters.start.day == 1 else _month_after(filters.start)
    after = None  # the day after the last whole month, if the period has an end
    if filters.end:
        end_next = filters.end + timedelta(days=1)
        after = end_next if end_next.day == 1 else filters.end.replace(day=1)
    if first and after and first >= after:  # not one whole month: the ledger alone
        return _ledger_rows(filters, date_month(DeliveredSession.delivered_on)).subquery(
            "counted_sessions"
        )
    summary = select(
        SessionMonth.profession.label("profession"),
        SessionMonth.county.label("county"),
        SessionMonth.audience.label("audience"),
        func.nullif(SessionMonth.age_band, "").label("age_band"),
        SessionMonth.setting.label("setting"),
        SessionMonth.month.label("month"),
        SessionMonth.sessions.label("sessions"),
        SessionMonth.declared.label("declared"),
        SessionMonth.confirmed.label("confirmed"),
        SessionMonth.materials.label("materials"),
    )
    if first:
        summary = summary.where(SessionMonth.month >= first.strftime("%Y-%m"))
    if after:
        summary = summary.where(SessionMonth.month < after.strftime("%Y-%m"))
    if filters.county:
        summary = summary.where(SessionMonth.county == filters.county)
    if filters.course_id:
        summary = summary.where(SessionMonth.course_id == filters.course_id)
    if organised:
        summary = summary.where(SessionMonth.organised == 1)
    edges = []  # the days of the period outside its whole months
    if first and first != filters.start:
        edges.append(DeliveredSession.delivered_on < first)
    if after and after != filters.end + timedelta(days=1):
        edges.append(DeliveredSession.delivered_on >= after)
    if not edges:
        return summary.subquery("counted_sessions")
    ledger = _ledger_rows(filters, date_month(DeliveredSession.delivered_on), or_(*edges))
    return union_all(summary, ledger).subquery("counted_sessions")


def month_key(value) -> str | None:
    """'YYYY-MM' of a month as a source gives it: already text, or a first day (PostgreSQL)."""
    if value is None or isinstance(value, str):
        return value
    return value.strftime("%Y-%m")


def event_source(filters: ReachFilters, now: datetime):
    """One row per counted event: county ('' for online only), audience, month, whether it
    was for specialists, the registered people marked present, the unregistered ones counted,
    and the materials handed out."""
    present = (
        select(EventRegistration.event_id.label("event_id"), func.count().label("present"))
        .where(EventRegistration.attended_at.is_not(None))
        .group_by(EventRegistration.event_id)
        .subquery("present")
    )
    for_specialists = or_(Event.audience == SPECIALISTS, Event.kind == TRAINING)
    return (
        select(
            func.coalesce(Event.county, "").label("county"),
            Event.audience.label("audience"),
            local_month(Event.starts_at).label("month"),
            case((for_specialists, "yes"), else_="no").label("specialists"),
            func.coalesce(present.c.present, 0).label("present"),
            Event.unregistered_attendees.label("unregistered"),
            Event.materials_count.label("materials"),
        )
        .outerjoin(present, present.c.event_id == Event.id)
        .where(*counted_events(filters, now))
        .subquery("counted_events")
    )


def grouped(source, dimensions: list[str], sets: dict[str, tuple[str, ...]], measures):
    """[(set name, {dimension: key}, (measure, ...))] of ``source`` grouped by every set of
    ``sets`` in one statement. ``measures(source)`` gives the aggregate columns."""
    if postgresql():
        columns = [source.c[name] for name in dimensions]
        query = select(*columns, func.grouping(*columns), *measures(source)).group_by(
            func.grouping_sets(*[tuple_(*[source.c[name] for name in s]) for s in sets.values()])
        )
        names = {_mask(dimensions, s): name for name, s in sets.items()}
        result = []
        for row in db.session.execute(query):
            name = names[row[len(dimensions)]]
            keys = {d: row[i] for i, d in enumerate(dimensions) if d in sets[name]}
            result.append((name, keys, tuple(row[len(dimensions) + 1 :])))
        return result
    cte = source.element.cte("source") if hasattr(source, "element") else source
    parts = [
        select(
            literal(name, String),
            *[cte.c[d] if d in s else null() for d in dimensions],
            *measures(cte),
        )
        # The FROM, even for the total's part, whose columns name none of the source's:
        # without it SQLite counts one row of nothing.
        .select_from(cte)
        .group_by(*[cte.c[d] for d in s])
        for name, s in sets.items()
    ]
    result = []
    for row in db.session.execute(union_all(*parts)):
        name = row[0]
        keys = {d: row[1 + i] for i, d in enumerate(dimensions) if d in sets[name]}
        result.append((name, keys, tuple(row[1 + len(dimensions) :])))
    return result


def _mask(dimensions: list[str], grouped_by: tuple[str, ...]) -> int:
    """PostgreSQL's GROUPING() of a set: a 1 bit for each dimension it does not group by, the
    first dimension the most significant."""
    size = len(dimensions)
    return sum(1 << (size - 1 - i) for i, d in enumerate(dimensions) if d not in grouped_by)
