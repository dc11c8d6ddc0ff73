"""The donor report's reach: sessions, people reached (declared and confirmed), events, their
attendance and the materials handed out in the period across the tree, by county, audience
and month, each column with the donor report's small-count suppression (elearn/reporting/
donor.py); the figures are those of the reach pages (elearn/reporting/reach.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from elearn.database import utcnow
from elearn.extensions import db
from elearn.organisations.tree import subtree_ids
from elearn.reporting import reach
from elearn.reporting.donor import shown, suppress
from elearn.reporting.reach_labels import label
from elearn.reporting.reach_sql import ReachFilters

# (attribute, heading): the columns of every table, in order.
COLUMNS = (
    ("sessions", _l("Sessions")),
    ("declared", _l("People reached (declared)")),
    ("confirmed", _l("People reached (confirmed)")),
    ("events", _l("Events")),
    ("attendance", _l("Event attendance")),
    ("materials", _l("Materials handed out")),
)
DIMENSIONS = (
    ("county", _l("County")),
    ("audience", _l("Audience")),
    ("month", _l("Month")),
)


@dataclass
class Grid:
    """Rows of (label, shown count per column) and the shown totals, after suppression."""

    rows: list[tuple[str, list[str]]]
    totals: list[str]


@dataclass
class DonorReach:
    totals: list[tuple[str, str]]  # (heading, shown count) per column
    by: dict[str, Grid]  # per dimension


def _counts(session, event) -> list[int]:
    return [
        session.sessions,
        session.declared,
        session.confirmed,
        event.events,
        event.attendance,
        session.materials + event.materials,
    ]


def donor_reach(organisation_id: int, start, end) -> DonorReach:
    """The period's reach of the organisation's tree (three statements), with the donor
    report's rules for small counts."""
    ids = tuple(db.session.scalars(subtree_ids(organisation_id)))
    figures = reach.reach(ReachFilters(organisation_ids=ids, start=start, end=end), utcnow())
    totals = _counts(figures.sessions, figures.events)
    by = {}
    for dimension, _heading in DIMENSIONS:
        sessions = dict(figures.session_by.get(dimension, []))
        events = {
            (key or None) if dimension == "county" else key: row
            for key, row in figures.event_by.get(dimension, [])
        }
        keys = sorted(set(sessions) | set(events), key=lambda key: (key is None, key or ""))
        counts = [
            _counts(sessions.get(key, reach.Sessions()), events.get(key, reach.Events()))
            for key in keys
        ]
        labels = [label(dimension, key) for key in keys]
        columns = [
            suppress([(labels[i], row[c]) for i, row in enumerate(counts)])
            for c in range(len(COLUMNS))
        ]
        by[dimension] = Grid(
            rows=[(labels[i], [column.rows[i][1] for column in columns]) for i in range(len(keys))],
            totals=[column.total for column in columns],
        )
    headings = [str(heading) for _attribute, heading in COLUMNS]
    return DonorReach(
        totals=[(heading, shown(count)) for heading, count in zip(headings, totals, strict=True)],
        by=by,
    )
