"""Review and publishing of drafts, and reviewer rights.

A draft goes editing -> in review -> (sent back -> editing -> in review)* -> approved ->
published. A reviewer (a trainer of the owning organisation holding the reviewer right, or
an administrator, never someone who changed the draft) signs off each language whose words
changed, at the draft's current revision; every save clears the sign-offs, so an approval
always holds for the text that is published. Publishing imports the draft's files as a new
version, as `elearn courses import` would, and records the sign-offs as the version's
language reviews (an unchanged language keeps the review of the version it came from).

Services flush and never commit; the review's emails go out after the response.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.audit.services import record
from elearn.authoring import rights, services
from elearn.authoring.diff import PackageDiff, diff_packages
from elearn.authoring.history import load_version
from elearn.authoring.models import (
    Draft,
    DraftEvent,
    DraftEventKind,
    DraftSignoff,
    DraftStatus,
    ReviewerRight,
)
from elearn.authoring.review_emails import send_approved, send_review_requested, send_sent_back
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.courses.services import import_package, publish_version
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import normalise_email
from elearn.i18n import LANGUAGES


def draft_diff(draft: Draft) -> PackageDiff:
    """The draft against the version it started from (everything is new without one, or
    when that version no longer loads: ``unreadable_base`` then says so)."""
    base, unreadable = None, None
    if draft.base_version is not None:
        try:
            base = load_version(draft.base_version)
        except DomainError as error:
            unreadable = error.message
    diff = diff_packages(base, services.load_draft(draft))
    diff.unreadable_base = unreadable
    return diff


# People ------------------------------------------------------------------------------------


def course_reviewers(course: Course) -> list[User]:
    """Everyone who reviews the course's drafts: its organisation's trainers holding the
    reviewer right, and the administrators (active accounts only)."""
    trainer = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.TRAINER)
    admin = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.ADMIN)
    holder = select(ReviewerRight.user_id)
    conditions = [User.id.in_(admin)]
    if course.owner_organisation_id is not None:
        conditions.append(
            User.id.in_(trainer)
            & User.id.in_(holder)
            & (User.organisation_id == course.owner_organisation_id)
            & User.organisation_confirmed_at.is_not(None)
        )
    return list(
        db.session.scalars(
            select(User)
            .where(or_(*conditions), User.deactivated_at.is_(None), User.erased_at.is_(None))
            .order_by(User.full_name, User.id)
        )
    )


def draft_reviewers(draft: Draft) -> list[User]:
    """Who may review this draft: the course's reviewers who did not change it."""
    changed = {c.user_id for c in draft.contributors}
    return [user for user in course_reviewers(draft.course) if user.id not in changed]


def draft_authors(draft: Draft) -> list[User]:
    """Who wrote the draft (who changed it, and who started it): told of the review's answer."""
    ids = {c.user_id for c in draft.contributors} | {draft.created_by_id} - {None}
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(User).where(User.id.in_(ids), User.erased_at.is_(None)).order_by(User.id)
        )
    )


def why_not_reviewer(user, draft: Draft):
    """Why ``user`` may not review the draft, as a lazy string (None: they may)."""
    if not rights.may_review_course(user, draft.course):
        return _l(
            "Reviewing needs the reviewer right for this course's organisation, which an "
            "administrator gives."
        )
    if rights.contributed(user, draft):
        return _l("You changed this draft, so someone else must review it.")
    return None


def _check_reviewer(user, draft: Draft) -> None:
    reason = why_not_reviewer(user, draft)
    if reason:
        raise DomainError(reason)


def _event(draft: Draft, kind: DraftEventKind, by_id: int, comment: str | None = None) -> None:
    draft.events.append(
        DraftEvent(kind=kind, actor_id=by_id, comment=comment, revision=draft.revision)
    )


# Asking for review -------------------------------------------------------------------------


