"""A dashboard's figures kept for a few minutes (``REPORTING_CACHE_SECONDS``), so that sorting,
exporting a table or coming back to the page does not count 100,000 enrolments again. The page
says when its figures were computed (docs/reporting.md). Only counts are kept, never a person.

The cache helps and is never needed: when Redis cannot be reached, the figures are computed
as if nothing were kept, and the failure is logged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date

from flask import current_app

from elearn.extensions import cache
from elearn.reporting.figures import Dashboard, dashboard
from elearn.reporting.scope import Filters


def key_of(filters: Filters, today: date, language: str) -> str:
    """The same filters, day and language give the same key (the labels are in a language;
    certificates' validity depends on the day)."""
    what = json.dumps([asdict(filters), today, language], default=str, sort_keys=True)
    return "reporting:dashboard:" + hashlib.sha256(what.encode()).hexdigest()


def kept_dashboard(
    filters: Filters, today: date, language: str, labels: dict[str, dict]
) -> Dashboard:
    """The figures computed within the last ``REPORTING_CACHE_SECONDS``, or new ones."""
    seconds = current_app.config["REPORTING_CACHE_SECONDS"]
    if seconds <= 0:
        return dashboard(filters, today, labels)
    key = key_of(filters, today, language)
    try:
        kept = cache.get(key)
    except Exception:
        current_app.logger.exception("The reporting cache could not be read")
        kept = None
    if isinstance(kept, Dashboard):
        return kept
    report = dashboard(filters, today, labels)
    try:
        cache.set(key, report, timeout=seconds)
    except Exception:
        current_app.logger.exception("The reporting cache could not be written")
    return report
