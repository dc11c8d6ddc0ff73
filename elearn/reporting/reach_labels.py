"""The reader's words for the keys of the reach figures' dimensions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearn.reach.choices import AGE_BANDS, AUDIENCES, SETTINGS
from elearn.reference import COUNTIES, PROFESSIONS

EVENT_AUDIENCES = {**AUDIENCES, "specialists": _l("Specialists")}


def label(dimension: str, key) -> str:
    """The reader's words for a key of a dimension (the key itself when unknown)."""
    if dimension == "total":
        return str(_l("Everyone"))
    if dimension == "county" and not key:
        return str(_l("Online only"))
    if key is None:
        return str(_l("Not given"))
    names = {
        "profession": PROFESSIONS,
        "county": COUNTIES,
        "audience": EVENT_AUDIENCES,
        "age_band": AGE_BANDS,
        "setting": SETTINGS,
    }.get(dimension, {})
    return str(names.get(key, key))