def submit(draft: Draft, *, by) -> list[User]:
    """Send the draft to its reviewers, who are emailed. Returns them.

    Raises DomainError for a draft that is not being written, that changes nothing, or
    that nobody could review.
    """
    if draft.status not in (DraftStatus.EDITING, DraftStatus.CHANGES_REQUESTED):
        raise DomainError(_l("Only a draft being written can be sent for review."))
    if draft_diff(draft).empty:
        raise DomainError(_l("The draft does not change anything yet."))
    reviewers = draft_reviewers(draft)
    if not reviewers:
        raise DomainError(
            _l(
                "Nobody can review this draft yet: an administrator must give the reviewer "
                "right to a trainer of your organisation who did not change it."
            )
        )
    draft.status = DraftStatus.IN_REVIEW
    draft.submitted_at = utcnow()
    draft.signoffs.clear()
    _event(draft, DraftEventKind.SUBMITTED, by.id)
    record(
        "draft.submitted",
        actor_id=by.id,
        target_type="course",
        target_id=draft.course_id,
        draft=draft.id,
        revision=draft.revision,
    )
    db.session.flush()
    for reviewer in reviewers:
        if reviewer.id != by.id:
            send_review_requested(draft, reviewer, by=by)
    return reviewers


# Reviewing ---------------------------------------------------------------------------------


def current_signoffs(draft: Draft) -> dict[str, DraftSignoff]:
    """The sign-offs that hold: those given at the draft's current revision."""
    return {s.language: s for s in draft.signoffs if s.revision == draft.revision}


def _check_in_review(draft: Draft, revision: int | None) -> None:
    if draft.status != DraftStatus.IN_REVIEW:
        raise DomainError(_l("This draft is not waiting for review."))
    if revision is not None and revision != draft.revision:
        raise DomainError(
            _l("The draft changed since you opened it: read the changes again."),
            field="revision",
        )


def sign_off(draft: Draft, languages, *, by, revision: int | None = None) -> list[str]:
    """Record that ``by`` reviewed the text of each of ``languages`` (changed languages
    only) at the current revision. Returns the languages signed now."""
    _check_reviewer(by, draft)
    _check_in_review(draft, revision)
    changed = set(draft_diff(draft).changed_languages)
    wanted = [code for code in languages if code in changed]
    existing = {s.language: s for s in draft.signoffs}
    for code in wanted:
        row = existing.get(code)
        if row is None:
            row = DraftSignoff(language=code)
            draft.signoffs.append(row)
        row.reviewer_id, row.revision, row.signed_at = by.id, draft.revision, utcnow()
    db.session.flush()
    return wanted


def approve(draft: Draft, *, by, languages=(), revision: int | None = None) -> None:
    """Approve the draft, signing ``languages`` first. Every changed language must be signed
    off at the current revision. Raises DomainError (field 'languages' when one is missing)."""
    sign_off(draft, languages, by=by, revision=revision)
    signed = current_signoffs(draft)
    missing = [code for code in draft_diff(draft).changed_languages if code not in signed]
    if missing:
        raise DomainError(
            _l(
                "Sign off every changed language before approving; missing: %(languages)s.",
                languages=", ".join(str(LANGUAGES.get(code, code)) for code in missing),
            ),
            field="languages",
        )
    draft.status = DraftStatus.APPROVED
    _event(draft, DraftEventKind.APPROVED, by.id)
    record(
        "draft.approved",
        actor_id=by.id,
        target_type="course",
        target_id=draft.course_id,
        draft=draft.id,
        revision=draft.revision,
        languages=sorted(signed),
    )
    db.session.flush()
    for author in draft_authors(draft):
        if author.id != by.id:
            send_approved(draft, author, by=by)


def send_back(draft: Draft, *, by, comment: str) -> None:
    """Return the draft to its authors with ``comment`` (required), who are emailed."""
    _check_reviewer(by, draft)
    if draft.status not in (DraftStatus.IN_REVIEW, DraftStatus.APPROVED):
        raise DomainError(_l("This draft is not waiting for review."))
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_l("Say what should change."), field="comment")
    draft.status = DraftStatus.CHANGES_REQUESTED
    draft.signoffs.clear()
    _event(draft, DraftEventKind.SENT_BACK, by.id, comment)
    record(
        "draft.sent_back",
        actor_id=by.id,
        target_type="course",
        target_id=draft.course_id,
        draft=draft.id,
        revision=draft.revision,
    )
    db.session.flush()
    for author in draft_authors(draft):
        if author.id != by.id:
            send_sent_back(draft, author, by=by, comment=comment)


