"""The organisation tree, queried in SQL: one recursive CTE per question, on SQLite and on
PostgreSQL alike, so that a manager's whole subtree costs one query however deep or wide.

Cycles cannot be stored (``set_parent`` refuses them); the CTEs also stop at ``MAX_DEPTH``
so that even damaged data can never make them loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, func, literal, select
from sqlalchemy.orm import aliased

from elearn.audit.services import record
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations.models import Organisation

MAX_DEPTH = 8  # levels below a root: county → town → school is three
_SEPARATOR = "\x1f"  # sorts before every printable character: parents before children


def _subtree(root_id: int):
    """A recursive CTE of (id, depth below ``root_id``) for the root and everything below."""
    tree_ = (
        select(Organisation.id.label("id"), literal(0, Integer).label("depth"))
        .where(Organisation.id == root_id)
        .cte("subtree", recursive=True)
    )
    child = aliased(Organisation)
    return tree_.union_all(
        select(child.id, tree_.c.depth + 1).where(
            child.parent_id == tree_.c.id, tree_.c.depth < MAX_DEPTH
        )
    )


def subtree_ids(root_id: int):
    """A SELECT of the ids of ``root_id`` and everything below it (use it in ``in_``)."""
    return select(_subtree(root_id).c.id)


def ancestor_ids(organisation_id: int):
    """A SELECT of (id, depth above) for the organisation and every organisation above it."""
    chain = (
        select(Organisation.id.label("id"), Organisation.parent_id.label("parent_id"))
        .add_columns(literal(0, Integer).label("up"))
        .where(Organisation.id == organisation_id)
        .cte("ancestors", recursive=True)
    )
    parent = aliased(Organisation)
    chain = chain.union_all(
        select(parent.id, parent.parent_id, chain.c.up + 1).where(
            parent.id == chain.c.parent_id, chain.c.up < MAX_DEPTH
        )
    )
    return select(chain.c.id, chain.c.up)


def is_within(organisation_id: int, root_id: int) -> bool:
    """Whether ``organisation_id`` is ``root_id`` or below it (one query)."""
    return (
        db.session.scalar(
            select(func.count()).where(
                Organisation.id == organisation_id, Organisation.id.in_(subtree_ids(root_id))
            )
        )
        > 0
    )


def lineage(organisation_id: int) -> list[Organisation]:
    """The organisations from the root down to this one (one query)."""
    up = ancestor_ids(organisation_id).subquery()
    rows = db.session.execute(
        select(Organisation, up.c.up).join(up, up.c.id == Organisation.id).order_by(up.c.up.desc())
    ).all()
    return [organisation for organisation, _up in rows]


@dataclass
class Node:
    organisation: Organisation
    depth: int


def tree(root_id: int | None = None) -> list[Node]:
    """The whole tree (or the subtree of ``root_id``) in display order: each organisation
    followed by the ones below it, siblings by name; one query."""
    start = Organisation.id == root_id if root_id else Organisation.parent_id.is_(None)
    walk = (
        select(
            Organisation.id.label("id"),
            literal(0, Integer).label("depth"),
            func.lower(Organisation.name).label("sort_path"),
        )
        .where(start)
        .cte("walk", recursive=True)
    )
    child = aliased(Organisation)
    walk = walk.union_all(
        select(
            child.id,
            walk.c.depth + 1,
            (walk.c.sort_path + literal(_SEPARATOR, String) + func.lower(child.name)),
        ).where(child.parent_id == walk.c.id, walk.c.depth < MAX_DEPTH)
    )
    rows = db.session.execute(
        select(Organisation, walk.c.depth)
        .join(walk, walk.c.id == Organisation.id)
        .order_by(walk.c.sort_path)
    ).all()
    return [Node(organisation, depth) for organisation, depth in rows]


def _max_depth(organisation_id: int) -> int:
    """How many levels lie below the organisation (0 for one with nothing below)."""
    return db.session.scalar(select(func.max(_subtree(organisation_id).c.depth))) or 0


def set_parent(organisation: Organisation, parent_id: int | None, *, by_id: int) -> None:
    """Place ``organisation`` under ``parent_id`` (None: make it a root); audited.

    Raises DomainError for a parent that does not exist, the organisation itself or one of
    the organisations below it (a cycle), or a tree deeper than MAX_DEPTH.
    """
    if parent_id == organisation.parent_id:
        return
    if parent_id is not None:
        parent = db.session.get(Organisation, parent_id)
        if parent is None:
            raise DomainError(_l("Choose an organisation from the list."), field="parent_id")
        if is_within(parent_id, organisation.id):
            raise DomainError(
                _l(
                    "An organisation cannot be placed under itself or under one of the "
                    "organisations below it."
                ),
                field="parent_id",
            )
        depth_of_parent = len(lineage(parent_id)) - 1
        if depth_of_parent + 1 + _max_depth(organisation.id) > MAX_DEPTH:
            raise DomainError(
                _l("The tree can be at most %(levels)d levels deep.", levels=MAX_DEPTH + 1),
                field="parent_id",
            )
    before = organisation.parent_id
    organisation.parent_id = parent_id
    record(
        "organisation.moved",
        actor_id=by_id,
        target_type="organisation",
        target_id=organisation.id,
        before={"parent_id": before},
        after={"parent_id": parent_id},
    )
    db.session.flush()
