"""The weekly digest: each manager gets, once per ISO week, an email with the figures of their
organisation and everything below it, and what changed in the seven days before.

Sent by `elearn notify` with the certificate reminders' guarantees: each digest is claimed by
inserting its row (``report_digests``, unique per manager, organisation and week) before the
email goes, so two runs at the same moment cannot both send it; it counts as sent only when
the mail server accepted it; a failed send releases the claim for the next run, and a claim
left by a run that died is taken over after ``LEASE``. docs/reporting.md ("Weekly digest")
says who gets it, when, and what each number means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, or_, select, update

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.certificates.models import Certificate
from elearn.certificates.services import local_day
from elearn.database import claim_to_send, utcnow
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email
from elearn.organisations.models import Organisation
from elearn.organisations.tree import subtree_ids
from elearn.reporting import aggregates, assigned, figures
from elearn.reporting.models import ReportDigest
from elearn.reporting.scope import Filters, enrolments
from elearn.signals import person_erased

LEASE = timedelta(minutes=15)
OVERDUE_LISTED = 20  # people named in the digest; the link to the dashboard lists them all
KEPT_FOR = timedelta(weeks=8)  # then the record of who got which week's digest goes


@dataclass(frozen=True)
class Schedule:
    """When this week's digest is due, and the seven days it reports on."""

    week: date  # the Monday of the ISO week, local calendar
    due_at: datetime  # the configured weekday and hour, local time, as an aware datetime
    since: date  # the first day reported on
    until: date  # the day after the last one reported on: the digest's own day
    start: datetime  # local midnight starting ``since``
    end: datetime  # local midnight starting ``until``


@dataclass
class CourseChanges:
    """What happened on one course in the seven days reported on."""

    new_enrolments: int = 0
    new_completions: int = 0
    expired_certificates: int = 0


@dataclass
class Digest:
    organisation: Organisation
    schedule: Schedule
    members: int
    courses: list[figures.CourseFigures]
    changes: dict[int, CourseChanges] = field(default_factory=dict)
    join_requests: int = 0
    # (name, course id, due date) of the first OVERDUE_LISTED people overdue, longest first.
    overdue: list[tuple[str, int, date]] = field(default_factory=list)
    today: date | None = None  # the day the figures were counted on

    @property
    def overdue_total(self) -> int:
        return sum(course.overdue for course in self.courses)

    @property
    def is_empty(self) -> bool:
        """Nobody counted is enrolled on or assigned anything, and nobody waits to join:
        nothing to say."""
        return not self.courses and not self.join_requests


def schedule(now: datetime) -> Schedule:
    """The digest of the ISO week ``now`` falls in: due on REPORT_DIGEST_WEEKDAY (1 = Monday)
    at REPORT_DIGEST_HOUR, local time; it reports on the seven days before that day."""
    config = current_app.config
    zone = ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])
    today = local_day(now)
    week = today - timedelta(days=today.weekday())
    day = week + timedelta(days=config["REPORT_DIGEST_WEEKDAY"] - 1)
    since = day - timedelta(days=7)
    return Schedule(
        week=week,
        due_at=datetime.combine(day, time(config["REPORT_DIGEST_HOUR"]), tzinfo=zone),
        since=since,
        until=day,
        start=datetime.combine(since, time(), tzinfo=zone),
        end=datetime.combine(day, time(), tzinfo=zone),
    )


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """Send every digest due this week that has not gone yet; returns how many were sent,
    failed, and skipped because their organisation had nothing to report. Forgets the
    digests of weeks more than ``KEPT_FOR`` ago."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    when = schedule(now)
    db.session.execute(delete(ReportDigest).where(ReportDigest.week < when.week - KEPT_FOR))
    db.session.commit()
    if not current_app.config["REPORT_DIGEST_WEEKDAY"] or now < when.due_at:
        return counts
    built: dict[int, Digest] = {}  # one organisation's figures serve all its managers
    for user_id, organisation_id in db.session.execute(_recipients(when.week, now)).all():
        claim = _claim(user_id, organisation_id, when.week, now)
        if claim is None:
            continue
        if organisation_id not in built:
            built[organisation_id] = build_digest(organisation_id, when, local_day(now))
        digest = built[organisation_id]
        done = update(ReportDigest).where(ReportDigest.id == claim)
        if digest.is_empty:
            db.session.execute(done.values(skipped=True))
            counts["skipped"] += 1
        elif _send(db.session.get(User, user_id), digest):
            db.session.execute(done.values(sent_at=utcnow()))
            counts["sent"] += 1
        else:
            db.session.execute(delete(ReportDigest).where(ReportDigest.id == claim))
            counts["failed"] += 1
        db.session.commit()
    return counts


def _recipients(week: date, now: datetime):
    """(user id, organisation id) of every manager who should get this week's digest and has
    not: active, address confirmed, a confirmed member of the organisation they manage, not
    opted out, and no digest sent, skipped or being sent (a fresh claim) for the week."""
    settled = exists().where(
        ReportDigest.user_id == User.id,
        ReportDigest.organisation_id == User.organisation_id,
        ReportDigest.week == week,
        or_(
            ReportDigest.sent_at.is_not(None),
            ReportDigest.skipped.is_(True),
            ReportDigest.claimed_at >= now - LEASE,
        ),
    )
    return (
        select(User.id, User.organisation_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.MANAGER,
            User.weekly_digest.is_(True),
            User.organisation_id.is_not(None),
            User.organisation_confirmed_at.is_not(None),
            User.email_confirmed_at.is_not(None),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            ~settled,
        )
        .order_by(User.id)
    )


def _claim(user_id: int, organisation_id: int, week: date, now: datetime) -> int | None:
    """The digest row's id if this run may send it now, else None (committed either way)."""
    key = {"user_id": user_id, "organisation_id": organisation_id, "week": week}
    return claim_to_send(db.session, ReportDigest, key, now, LEASE)


