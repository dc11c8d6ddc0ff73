"""Reach figures kept for a few minutes (``REPORTING_CACHE_SECONDS``), as the dashboard's are
(elearn/reporting/snapshots.py): a county's figures read some 100,000 sessions (about 0.2 s
at a million in all, docs/performance.md), and coming back to the page, opening the cascade
after the overview or downloading the donor report's CSV after reading it need not count them
again. Only counts are kept. The
page says when its figures were computed; without the cache they are computed afresh."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import TypeVar

from flask import current_app

from elearn.database import utcnow
from elearn.extensions import cache
from elearn.reporting.reach_sql import ReachFilters

T = TypeVar("T")


def kept(kind: str, filters: ReachFilters, compute: Callable[[datetime], T], *extra) -> tuple:
    """(figures, computed at): those computed within the last ``REPORTING_CACHE_SECONDS``
    for the same kind, filters and ``extra`` (e.g. an organisation), or new ones."""
    seconds = current_app.config["REPORTING_CACHE_SECONDS"]
    now = utcnow()
    if seconds <= 0:
        return compute(now), now
    what = json.dumps([kind, asdict(filters), *extra], default=str, sort_keys=True)
    key = "reporting:reach:" + hashlib.sha256(what.encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:
        current_app.logger.exception("The reporting cache could not be read")
        found = None
    if isinstance(found, tuple) and len(found) == 2:
        return found
    result = (compute(now), now)
    try:
        cache.set(key, result, timeout=seconds)
    except Exception:
        current_app.logger.exception("The reporting cache could not be written")
    return result
