"""The fixed vocabularies of a delivered session. Keys are stored; labels are translated
when shown. Adding a key is safe; renaming or removing one needs a data migration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearn.reference import SESSION_AUDIENCES

SETTINGS: dict[str, object] = {
    "school": _l("School"),
    "parish": _l("Parish or church"),
    "police_unit": _l("Police unit"),
    "community_centre": _l("Community centre"),
    "social_services": _l("Social services"),
    "online": _l("Online"),
    "other": _l("Other place"),
}

# The session audiences of the platform's vocabulary (elearn/reference.py).
AUDIENCES = SESSION_AUDIENCES

# For pupils only: the age band of the class.
AGE_BANDS: dict[str, object] = {
    "6-10": _l("6–10 years"),
    "11-12": _l("11–12 years"),
    "13-15": _l("13–15 years"),
    "16-19": _l("16–19 years"),
}

# How long a session's record may be edited after it was recorded; afterwards it is kept as
# it is, and a correction is a new record that replaces it in the figures.
EDITABLE_DAYS = 30
