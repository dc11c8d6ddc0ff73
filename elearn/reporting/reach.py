"""The reach figures: sessions delivered and the people they reached (declared and
confirmed), events and their attendance, materials handed out, by profession, county,
audience, setting and month; the cascade; the activation rate. Every figure is aggregated in
SQL, in a fixed number of statements whatever the data (docs/reporting.md, "Reach")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, distinct, exists, func, select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.reach.models import DeliveredSession
from elearn.reporting.reach_sql import (
    ReachFilters,
    day_start,
    days_from_local_day,
    event_source,
    grouped,
    month_key,
    session_source,
)
from elearn.resources.models import ResourceDownloadDay

ACTIVATION_DAYS = 90
SESSION_DIMENSIONS = ["profession", "county", "audience", "age_band", "setting", "month"]
SESSION_SETS = {
    "total": (),
    "profession": ("profession",),
    "county": ("county",),
    "audience": ("audience",),
    "age_band": ("audience", "age_band"),
    "setting": ("setting",),
    "month": ("month",),
}
EVENT_DIMENSIONS = ["county", "audience", "month", "specialists"]
EVENT_SETS = {
    "total": (),
    "county": ("county",),
    "audience": ("audience",),
    "month": ("month",),
    "specialists": ("specialists",),
}


@dataclass
class Sessions:
    sessions: int = 0
    declared: int = 0
    confirmed: int = 0
    materials: int = 0


@dataclass
class Events:
    events: int = 0
    present: int = 0  # registered and marked present
    unregistered: int = 0  # present without having registered, counted
    materials: int = 0

    @property
    def attendance(self) -> int:
        return self.present + self.unregistered


@dataclass
class Reach:
    """Totals, and per dimension a list of (key, figures), keys sorted."""

    sessions: Sessions
    events: Events
    session_by: dict[str, list[tuple]] = field(default_factory=dict)
    event_by: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def materials(self) -> int:
        return self.sessions.materials + self.events.materials

    def events_for_specialists(self) -> Events:
        return dict(self.event_by.get("specialists", [])).get("yes", Events())

    def events_for_others(self) -> Events:
        return dict(self.event_by.get("specialists", [])).get("no", Events())


def _session_measures(source):
    return [
        func.coalesce(func.sum(source.c.sessions), 0),
        func.coalesce(func.sum(source.c.declared), 0),
        func.coalesce(func.sum(source.c.confirmed), 0),
        func.coalesce(func.sum(source.c.materials), 0),
    ]


def _event_measures(source):
    return [
        func.count(),
        func.coalesce(func.sum(source.c.present), 0),
        func.coalesce(func.sum(source.c.unregistered), 0),
        func.coalesce(func.sum(source.c.materials), 0),
    ]


def _key(name: str, keys: dict):
    if name == "month":
        return month_key(keys["month"])
    return keys.get(name)


def reach(filters: ReachFilters, now: datetime) -> Reach:
    """Sessions and events of ``filters``, in two statements."""
    result = Reach(sessions=Sessions(), events=Events())
    rows = grouped(session_source(filters), SESSION_DIMENSIONS, SESSION_SETS, _session_measures)
    for name, keys, measures in rows:
        figures = Sessions(*(int(value) for value in measures))
        if name == "total":
            result.sessions = figures
        elif name == "age_band" and keys["audience"] != "pupils":
            continue  # the age band is asked for pupils only
        else:
            result.session_by.setdefault(name, []).append((_key(name, keys), figures))
    rows = grouped(event_source(filters, now), EVENT_DIMENSIONS, EVENT_SETS, _event_measures)
    for name, keys, measures in rows:
        figures = Events(*(int(value) for value in measures))
        if name == "total":
            result.events = figures
        else:
            result.event_by.setdefault(name, []).append((keys[name], figures))
    for table in (*result.session_by.values(), *result.event_by.values()):
        table.sort(key=lambda pair: (pair[0] is None, pair[0] or ""))
    return result


def downloads(filters: ReachFilters) -> int:
    """Downloads of the library's files in the period: counted apart, as nobody is known
    behind a download (so no organisation, county or course narrows them)."""
    query = select(func.coalesce(func.sum(ResourceDownloadDay.downloads), 0))
    if filters.start:
        query = query.where(ResourceDownloadDay.day >= filters.start)
    if filters.end:
        query = query.where(ResourceDownloadDay.day <= filters.end)
    return int(db.session.scalar(query))


@dataclass
class Activation:
    """People certified for the first time in the period, and those of them who recorded a
    session within ACTIVATION_DAYS of that certificate."""

    certified: int = 0
    active: int = 0

    @property
    def rate(self) -> float | None:
        return self.active / self.certified if self.certified else None


def _first_certificates(people):
    """Each person's first certificate (of any course, not revoked): who and when."""
    query = select(
        Certificate.user_id.label("user_id"), func.min(Certificate.issued_at).label("issued_at")
    ).where(Certificate.revoked_at.is_(None))
    if people is not None:
        query = query.where(Certificate.user_id.in_(people))
    return query.group_by(Certificate.user_id).subquery("first_certificates")


