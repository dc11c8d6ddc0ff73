"""Personal-data rights: downloading one's data, erasure, purge (accepting the notice is
elearn/privacy/notice.py).

These read and erase what every feature holds about a person, so they sit above the features
(docs/architecture.md); the notice sits with accounts, which asks for it at sign-up.

Erasure keeps the account's row, stripped of everything that identifies the person, so that
aggregate statistics (how many teachers in Bihor completed a course) stay right; the person's
name and email address are gone from every table.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import selectinload, undefer

from elearn.accounts.models import FormDraft, Role, RoleAssignment, User, UserSession
from elearn.audit.models import AuditEvent
from elearn.audit.services import record
from elearn.audit.triggers import SQLITE_NO_DELETE
from elearn.authoring.models import Announcement, CourseAuthor
from elearn.certificates.exports import purge_old
from elearn.certificates.models import Certificate, ReissueRequest
from elearn.courses.models import Course
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.invitations.services import purge_old as purge_invitations
from elearn.learning import page_views
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.mfa.models import RecoveryCode, SecondFactor
from elearn.privacy.models import PrivacyAcceptance
from elearn.quizzes.models import QuizAnswer, QuizAttempt
from elearn.security import hash_password, verify_password
from elearn.signals import person_erased, personal_data_requested

ERASED_EMAIL_DOMAIN = "erased.invalid"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: User) -> dict[str, object]:
    """Everything the platform holds about ``user``, as JSON-ready documents by file name."""
    organisation = user.organisation
    acceptances = db.session.scalars(
        select(PrivacyAcceptance).where(PrivacyAcceptance.user_id == user.id)
    ).all()
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            (AuditEvent.actor_id == user.id)
            | ((AuditEvent.target_type == "user") & (AuditEvent.target_id == user.id))
        )
        .order_by(AuditEvent.at)
    ).all()
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))
    drafts = db.session.scalars(select(FormDraft).where(FormDraft.user_id == user.id)).all()
    sessions = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.created_at)
    ).all()
    announcements = db.session.execute(
        select(Announcement, Course.slug)
        .join(Course, Course.id == Announcement.course_id)
        .where(Announcement.author_id == user.id)
        .order_by(Announcement.id)
    ).all()
    documents = {}
    for _receiver, more in personal_data_requested.send(user):
        documents.update(more or {})
    return {
        **documents,
        **_learning_data(user),
        "account.json": {
            "id": user.id,
            "full_name": user.full_name,
            "email": user.email,
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "profession": user.profession,
            "county": user.county,
            "preferred_language": user.preferred_language,
            "weekly_digest": user.weekly_digest,
            "created_at": _iso(user.created_at),
            "last_sign_in_at": _iso(user.last_sign_in_at),
            "deactivated_at": _iso(user.deactivated_at),
            "roles": sorted(role.value for role in user.roles),
            "second_factor_set_up_at": _iso(factor.confirmed_at) if factor else None,
        },
        "organisation.json": {
            "organisation": organisation.name if organisation else None,
            "membership_confirmed_at": _iso(user.organisation_confirmed_at),
        },
        "privacy_notice_acceptances.json": [
            {"version": a.version, "accepted_at": _iso(a.accepted_at)} for a in acceptances
        ],
        "audit_events.json": [
            {
                "at": _iso(e.at),
                "action": e.action,
                "by_you": e.actor_id == user.id,
                "details": e.details,
                "ip_address": e.ip_address,
            }
            for e in events
        ],
        "announcements_written.json": [
            {
                "course": slug,
                "posted_at": _iso(a.created_at),
                "language": a.language,
                "text": a.body,
                "hidden": a.hidden,
            }
            for a, slug in announcements
        ],
        "form_drafts.json": [
            {"page": d.path, "saved_at": _iso(d.saved_at), "fields": d.data} for d in drafts
        ],
        "sessions.json": [
            {
                "signed_in_at": _iso(s.created_at),
                "last_active_at": _iso(s.last_seen_at),
                "kept_signed_in": s.remember,
                "ended_at": _iso(s.revoked_at),
            }
            for s in sessions
        ],
    }


def _learning_data(user: User) -> dict[str, object]:
    """Courses, lessons, time, quiz attempts and certificates: what learning left behind."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_at)
        .options(undefer(Enrolment.view_history))
    ).all()
    ids = [enrolment.id for enrolment in enrolments]
    completions = db.session.scalars(
        select(LessonCompletion).where(LessonCompletion.enrolment_id.in_(ids))
    ).all()
    times = db.session.scalars(select(LessonTime).where(LessonTime.enrolment_id.in_(ids))).all()
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.enrolment_id.in_(ids))
        .options(selectinload(QuizAttempt.answer_rows))
        .order_by(QuizAttempt.id)
    ).all()
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
    ).all()
    return {
        "courses.json": [
            {
                "course": enrolment.course.slug,
                "version": enrolment.version.label,
                "enrolled_at": _iso(enrolment.enrolled_at),
                "completed_at": _iso(enrolment.completed_at),
                "announcement_emails": enrolment.announcement_emails,
                "lessons_completed": {
                    c.lesson_key: _iso(c.completed_at)
                    for c in completions
                    if c.enrolment_id == enrolment.id
                },
                "seconds_on_lessons": {
                    t.lesson_key: t.seconds for t in times if t.enrolment_id == enrolment.id
                },
                "last_lesson_opened": enrolment.last_lesson_key,
                "last_lesson_opened_at": _iso(enrolment.last_opened_at),
                "recent_lesson_views": [
                    {"lesson": view.lesson_key, "opened_at": _iso(view.moment)}
                    for view in page_views.History.decode(enrolment.view_history or {}).views
                ],
            }
            for enrolment in enrolments
        ],
        "quiz_attempts.json": [
            {
                "course": next(e.course.slug for e in enrolments if e.id == a.enrolment_id),
                "quiz": a.quiz_key,
                "attempt": a.number,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "score_percent": a.score,
                "passed": a.passed,
                "answers": a.answers,
            }
            for a in attempts
        ],
        "certificates.json": [
            {
                "code": c.code,
                "name": c.holder_name,
                "course": c.course_title,
                "version": c.version_label,
                "completed_on": c.completed_on.isoformat(),
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
                "revoked_at": _iso(c.revoked_at),
            }
            for c in certificates
        ],
    }