def approved_revision(draft: Draft) -> int | None:
    approvals = [e for e in draft.events if e.kind == DraftEventKind.APPROVED]
    return approvals[-1].revision if approvals else None


# Publishing --------------------------------------------------------------------------------


def publish(draft: Draft, *, by) -> CourseVersion:
    """Publish an approved draft as the course's new version: its files imported as a
    version, the sign-offs recorded as its language reviews (an unchanged language keeps the
    review of the version the draft started from). Learners on older versions are offered
    it and move when they choose. Raises DomainError."""
    _check_reviewer(by, draft)
    if draft.status != DraftStatus.APPROVED or approved_revision(draft) != draft.revision:
        raise DomainError(_l("Only an approved draft can be published."))
    package = services.load_draft(draft)
    course = draft.course
    version = import_package(
        package, organisation_id=course.owner_organisation_id, by_id=by.id, operator=True
    ).version
    if version.status != VersionStatus.DRAFT:
        raise DomainError(
            _l("This content is already published as version %(label)s.", label=version.label)
        )
    reviews = {}
    if draft.base_version is not None:
        reviews = {
            r.language: (r.reviewer_id, r.reviewed_on)
            for r in draft.base_version.reviews
            if r.language in package.languages
        }
    for code, signoff in current_signoffs(draft).items():
        reviews[code] = (signoff.reviewer_id, signoff.signed_at.date())
    publish_version(version, by_id=by.id, reviews=reviews)
    draft.status = DraftStatus.PUBLISHED
    draft.published_version_id = version.id
    _event(draft, DraftEventKind.PUBLISHED, by.id)
    record(
        "draft.published",
        actor_id=by.id,
        target_type="course_version",
        target_id=version.id,
        draft=draft.id,
        label=version.label,
    )
    db.session.flush()
    return version


# Reviewer rights ---------------------------------------------------------------------------


def reviewer_rights() -> list[tuple[ReviewerRight, User]]:
    rows = db.session.execute(
        select(ReviewerRight, User)
        .join(User, User.id == ReviewerRight.user_id)
        .order_by(User.full_name, User.id)
    )
    return [(right, user) for right, user in rows]


def _trainer_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or user.erased_at is not None or not user.has_role(Role.TRAINER):
        raise DomainError(_l("No trainer has this email address."), field="email")
    return user


def grant_reviewer(email: str, *, by_id: int) -> User:
    """Give the trainer with ``email`` the reviewer right. Raises DomainError."""
    user = _trainer_by_email(email)
    if rights.holds_reviewer_right(user):
        raise DomainError(_l("This trainer already holds the reviewer right."), field="email")
    db.session.add(ReviewerRight(user_id=user.id, granted_by_id=by_id))
    record("reviewer.granted", actor_id=by_id, target_type="user", target_id=user.id)
    db.session.flush()
    return user


def revoke_reviewer(email: str, *, by_id: int) -> User:
    """Take the reviewer right back. Drafts they already approved stay approved."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    right = (
        db.session.scalar(select(ReviewerRight).where(ReviewerRight.user_id == user.id))
        if user
        else None
    )
    if right is None:
        raise DomainError(_l("This person does not hold the reviewer right."), field="email")
    db.session.delete(right)
    record("reviewer.revoked", actor_id=by_id, target_type="user", target_id=user.id)
    db.session.flush()
    return user


@dataclass
class StoryEntry:
    event: DraftEvent
    actor: str | None  # the person's name; None when unknown or erased


def names(ids) -> dict[int, str]:
    """People's names by id, for the ones whose account still exists and is not erased."""
    wanted = set(ids) - {None}
    if not wanted:
        return {}
    return {
        user.id: user.full_name
        for user in db.session.scalars(select(User).where(User.id.in_(wanted)))
        if user.erased_at is None
    }


def story(draft: Draft) -> list[StoryEntry]:
    """The draft's events with the names of who acted, oldest first."""
    names_by_id = names(e.actor_id for e in draft.events)
    return [StoryEntry(event, names_by_id.get(event.actor_id)) for event in draft.events]
