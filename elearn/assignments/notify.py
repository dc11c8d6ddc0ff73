"""`elearn notify`: reminders of assignments' due dates, safe to run as often as one likes.

Four reminders per learner assignment: 14 and 3 days before its due date, 1 and 7 days after
it, each sent at most once, with the certificate reminders' guarantees
(elearn/certificates/notify.py): each is claimed by inserting its row before the email is
sent, so two runs at the same moment cannot both send it; it counts as sent only when the mail
server accepted the message; a failed send releases the claim for the next run, and a claim
left behind by a run that died is taken over after ``LEASE``. A late run sends only the nearest
reminder and marks those it passed as skipped.

Only the unmet row that falls due first, per person and course, is reminded of (two
assignments of one course make one set of reminders), and only to active, not erased people
whose address is confirmed. One query finds every row that needs a reminder now.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from elearn.accounts.models import User
from elearn.assignments.models import AssignmentReminder, LearnerAssignment
from elearn.certificates.services import local_day
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.database import claim_to_send, insert_once, utcnow
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email

LEASE = timedelta(minutes=15)
# Days before the due date (after it: negative), the earliest reminder first.
THRESHOLDS = (14, 3, -1, -7)


def send_assignment_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send every assignment reminder that is due; returns how many were sent, failed and
    skipped (passed by a late run)."""
    now = now or utcnow()
    today = local_day(now)
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    rows = db.session.execute(due_now(today, now)).all()
    titles = course_titles({row.course_id for row in rows})
    links: dict[str, str] = {}
    for row in rows:
        days_left = (row.due_on - today).days
        reached = [days for days in THRESHOLDS if days_left <= days]
        current = min(reached)
        for days in reached:
            if days != current and insert_once(
                db.session,
                AssignmentReminder,
                ("learner_assignment_id", "days"),
                learner_assignment_id=row.id,
                days=days,
                claimed_at=now,
                skipped=True,
            ):
                counts["skipped"] += 1
        db.session.commit()
        key = {"learner_assignment_id": row.id, "days": current}
        claim = claim_to_send(db.session, AssignmentReminder, key, now, LEASE)
        if claim is None:
            continue
        if row.slug not in links:
            links[row.slug] = external_url("learning.course", slug=row.slug)
        if _send(row, days_left, titles.get(row.course_id, {}), links[row.slug]):
            db.session.execute(
                update(AssignmentReminder)
                .where(AssignmentReminder.id == claim)
                .values(sent_at=utcnow())
            )
            counts["sent"] += 1
        else:
            db.session.execute(delete(AssignmentReminder).where(AssignmentReminder.id == claim))
            counts["failed"] += 1
        db.session.commit()
    return counts


def due_now(today: date, now: datetime):
    """Every unmet learner assignment whose nearest reminder has not been sent, skipped, or
    freshly claimed by another run; with what the email needs. One statement."""
    row = LearnerAssignment
    nearest = case(
        *(
            (row.due_on <= today + timedelta(days=days), days)
            for days in sorted(THRESHOLDS)  # the latest reminder reached wins
        ),
    )
    settled = exists().where(
        AssignmentReminder.learner_assignment_id == row.id,
        AssignmentReminder.days == nearest,
        or_(
            AssignmentReminder.sent_at.is_not(None),
            AssignmentReminder.skipped.is_(True),
            AssignmentReminder.claimed_at >= now - LEASE,
        ),
    )
    earlier = aliased(LearnerAssignment)
    falls_due_first = ~exists().where(
        earlier.user_id == row.user_id,
        earlier.course_id == row.course_id,
        earlier.met_at.is_(None),
        or_(earlier.due_on < row.due_on, and_(earlier.due_on == row.due_on, earlier.id < row.id)),
    )
    return (
        select(
            row.id,
            row.course_id,
            row.due_on,
            User.email,
            User.full_name,
            User.preferred_language,
            Course.slug,
        )
        .join(User, User.id == row.user_id)
        .join(Course, Course.id == row.course_id)
        .where(
            row.met_at.is_(None),
            row.due_on <= today + timedelta(days=max(THRESHOLDS)),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            User.email_confirmed_at.is_not(None),
            falls_due_first,
            ~settled,
        )
        .order_by(row.due_on, row.id)
    )


def course_titles(course_ids: set[int]) -> dict[int, dict]:
    """Each course's title by language, from its newest version learners can see (one
    query; none when there is no course)."""
    if not course_ids:
        return {}
    newest = (
        select(func.max(CourseVersion.id))
        .where(
            CourseVersion.course_id.in_(course_ids),
            CourseVersion.status != VersionStatus.DRAFT,
        )
        .group_by(CourseVersion.course_id)
    )
    return dict(
        db.session.execute(
            select(CourseVersion.course_id, CourseVersion.title).where(CourseVersion.id.in_(newest))
        ).all()
    )


def _send(row, days_left: int, title: dict, link: str) -> bool:
    language = row.preferred_language
    course = title.get(language) or next(iter(title.values()), row.slug)
    if days_left > 0:
        subject = lazy_ngettext(
            "Due in %(num)d day: %(course)s",
            "Due in %(num)d days: %(course)s",
            days_left,
            course=course,
        )
    elif days_left == 0:
        subject = _l("Due today: %(course)s", course=course)
    else:
        subject = lazy_ngettext(
            "Overdue by %(num)d day: %(course)s",
            "Overdue by %(num)d days: %(course)s",
            -days_left,
            course=course,
        )
    return send_email(
        to=row.email,
        language=language,
        subject=subject,
        template="assignment_reminder",
        name=row.full_name,
        course=course,
        due_on=row.due_on,
        days_left=days_left,
        link=link,
    )
