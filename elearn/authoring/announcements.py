"""Announcements: a short plain-text message from a course's authors to its learners.

Shown on the course page (the latest few that are not hidden), and emailed by `elearn notify`
to the enrolled learners who asked for them, each announcement once. The text is kept as
typed and escaped wherever it is shown: no HTML, and links are not made clickable.

Sending: each announcement is claimed by one conditional UPDATE that sets ``emailed_at``
where it is still empty, committed before the first email, so two runs at the same moment
never both send it. If the mail server refuses every message, the claim is released for the
next run; a message refused among others that went out is not sent again (there is no
per-learner record), and is counted as failed.

Services flush and never commit (the sending command commits its claims, as the other
`elearn notify` senders do).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.authoring.models import Announcement
from elearn.courses.models import Course
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.learning.services import newest_published
from elearn.links import external_url
from elearn.mail import send_email

MAX_LENGTH = 1000
SHOWN_TO_LEARNERS = 3


def post(course: Course, body: str, *, language: str, by_id: int | None) -> Announcement:
    """A new announcement on ``course``. Raises DomainError (field ``body``) for an empty
    or too long text."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise DomainError(_l("Write the announcement."), field="body")
    if len(text) > MAX_LENGTH:
        raise DomainError(
            _l("An announcement can have at most %(num)d characters.", num=MAX_LENGTH),
            field="body",
        )
    announcement = Announcement(course_id=course.id, author_id=by_id, body=text, language=language)
    db.session.add(announcement)
    db.session.flush()
    record(
        "course.announced",
        actor_id=by_id,
        target_type="course",
        target_id=course.id,
        announcement_id=announcement.id,
    )
    return announcement


def for_course(course: Course) -> list[Announcement]:
    """Every announcement of the course, newest first (for its authors)."""
    return list(
        db.session.scalars(
            select(Announcement)
            .where(Announcement.course_id == course.id)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        )
    )


def set_hidden(course: Course, announcement_id: int, hidden: bool) -> Announcement:
    """Hide an announcement from learners, or show it again. Raises DomainError for an
    announcement of another course, or none."""
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.course_id != course.id:
        raise DomainError(_l("This announcement does not exist."))
    announcement.hidden = hidden
    db.session.flush()
    return announcement


def latest_visible(course_id: int, limit: int = SHOWN_TO_LEARNERS) -> list[Announcement]:
    """The newest announcements learners see: one query, however many there are."""
    return list(
        db.session.scalars(
            select(Announcement)
            .where(Announcement.course_id == course_id, Announcement.hidden.is_(False))
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
        )
    )


def enrolment_on(user_id: int, slug: str) -> tuple[Course | None, Enrolment | None]:
    """The course called ``slug`` and the person's enrolment on it (one query)."""
    row = db.session.execute(
        select(Course, Enrolment)
        .outerjoin(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == user_id))
        .where(Course.slug == slug)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def set_emails(enrolment: Enrolment, wanted: bool) -> None:
    """The learner's choice to receive the course's announcements by email."""
    enrolment.announcement_emails = wanted
    db.session.flush()


# Sending ------------------------------------------------------------------------------------


def send_queued(now: datetime | None = None) -> dict[str, int]:
    """Email every announcement not sent yet to the opted-in learners of its course, each
    in their preferred language; returns how many emails were sent and failed."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0}
    waiting = list(
        db.session.scalars(
            select(Announcement.id)
            .where(Announcement.emailed_at.is_(None), Announcement.hidden.is_(False))
            .order_by(Announcement.id)
        )
    )
    for announcement_id in waiting:
        if not _claim(announcement_id, now):
            continue  # another run took it
        announcement = db.session.get(Announcement, announcement_id)
        recipients = _recipients(announcement.course_id)
        course = db.session.get(Course, announcement.course_id)
        version = newest_published(course)
        sent = failed = 0
        for person in recipients:
            if _send(person, announcement, course, version):
                sent += 1
            else:
                failed += 1
        if recipients and not sent:
            # The mail server is down: the whole announcement waits for the next run.
            db.session.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id, Announcement.emailed_at == now)
                .values(emailed_at=None)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            counts["failed"] += failed
            break
        counts["sent"] += sent
        counts["failed"] += failed
    return counts


def _claim(announcement_id: int, now: datetime) -> bool:
    """Take the announcement for this run (committed): False if another run has it."""
    taken = db.session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.emailed_at.is_(None),
            Announcement.hidden.is_(False),
        )
        .values(emailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def _recipients(course_id: int):
    """The course's enrolled learners who opted in, whose address is confirmed and whose
    account is active: one query."""
    return db.session.execute(
        select(User.email, User.full_name, User.preferred_language)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.course_id == course_id,
            Enrolment.announcement_emails.is_(True),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            User.email_confirmed_at.is_not(None),
        )
        .order_by(User.id)
    ).all()


def _send(person, announcement: Announcement, course: Course, version) -> bool:
    title = version.text("title", person.preferred_language) if version else course.slug
    return send_email(
        to=person.email,
        language=person.preferred_language,
        subject=_l("Announcement: %(course)s", course=title),
        template="course_announcement",
        name=person.full_name,
        course=title,
        body=announcement.body,
        language_of_body=announcement.language,
        posted_at=announcement.created_at,
        link=external_url("learning.course", slug=course.slug),
    )
