"""Stored data shown to people as tables: translated labels for field names, and values in
words (dates in the reader's format, yes and no), for the audit log and the personal-data page.
The JSON itself is kept for the download only."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.audit.services import ACTIONS
from elearn.i18n import language_name, local_date, local_datetime
from elearn.reference import COUNTIES, PROFESSIONS, label

FIELD_LABELS = {
    # Files of the personal-data download.
    "account.json": _l("Account"),
    "organisation.json": _l("Membership of an organisation"),
    "privacy_notice_acceptances.json": _l("Privacy notice accepted"),
    "audit_events.json": _l("Audit log entries about you"),
    "announcements_written.json": _l("Announcements you wrote"),
    "form_drafts.json": _l("Unsent forms kept as drafts"),
    "sessions.json": _l("Sign-ins"),
    "courses.json": _l("Courses"),
    "quiz_attempts.json": _l("Quiz attempts"),
    "certificates.json": _l("Certificates"),
    "invitations.json": _l("Invitations"),
    "assignments.json": _l("Assigned courses"),
    "api_tokens.json": _l("API tokens"),
    # Fields.
    "id": _l("Number"),
    "full_name": _l("Full name"),
    "name": _l("Name"),
    "email": _l("Email address"),
    "email_confirmed_at": _l("Email address confirmed"),
    "profession": _l("Profession"),
    "county": _l("County"),
    "preferred_language": _l("Preferred language"),
    "weekly_digest": _l("Weekly summary by email"),
    "created_at": _l("Created"),
    "last_sign_in_at": _l("Last sign-in"),
    "deactivated_at": _l("Deactivated"),
    "roles": _l("Roles"),
    "role": _l("Role"),
    "second_factor_set_up_at": _l("Second factor set up"),
    "organisation": _l("Organisation"),
    "organisation_id": _l("Organisation"),
    "membership_confirmed_at": _l("Membership confirmed"),
    "version": _l("Version"),
    "accepted_at": _l("Accepted"),
    "at": _l("When"),
    "action": _l("Action"),
    "by_you": _l("Done by you"),
    "details": _l("Details"),
    "ip_address": _l("From"),
    "course": _l("Course"),
    "courses": _l("Courses"),
    "posted_at": _l("Posted"),
    "language": _l("Language"),
    "languages": _l("Languages"),
    "text": _l("Text"),
    "hidden": _l("Hidden"),
    "page": _l("Page"),
    "saved_at": _l("Saved"),
    "fields": _l("Fields"),
    "signed_in_at": _l("Signed in"),
    "last_active_at": _l("Last active"),
    "kept_signed_in": _l("Kept signed in"),
    "ended_at": _l("Ended"),
    "enrolled_at": _l("Enrolled"),
    "completed_at": _l("Completed on"),
    "completed_on": _l("Completed on"),
    "announcement_emails": _l("Announcements by email"),
    "lessons_completed": _l("Lessons completed"),
    "seconds_on_lessons": _l("Seconds spent on each lesson"),
    "quiz": _l("Quiz"),
    "attempt": _l("Attempt"),
    "started_at": _l("Started"),
    "submitted_at": _l("Submitted"),
    "score_percent": _l("Score (%)"),
    "passed": _l("Passed"),
    "answers": _l("Answers"),
    "code": _l("Code"),
    "expires_on": _l("Expires"),
    "expires_at": _l("Expires"),
    "revoked_at": _l("Revoked"),
    "due_on": _l("Due by"),
    "reason": _l("Reason"),
    "before": _l("Before"),
    "after": _l("After"),
    "label": _l("Version"),
    "slug": _l("Course"),
    "state": _l("State"),
}


def field_label(key) -> str:
    """The translated label of a stored field, or the field's own name when it has none."""
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else str(key).replace("_", " ")


# Fields whose stored codes have a name for people: "teacher", "BH", "hu", "role.granted".
_CODED = {
    "profession": lambda code: label(PROFESSIONS, code),
    "county": lambda code: label(COUNTIES, code),
    "preferred_language": language_name,
    "language": language_name,
    "action": lambda code: str(ACTIONS.get(code, code)),
}


def readable_scalar(value, key=None) -> str:
    """One stored value in words: yes or no, a dash for nothing, a code's name (``key`` is
    the field it sits in), dates and times in the reader's format (ISO strings too, as the
    documents hold them), anything else as text."""
    if value is None or value == "":
        return "—"
    if key in _CODED and isinstance(value, str):
        return _CODED[key](value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return local_datetime(value, "medium")
    if isinstance(value, date):
        return local_date(value, "long")
    if isinstance(value, str) and 10 <= len(value) <= 32 and value[4:5] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return local_date(parsed.date(), "long")
        return local_datetime(parsed, "medium")
    return str(value)