def build_digest(organisation_id: int, when: Schedule, today: date) -> Digest:
    """The digest of an organisation and everything below it: the dashboard's own figures
    (elearn/reporting/figures.py, the same definitions), what changed in the seven days
    reported on, and who is overdue; a fixed number of queries whatever the data."""
    filters = Filters(organisation_id=organisation_id)
    report = figures.dashboard(filters, today)  # live: not the dashboard's few-minute cache
    digest = Digest(
        organisation=db.session.get(Organisation, organisation_id),
        schedule=when,
        members=report.members,
        courses=report.courses,
        join_requests=join_requests(organisation_id),
        today=today,
    )
    if digest.courses:
        digest.changes = changes(filters, when)
    if digest.overdue_total:
        digest.overdue = assigned.overdue_people(filters, today, OVERDUE_LISTED)
    return digest


def changes(filters: Filters, when: Schedule) -> dict[int, CourseChanges]:
    """Per course: enrolments made and completions reached in the period, and certificates
    that expired in it (their last valid day fell in it, and they were not renewed or
    revoked); of the people counted now, two queries."""
    start, end = when.start, when.end
    scoped = enrolments(filters).subquery()
    enrolled = and_(scoped.c.enrolled_at >= start, scoped.c.enrolled_at < end)
    completed = and_(scoped.c.completed_at >= start, scoped.c.completed_at < end)
    result: dict[int, CourseChanges] = {}
    for course_id, new, done in db.session.execute(
        select(
            scoped.c.course_id,
            func.count().filter(enrolled),
            func.count().filter(completed),
        )
        .where(or_(enrolled, completed))
        .group_by(scoped.c.course_id)
    ):
        result[course_id] = CourseChanges(new_enrolments=new, new_completions=done)
    for course_id, expired in db.session.execute(
        select(Certificate.course_id, func.count())
        .where(
            Certificate.enrolment_id.in_(select(scoped.c.id)),
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            Certificate.expires_on >= when.since,
            Certificate.expires_on < when.until,
        )
        .group_by(Certificate.course_id)
    ):
        result.setdefault(course_id, CourseChanges()).expired_certificates = expired
    return result


def join_requests(organisation_id: int) -> int:
    """Requests to join the organisation or one below it that wait for a manager, counted as
    the members page lists them (active, not erased); one query."""
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id.in_(subtree_ids(organisation_id)),
            User.organisation_confirmed_at.is_(None),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
        )
    )


def _send(manager: User | None, digest: Digest) -> bool:
    if manager is None:  # deleted since the run began; its claim went with it
        return False
    language = manager.preferred_language
    rows = [
        (_title(course.title, language), course, digest.changes.get(course.course_id))
        for course in digest.courses
    ]
    rows.sort(key=lambda row: row[0].casefold())
    titles = {course.course_id: _title(course.title, language) for course in digest.courses}
    today = digest.today or digest.schedule.until
    overdue = [
        (name, titles.get(course_id, ""), due_on, (today - due_on).days)
        for name, course_id, due_on in digest.overdue
    ]
    return send_email(
        to=manager.email,
        language=language,
        subject=_l("Weekly summary: %(organisation)s", organisation=digest.organisation.name),
        template="report_digest",
        manager=manager,
        digest=digest,
        rows=rows,
        last_day=digest.schedule.until - timedelta(days=1),
        expiring_days=aggregates.EXPIRING_DAYS,
        due_soon_days=assigned.DUE_SOON_DAYS,
        overdue=overdue,
        more_overdue=digest.overdue_total - len(overdue),
        overdue_link=external_url(
            "reporting.people", organisation_id=digest.organisation.id, status="overdue"
        ),
        dashboard=external_url("reporting.dashboard", organisation_id=digest.organisation.id),
        profile=external_url("accounts.profile"),
    )


def _title(title: dict, language: str) -> str:
    return title.get(language) or next(iter(title.values()), "")


@person_erased.connect
def forget_erased_manager(_user, *, user_id: int, **_details) -> None:
    """Which digests went to a person is theirs: erasure removes the record."""
    db.session.execute(delete(ReportDigest).where(ReportDigest.user_id == user_id))