def activation(filters: ReachFilters, people=None) -> dict[str, list[tuple]]:
    """{"total": [(None, Activation)], "profession": [...], "county": [...]} in one statement;
    ``people`` a SELECT of the ids counted (None: everyone). The county and course filters do
    not apply: the cohort is who was certified, wherever they then delivered."""
    first = _first_certificates(people)
    days = days_from_local_day(DeliveredSession.delivered_on, first.c.issued_at)
    delivered = exists().where(
        DeliveredSession.user_id == first.c.user_id,
        DeliveredSession.replaced_by_id.is_(None),
        days >= 0,
        days <= ACTIVATION_DAYS,
    )
    query = (
        select(
            User.profession.label("profession"),
            User.county.label("county"),
            case((delivered, 1), else_=0).label("active"),
        )
        .select_from(first)
        .join(User, User.id == first.c.user_id)
    )
    if filters.start:
        query = query.where(first.c.issued_at >= day_start(filters.start))
    if filters.end:
        query = query.where(first.c.issued_at < day_start(filters.end + timedelta(days=1)))
    source = query.subquery("cohort")

    def measures(source):
        return [func.count(), func.coalesce(func.sum(source.c.active), 0)]

    sets = {"total": (), "profession": ("profession",), "county": ("county",)}
    result: dict[str, list[tuple]] = {"total": [(None, Activation())]}
    for name, keys, (certified, active) in grouped(
        source, ["profession", "county"], sets, measures
    ):
        result.setdefault(name, [])
        if name == "total":
            result[name] = [(None, Activation(int(certified), int(active)))]
        else:
            result[name].append((keys[name], Activation(int(certified), int(active))))
    for name in ("profession", "county"):
        result.setdefault(name, []).sort(key=lambda pair: pair[0] or "")
    return result


@dataclass
class Cascade:
    """Level 1: the NGO's trainers and their trainings; level 2: the specialists trained;
    level 3: the people those specialists reached."""

    trainers: int
    trainings: Events
    certified: int
    certified_by: dict[str, list[tuple[str, int]]]
    reach: Reach

    @property
    def trained(self) -> int:
        return self.certified + self.trainings.attendance

    @property
    def reached_declared(self) -> int:
        return self.reach.sessions.declared + self.reach.events_for_others().attendance

    @property
    def reached_confirmed(self) -> int:
        return self.reach.sessions.confirmed + self.reach.events_for_others().attendance


def cascade(filters: ReachFilters, now: datetime) -> Cascade:
    """The coordinator's cascade over everyone (four statements)."""
    trainers = db.session.scalar(
        select(func.count(distinct(User.id)))
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.TRAINER,
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
        )
    )
    certified = select(
        Certificate.user_id.label("user_id"),
        User.profession.label("profession"),
        User.county.label("county"),
    ).join(User, User.id == Certificate.user_id)
    period = [Certificate.revoked_at.is_(None)]
    if filters.start:
        period.append(Certificate.issued_at >= day_start(filters.start))
    if filters.end:
        period.append(Certificate.issued_at < day_start(filters.end + timedelta(days=1)))
    source = (
        certified.where(and_(*period))
        .group_by(Certificate.user_id, User.profession, User.county)
        .subquery("certified")
    )
    sets = {"total": (), "profession": ("profession",), "county": ("county",)}
    by: dict[str, list[tuple[str, int]]] = {"profession": [], "county": []}
    total = 0
    for name, keys, (count,) in grouped(
        source, ["profession", "county"], sets, lambda s: [func.count()]
    ):
        if name == "total":
            total = int(count)
        else:
            by[name].append((keys[name], int(count)))
    for rows in by.values():
        rows.sort(key=lambda pair: pair[0] or "")
    figures = reach(filters, now)
    return Cascade(
        trainers=int(trainers or 0),
        trainings=figures.events_for_specialists(),
        certified=total,
        certified_by=by,
        reach=figures,
    )
