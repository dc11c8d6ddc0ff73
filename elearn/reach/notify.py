"""`elearn notify`: invitations to plan and record a first session, on the day a certificate
is issued and 30 and 90 days later, with the usual guarantees (elearn/certificates/notify.py):
the row is the claim, inserted before the email is sent; ``sent_at`` once the mail server
accepted it; a failed send removes the claim; a claim left by a run that died is taken over
after ``LEASE``. The 30- and 90-day ones are skipped once the person recorded a session.

Only a course's first certificate invites (a renewal is not a first step), only for people
whose account is active and not erased, in their own language.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.certificates.services import local_day
from elearn.database import insert_once, utcnow
from elearn.extensions import db
from elearn.links import external_url
from elearn.mail import send_email
from elearn.reach.models import DeliveredSession, ReachInvitation

LEASE = timedelta(minutes=15)
DAYS = (0, 30, 90)
# A certificate older than the last invitation and this week is never looked at again.
LOOK_BACK = timedelta(days=DAYS[-1] + 7)
# Someone certified for two courses in the same week gets one invitation, not two: an
# invitation due within this time of another one sent to them is skipped.
QUIET = timedelta(days=7)


def send_invitations(now: datetime | None = None) -> dict[str, int]:
    """Send every invitation that is due; how many were sent, failed and skipped."""
    now = now or utcnow()
    today = local_day(now)
    rows = db.session.execute(
        select(Certificate.id, Certificate.user_id, Certificate.issued_at)
        .join(User, User.id == Certificate.user_id)
        .where(
            User.erased_at.is_(None),
            User.deactivated_at.is_(None),
            Certificate.revoked_at.is_(None),
            Certificate.round == 1,
            Certificate.issued_at >= now - LOOK_BACK,
            Certificate.issued_at <= now,
        )
        .order_by(Certificate.id)
    ).all()
    recorded = set(
        db.session.scalars(
            select(DeliveredSession.user_id)
            .where(DeliveredSession.user_id.in_({row.user_id for row in rows}))
            .distinct()
        )
    )
    invited = set(
        db.session.scalars(
            select(ReachInvitation.user_id).where(
                ReachInvitation.sent_at.is_not(None), ReachInvitation.claimed_at >= now - QUIET
            )
        )
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for certificate_id, user_id, issued_at in rows:
        age = (today - local_day(issued_at)).days
        due = [days for days in DAYS if age >= days]
        current = due[-1]
        quiet = (current > 0 and user_id in recorded) or user_id in invited
        for days in due:
            if (days != current or quiet) and _skip(certificate_id, user_id, days, now):
                counts["skipped"] += 1
        db.session.commit()
        if quiet:
            continue
        invitation = _claim(certificate_id, user_id, current, now)
        if invitation is None:
            continue
        if _send(certificate_id, current):
            db.session.execute(
                update(ReachInvitation)
                .where(ReachInvitation.id == invitation)
                .values(sent_at=utcnow())
            )
            counts["sent"] += 1
            invited.add(user_id)
        else:
            db.session.execute(delete(ReachInvitation).where(ReachInvitation.id == invitation))
            counts["failed"] += 1
        db.session.commit()
    return counts


def _skip(certificate_id: int, user_id: int, days: int, now: datetime) -> bool:
    return insert_once(
        db.session,
        ReachInvitation,
        ("certificate_id", "days_after"),
        certificate_id=certificate_id,
        user_id=user_id,
        days_after=days,
        claimed_at=now,
        skipped=True,
    )


def _claim(certificate_id: int, user_id: int, days: int, now: datetime) -> int | None:
    """The invitation's id if this run may send it now, else None (committed either way)."""
    key = {"certificate_id": certificate_id, "days_after": days}
    claimed = insert_once(
        db.session,
        ReachInvitation,
        ("certificate_id", "days_after"),
        user_id=user_id,
        claimed_at=now,
        skipped=False,
        **key,
    )
    if not claimed:
        claimed = (
            db.session.execute(
                update(ReachInvitation)
                .filter_by(**key)
                .where(
                    ReachInvitation.sent_at.is_(None),
                    ReachInvitation.skipped.is_(False),
                    ReachInvitation.claimed_at < now - LEASE,
                )
                .values(claimed_at=now)
            ).rowcount
            == 1
        )
    db.session.commit()
    if not claimed:
        return None
    return db.session.scalar(select(ReachInvitation.id).filter_by(**key))


def _send(certificate_id: int, days: int) -> bool:
    certificate = db.session.get(Certificate, certificate_id)
    person = db.session.get(User, certificate.user_id)
    if person is None or not person.is_active or person.erased_at is not None:
        return False
    language = person.preferred_language
    title = certificate.course_title.get(language) or next(iter(certificate.course_title.values()))
    subject = (
        _l("Plan your first session with what you learnt")
        if days == 0
        else _l("Have you held a session yet?")
    )
    return send_email(
        to=person.email,
        language=language,
        subject=subject,
        template="reach_invitation",
        user=person,
        course=title,
        days=days,
        link=external_url("reach.record_session"),
        code_link=external_url("reach.enter_code"),
    )
