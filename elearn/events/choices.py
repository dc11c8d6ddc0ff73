"""The fixed vocabularies of an event. Keys are stored; labels are translated when shown.
Adding a key is safe; renaming or removing one needs a data migration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearn.reference import AUDIENCES as PLATFORM_AUDIENCES

KINDS: dict[str, object] = {
    "workshop": _l("Workshop"),
    "seminar": _l("Seminar"),
    "round_table": _l("Round table"),
    "network_meeting": _l("Network meeting"),
    "information_session": _l("Information session"),
    "training": _l("Training"),
    "campaign": _l("Campaign"),
}

# Who an event is for: the platform's audiences (elearn/reference.py).
AUDIENCES = PLATFORM_AUDIENCES

# The languages an event can be held in (the platform's languages).
EVENT_LANGUAGES: dict[str, str] = {"ro": "Română", "en": "English", "hu": "Magyar"}


def label(vocabulary: dict, key: str | None) -> object:
    """The translated label of ``key``, or the key itself when it is not (or no longer) known."""
    return vocabulary.get(key, key or "")
