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
from elearn.database import claim_all_to_send, insert_once, utcnow
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email

LEASE = timedelta(minutes=15)
# Days before the due date (after it: negative), the earliest reminder first.
THRESHOLDS = (14, 3, -1, -7)


def send_assignment_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send every assignment reminder that is due; returns how many reminders were sent,
    failed and skipped (passed by a late run). A person with several courses at the same
    reminder (a path's courses, due together) gets one email naming them all."""
    now = now or utcnow()
    today = local_day(now)
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    rows = db.session.execute(due_now(today, now)).all()
    titles = course_titles({row.course_id for row in rows})
    groups: dict[tuple[int, int], list] = {}
    for row in rows:
        reached = [days for days in THRESHOLDS if (row.due_on - today).days <= days]
        current = min(reached)
        counts["skipped"] += _skip_passed(row.id, reached, current, now)
        groups.setdefault((row.user_id, current), []).append(row)
    for (_user_id, current), group in groups.items():
        # All of one email's claims in one transaction, in the order of their ids: a run at
        # the same moment cannot take part of them and send a second email about the rest.
        group.sort(key=lambda row: row.id)
        keys = [{"learner_assignment_id": row.id, "days": current} for row in group]
        ids = claim_all_to_send(db.session, AssignmentReminder, keys, now, LEASE)
        if not ids:
            continue
        claimed_rows = set(
            db.session.scalars(
                select(AssignmentReminder.learner_assignment_id).where(
                    AssignmentReminder.id.in_(ids)
                )
            )
        )
        rows_claimed = sorted(
            (row for row in group if row.id in claimed_rows), key=lambda row: (row.due_on, row.id)
        )
        courses = [_course(row, today, titles.get(row.course_id, {})) for row in rows_claimed]
        if _send(rows_claimed[0], courses):
            db.session.execute(
                update(AssignmentReminder)
                .where(AssignmentReminder.id.in_(ids))
                .values(sent_at=utcnow())
            )
            counts["sent"] += len(ids)
        else:
            db.session.execute(delete(AssignmentReminder).where(AssignmentReminder.id.in_(ids)))
            counts["failed"] += len(ids)
        db.session.commit()
    return counts


def _skip_passed(row_id: int, reached: list[int], current: int, now: datetime) -> int:
    """Mark the reminders a late run passed as skipped (committed); how many this run did."""
    skipped = sum(
        insert_once(
            db.session,
            AssignmentReminder,
            ("learner_assignment_id", "days"),
            learner_assignment_id=row_id,
            days=days,
            claimed_at=now,
            skipped=True,
        )
        for days in reached
        if days != current
    )
    db.session.commit()
    return skipped


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
            row.user_id,
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


def _course(row, today: date, title: dict) -> dict:
    """What the email says of one course: its title in the person's language, due date,
    days left (negative: overdue) and link."""
    return {
        "title": title.get(row.preferred_language) or next(iter(title.values()), row.slug),
        "due_on": row.due_on,
        "days_left": (row.due_on - today).days,
        "link": external_url("learning.course", slug=row.slug),
    }


def _send(person, courses: list[dict]) -> bool:
    """One email to ``person`` about ``courses`` (soonest first)."""
    first = courses[0]
    days_left = first["days_left"]
    if len(courses) > 1:
        subject = (
            lazy_ngettext("%(num)d course is overdue", "%(num)d courses are overdue", len(courses))
            if days_left < 0
            else lazy_ngettext(
                "%(num)d course to complete soon", "%(num)d courses to complete soon", len(courses)
            )
        )
    elif days_left > 0:
        subject = lazy_ngettext(
            "Due in %(num)d day: %(course)s",
            "Due in %(num)d days: %(course)s",
            days_left,
            course=first["title"],
        )
    elif days_left == 0:
        subject = _l("Due today: %(course)s", course=first["title"])
    else:
        subject = lazy_ngettext(
            "Overdue by %(num)d day: %(course)s",
            "Overdue by %(num)d days: %(course)s",
            -days_left,
            course=first["title"],
        )
    return send_email(
        to=person.email,
        language=person.preferred_language,
        subject=subject,
        template="assignment_reminder",
        name=person.full_name,
        courses=courses,
    )
