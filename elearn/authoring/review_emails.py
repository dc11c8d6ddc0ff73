"""The review's emails, each in its recipient's language: a draft waits for review, was sent
back with comments, was approved. Every link is built from BASE_URL."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearn.authoring.models import Draft
from elearn.links import external_url
from elearn.mail import send_email


def course_title(draft: Draft, language: str) -> str:
    """The course's title in ``language`` (else its first language), as last published."""
    version = draft.base_version
    if version is None:
        return draft.course.slug
    return version.title.get(language) or version.text("title", language)


def _send(draft: Draft, to, *, template: str, subject, by, **context) -> bool:
    language = to.preferred_language
    title = course_title(draft, language)
    return send_email(
        to=to.email,
        language=language,
        subject=subject,
        template=template,
        name=to.full_name,
        actor=by.full_name,
        title=title,
        label=draft.label,
        **context,
    )


def send_review_requested(draft: Draft, reviewer, *, by) -> bool:
    return _send(
        draft,
        reviewer,
        template="draft_review_requested",
        subject=_l("A course draft waits for your review"),
        by=by,
        link=external_url("authoring.review_draft", draft_id=draft.id),
    )


def send_sent_back(draft: Draft, author, *, by, comment: str) -> bool:
    return _send(
        draft,
        author,
        template="draft_sent_back",
        subject=_l("Your course draft was sent back with comments"),
        by=by,
        comment=comment,
        link=external_url("authoring.draft", draft_id=draft.id),
    )


def send_approved(draft: Draft, author, *, by) -> bool:
    return _send(
        draft,
        author,
        template="draft_approved",
        subject=_l("Your course draft was approved"),
        by=by,
        link=external_url("authoring.draft", draft_id=draft.id),
    )
