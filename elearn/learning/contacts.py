"""Help numbers where the learner is: a lesson's stored HTML with their county's offices."""

from __future__ import annotations

from elearn.content.contacts import COUNTY_CODES, localise_contacts


def learner_county(user) -> str | None:
    """The county whose offices a learner is shown: their own, else their organisation's
    (already loaded with the user, so this costs no query); None outside Romania."""
    if getattr(user, "county", None) in COUNTY_CODES:
        return user.county
    organisation = getattr(user, "organisation", None)
    return organisation.county if organisation is not None else None


def lesson_html(html: str, user, language: str) -> str:
    """A lesson's stored HTML in ``language`` (elearn/courses/lesson_text.py), with
    county-dependent help numbers for ``user``'s county."""
    return localise_contacts(html, learner_county(user), language)
