"""Writing to and reading from the audit log.

``record`` is called by the services that make security-relevant changes. Like logging, it
reads the client's address from the current request when there is one; that is its only
dependency on the request.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from elearn.audit.models import AuditEvent
from elearn.extensions import db

# Every action the log records, with the label administrators see.
ACTIONS = {
    "signin.failed": _l("Failed sign-in"),
    "signin.second_factor_failed": _l("Wrong second-factor code"),
    "signin.recovery_code_used": _l("Recovery code used"),
    "role.granted": _l("Role granted"),
    "role.revoked": _l("Role removed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.email_confirmed": _l("Email address confirmed"),
    "user.password_changed": _l("Password changed"),
    "user.email_changed": _l("Email address changed"),
    "user.erased": _l("Account erased"),
    "user.erasure_refused": _l("Erasure refused: wrong password"),
    "user.data_exported": _l("Personal data downloaded"),
    "membership.requested": _l("Membership requested"),
    "membership.confirmed": _l("Membership confirmed"),
    "membership.rejected": _l("Membership refused"),
    "membership.ended": _l("Membership ended"),
    "membership.set": _l("Organisation set by an administrator"),
    "membership.confirm_refused": _l("Membership confirmation refused"),
    "membership.joined_by_invitation": _l("Joined an organisation by accepting an invitation"),
    "second_factor.enabled": _l("Second factor set up"),
    "second_factor.reset": _l("Second factor reset by an administrator"),
    "second_factor.recovery_codes_renewed": _l("Recovery codes renewed"),
    "course.imported": _l("Course package imported"),
    "course.published": _l("Course version published"),
    "course.withdrawn": _l("Course version withdrawn"),
    "course.transferred": _l("Course given to another organisation"),
    "draft.started": _l("Draft of a course's next version started"),
    "draft.imported": _l("Course package imported as a draft"),
    "draft.discarded": _l("Draft discarded"),
    "draft.submitted": _l("Draft sent for review"),
    "draft.sent_back": _l("Draft sent back with comments"),
    "draft.approved": _l("Draft approved"),
    "draft.published": _l("Draft published as a new version"),
    "course.rolled_back": _l("Earlier version's content published again"),
    "course.copied": _l("Course copied into an organisation"),
    "course.author_added": _l("Co-author added to a course"),
    "course.author_removed": _l("Co-author removed from a course"),
    "reviewer.granted": _l("Course reviewer right granted"),
    "reviewer.revoked": _l("Course reviewer right withdrawn"),
    "course.announced": _l("Announcement posted to a course's learners"),
    "quiz.allowance_granted": _l("Extra attempts or time granted on a quiz"),
    "certificate.revoked": _l("Certificate revoked"),
    "event.certificates_issued": _l("Certificates of attendance issued for an event"),
    "event.certificate_revoked": _l("Certificate of attendance revoked"),
    "event.draft_deleted": _l("Draft event deleted"),
    "certificate.renewed": _l("Certificate renewed"),
    "certificate.reissue_requested": _l("Certificate reissue requested after a change of name"),
    "certificate.reissued": _l("Certificate reissued under a new name"),
    "certificate.reissue_refused": _l("Certificate reissue refused"),
    "certificate.exported": _l("Certificates exported"),
    "report.exported": _l("Report exported"),
    "certificate.export_rebuilt": _l("Certificate export rebuilt without an erased person"),
    "certificate.issuer_updated": _l("Certificate issuer details changed"),
    "certificate.signatory_saved": _l("Certificate signatory added or changed"),
    "organisation.created": _l("Organisation added"),
    "organisation.updated": _l("Organisation changed"),
    "organisation.moved": _l("Organisation moved in the tree"),
    "organisation.deleted": _l("Organisation deleted"),
    "path.created": _l("Learning path created"),
    "path.changed": _l("Learning path changed"),
    "path.deleted": _l("Learning path deleted"),
    "path.imported": _l("Shipped learning path imported"),
    "assignment.created": _l("Course or learning path assigned"),
    "assignment.removed": _l("Assignment removed"),
    "cohort.created": _l("Cohort added"),
    "cohort.renamed": _l("Cohort renamed"),
    "cohort.deleted": _l("Cohort deleted"),
    "cohort.members_added": _l("People added to a cohort"),
    "cohort.members_removed": _l("People removed from a cohort"),
    "invitation.created": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitations.uploaded": _l("Spreadsheet of people to invite checked"),
    "invitations.imported": _l("Invitations imported from a spreadsheet"),
    "invitations.upload_discarded": _l("Spreadsheet of people to invite discarded"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "api_token.used": _l("API token used (first use in the hour)"),
}


def email_fingerprint(email: str) -> str:
    """A keyed hash of an email address: failed sign-ins can be searched by address without the
    log holding the address itself."""
    key = current_app.secret_key.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def record(
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    **details,
) -> AuditEvent:
    """Append an event. ``details`` must hold no names or email addresses, only ids and facts."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def events_query(
    *,
    action: str = "",
    actor_id: int | None = None,
    person_id: int | None = None,
    email_hash: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select:
    """Events, newest first, filtered by action, actor, the person they concern, and time."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if person_id is not None:
        query = query.where(AuditEvent.target_type == "user", AuditEvent.target_id == person_id)
    if email_hash:
        query = query.where(AuditEvent.details["email_hash"].as_string() == email_hash)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return query