def export_zip(user: User) -> bytes:
    """A zip of JSON files with everything held about ``user``, plus a README."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, document in personal_data(user).items():
            archive.writestr(name, json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr(
            "README.txt",
            "Your personal data, as held by the platform on "
            f"{utcnow().strftime('%Y-%m-%d %H:%M UTC')}.\n"
            "Each .json file is one part of it; docs/data-protection.md in the platform's source "
            "explains what each is used for and how long it is kept.\n",
        )
    record("user.data_exported", actor_id=user.id, target_type="user", target_id=user.id)
    return buffer.getvalue()


def _other_active_administrators(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.ADMIN,
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            User.id != user.id,
        )
    )


def erase_account(user: User, *, password: str) -> None:
    """Erase ``user``'s personal data for good. Raises DomainError without the right password,
    or for the last administrator.

    Name, email address and password are replaced with meaningless values; second factor,
    recovery codes, drafts and notice acceptances are deleted; the account can never sign in
    again. Profession, county and organisation stay, without a name, for aggregate statistics.
    """
    if not verify_password(user.password_hash, password):
        record("user.erasure_refused", actor_id=user.id, target_type="user", target_id=user.id)
        raise DomainError(_l("The password is not right."), field="password")
    if user.has_role(Role.ADMIN) and not _other_active_administrators(user):
        raise DomainError(
            _l("You are the only administrator. Make someone else an administrator first.")
        )
    for model in (SecondFactor, RecoveryCode, FormDraft, PrivacyAcceptance, UserSession):
        db.session.execute(delete(model).where(model.user_id == user.id))
    # Certificates stay on record without the name, so that one already handed to an employer
    # can still be checked; their page says the holder erased their data.
    mine = select(Certificate.id).where(Certificate.user_id == user.id)
    certificate_ids = list(db.session.scalars(mine))
    db.session.execute(delete(ReissueRequest).where(ReissueRequest.certificate_id.in_(mine)))
    db.session.execute(
        update(Certificate).where(Certificate.user_id == user.id).values(holder_name="")
    )
    # Progress and scores stay, nameless, for the completion statistics; what the person
    # typed into quizzes goes.
    db.session.execute(
        delete(QuizAnswer).where(
            QuizAnswer.attempt_id.in_(
                select(QuizAttempt.id).where(
                    QuizAttempt.enrolment_id.in_(
                        select(Enrolment.id).where(Enrolment.user_id == user.id)
                    )
                )
            )
        )
    )
    # Nothing is emailed to an erased account: its choices to receive emails go with it.
    db.session.execute(
        update(Enrolment).where(Enrolment.user_id == user.id).values(announcement_emails=False)
    )
    # An erased trainer edits nothing: as a co-author they would only keep the course closed
    # to their colleagues.
    db.session.execute(delete(CourseAuthor).where(CourseAuthor.user_id == user.id))
    user.role_assignments.clear()
    user.full_name = ""
    user.email = f"erased-{user.id}-{secrets.token_hex(8)}@{ERASED_EMAIL_DOMAIN}"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.organisation_confirmed_at = None
    user.email_confirmed_at = None
    user.last_sign_in_at = None
    user.erased_at = utcnow()
    user.session_generation += 1
    record("user.erased", actor_id=user.id, target_type="user", target_id=user.id)
    db.session.flush()
    # Exports already made for managers still hold the name: they are rebuilt without it.
    person_erased.send(user, user_id=user.id, certificate_ids=certificate_ids)


def purge(now: datetime | None = None) -> dict[str, int]:
    """Apply the retention periods. Safe to run as often as one likes: each run removes only
    what has passed its period, and a second run right after removes nothing."""
    now = now or datetime.now(UTC)
    config = current_app.config
    removed = {}
    unconfirmed_before = now - timedelta(days=config["UNCONFIRMED_ACCOUNT_DAYS"])
    never_confirmed = select(User.id).where(
        User.email_confirmed_at.is_(None),
        User.erased_at.is_(None),
        User.created_at < unconfirmed_before,
    )
    ids = list(db.session.scalars(never_confirmed))
    for user_id in ids:
        db.session.delete(db.session.get(User, user_id))
    removed["unconfirmed_accounts"] = len(ids)
    drafts_before = now - timedelta(hours=config["FORM_DRAFT_HOURS"])
    result = db.session.execute(delete(FormDraft).where(FormDraft.saved_at < drafts_before))
    removed["form_drafts"] = result.rowcount
    # A session record is kept while it can still sign someone in, and no longer.
    sessions_before = now - config["REMEMBER_COOKIE_DURATION"]
    result = db.session.execute(
        delete(UserSession).where(
            UserSession.revoked_at.is_not(None) | (UserSession.last_seen_at < sessions_before)
        )
    )
    removed["sessions"] = result.rowcount
    removed["lesson_view_histories"] = page_views.forget_histories(now)
    removed["certificate_exports"] = purge_old(now)
    removed.update(purge_invitations(now))
    removed["audit_events"] = _purge_audit_events(
        now - timedelta(days=config["AUDIT_RETENTION_DAYS"])
    )
    db.session.flush()
    return removed


def _purge_audit_events(before: datetime) -> int:
    """Remove audit events older than the retention period.

    This is the one deletion the audit log allows, and only from this command: the database
    refuses any other (see the audit trigger in the migrations).
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL elearn.audit_retention = 'on'"))
    else:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
    result = connection.execute(delete(AuditEvent.__table__).where(AuditEvent.at < before))
    if connection.dialect.name != "postgresql":
        connection.execute(text(SQLITE_NO_DELETE))
    return result.rowcount
