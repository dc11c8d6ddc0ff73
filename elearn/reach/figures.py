"""A person's own reach: their sessions, a page at a time, and totals counted in SQL, in a
fixed number of statements however many sessions they recorded. Rows replaced by a
correction are left out of the totals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.reach.models import DeliveredSession

PAGE_SIZE = 20


@dataclass
class Totals:
    sessions: int
    declared: int
    confirmed: int
    materials: int


def _counted(user_id: int):
    return (DeliveredSession.user_id == user_id, DeliveredSession.replaced_by_id.is_(None))


def totals(user_id: int) -> Totals:
    row = db.session.execute(
        select(
            func.count(DeliveredSession.id),
            func.coalesce(func.sum(DeliveredSession.declared_count), 0),
            func.coalesce(func.sum(DeliveredSession.confirmed_count), 0),
            func.coalesce(func.sum(DeliveredSession.materials_count), 0),
        ).where(*_counted(user_id))
    ).one()
    return Totals(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def by_audience(user_id: int) -> list[tuple[str, int, int, int]]:
    """(audience, sessions, declared, confirmed), largest audience first."""
    rows = db.session.execute(
        select(
            DeliveredSession.audience,
            func.count(DeliveredSession.id),
            func.sum(DeliveredSession.declared_count),
            func.sum(DeliveredSession.confirmed_count),
        )
        .where(*_counted(user_id))
        .group_by(DeliveredSession.audience)
        .order_by(func.sum(DeliveredSession.declared_count).desc(), DeliveredSession.audience)
    ).all()
    return [(row[0], int(row[1]), int(row[2] or 0), int(row[3] or 0)) for row in rows]


def sessions_page(user_id: int, page: int):
    """The person's records, newest session first (corrected ones included, marked)."""
    query = select(DeliveredSession).where(DeliveredSession.user_id == user_id)
    query = query.order_by(DeliveredSession.delivered_on.desc(), DeliveredSession.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def has_sessions(user_id: int) -> bool:
    found = db.session.scalar(
        select(DeliveredSession.id).where(DeliveredSession.user_id == user_id).limit(1)
    )
    return found is not None
