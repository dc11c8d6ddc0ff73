"""Cohorts: named groups of the confirmed members of an organisation and those below it.

Services flush and never commit. Adding people is one INSERT … SELECT whatever their number,
and tells the features above (assignments) once per batch (``cohort_members_added``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, delete, func, literal, select
from sqlalchemy.exc import IntegrityError

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.cohorts.models import Cohort, CohortMember
from elearn.database import insert_statement, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations import tree
from elearn.signals import cohort_members_added
from elearn.text import fold


def _active():
    return and_(User.erased_at.is_(None), User.deactivated_at.is_(None))


def cohorts_with_counts(organisation_id: int) -> list[tuple[Cohort, int]]:
    """The organisation's cohorts by name, each with its number of active members; one query."""
    member = and_(CohortMember.user_id == User.id, _active())
    rows = db.session.execute(
        select(Cohort, func.count(User.id))
        .outerjoin(CohortMember, CohortMember.cohort_id == Cohort.id)
        .outerjoin(User, member)
        .where(Cohort.organisation_id == organisation_id)
        .group_by(Cohort.id)
        .order_by(func.lower(Cohort.name), Cohort.id)
    ).all()
    return [(cohort, count) for cohort, count in rows]


def cohort_choices(organisation_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Cohort.id, Cohort.name)
        .where(Cohort.organisation_id == organisation_id)
        .order_by(func.lower(Cohort.name))
    )
    return [(row.id, row.name) for row in rows]


def names_by_id(cohort_ids) -> dict[int, str]:
    """The names of these cohorts (one query)."""
    wanted = {cohort_id for cohort_id in cohort_ids if cohort_id}
    if not wanted:
        return {}
    rows = db.session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def cohort_of(organisation_id: int, cohort_id: int) -> Cohort | None:
    """The cohort, if it belongs to that organisation."""
    cohort = db.session.get(Cohort, cohort_id)
    return cohort if cohort is not None and cohort.organisation_id == organisation_id else None


def _check_name_free(organisation_id: int, name: str, *, except_id: int | None = None) -> None:
    existing = find_by_names(organisation_id, [name])
    if any(cohort.id != except_id for cohort in existing.values()):
        raise DomainError(
            _l("This organisation already has a cohort with this name."), field="name"
        )


def create_cohort(organisation_id: int, name: str, *, by_id: int) -> Cohort:
    """Add a cohort. Raises DomainError when the organisation has one of that name (ignoring
    case and diacritics)."""
    _check_name_free(organisation_id, name)
    cohort = Cohort(organisation_id=organisation_id, name=name, created_by_id=by_id)
    try:
        with db.session.begin_nested():  # another request may have made it a moment ago
            db.session.add(cohort)
    except IntegrityError:
        raise DomainError(
            _l("This organisation already has a cohort with this name."), field="name"
        ) from None
    record(
        "cohort.created",
        actor_id=by_id,
        target_type="cohort",
        target_id=cohort.id,
        organisation_id=organisation_id,
    )
    return cohort


def rename_cohort(cohort: Cohort, name: str, *, by_id: int) -> None:
    _check_name_free(cohort.organisation_id, name, except_id=cohort.id)
    cohort.name = name
    record(
        "cohort.renamed",
        actor_id=by_id,
        target_type="cohort",
        target_id=cohort.id,
        organisation_id=cohort.organisation_id,
    )
    db.session.flush()


def delete_cohort(cohort: Cohort, *, by_id: int) -> None:
    """Delete a cohort and its list of members (the people, their accounts and their learning
    stay; invitations into it no longer name a cohort).

    Refused (DomainError) while something is assigned to it: the database keeps assignments
    from losing their cohort (a RESTRICT key), and this layer cannot look at assignments,
    which sit above it, so it tries inside a savepoint and reports the refusal.
    """
    cohort_id, organisation_id = cohort.id, cohort.organisation_id
    try:
        with db.session.begin_nested():
            db.session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort_id))
            db.session.delete(cohort)
            db.session.flush()
    except IntegrityError:
        raise DomainError(
            _l(
                "Courses are assigned to this cohort, so it cannot be deleted. Remove its "
                "assignments first."
            )
        ) from None
    record(
        "cohort.deleted",
        actor_id=by_id,
        target_type="cohort",
        target_id=cohort_id,
        organisation_id=organisation_id,
    )
    db.session.flush()


def find_by_names(organisation_id: int, names) -> dict[str, Cohort]:
    """The organisation's cohorts among ``names``, by folded name (one query)."""
    wanted = {fold(name) for name in names}
    cohorts = db.session.scalars(select(Cohort).where(Cohort.organisation_id == organisation_id))
    return {fold(cohort.name): cohort for cohort in cohorts if fold(cohort.name) in wanted}


def eligible_query(organisation_id: int) -> Select:
    """The ids of the people who may be in the organisation's cohorts: active, confirmed
    members of it or of an organisation below it."""
    return select(User.id).where(
        _active(),
        User.organisation_confirmed_at.is_not(None),
        User.organisation_id.in_(tree.subtree_ids(organisation_id)),
    )


def members_query(cohort: Cohort, *, search: str = "") -> Select:
    """The cohort's active members by name, searchable by name or email (case and
    diacritics ignored)."""
    query = (
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, _active())
        .order_by(User.search_key, User.id)
    )
    return _searched(query, search)


def candidates_query(cohort: Cohort, *, search: str) -> Select:
    """People who may be added to the cohort and are not in it yet, matching ``search``."""
    inside = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    query = (
        select(User)
        .where(User.id.in_(eligible_query(cohort.organisation_id)), User.id.not_in(inside))
        .order_by(User.search_key, User.id)
    )
    return _searched(query, search)


def _searched(query: Select, search: str) -> Select:
    if search.strip():
        query = query.where(User.search_key.contains(fold(search), autoescape=True))
    return query


def add_members(cohort: Cohort, user_ids, *, by_id: int | None) -> list[int]:
    """Add the people of ``user_ids`` who may be in the cohort and are not yet; returns their
    ids. One INSERT … SELECT, then one ``cohort_members_added`` for the whole batch."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    inside = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    rows = (
        select(
            literal(cohort.id).label("cohort_id"),
            User.id.label("user_id"),
            literal(utcnow(), CohortMember.added_at.type).label("added_at"),
            literal(by_id, CohortMember.added_by_id.type).label("added_by_id"),
        )
        .where(
            User.id.in_(wanted),
            User.id.in_(eligible_query(cohort.organisation_id)),
            User.id.not_in(inside),
        )
        .order_by(User.id)
    )
    insert = insert_statement(db.session)(CohortMember)
    statement = (
        insert.from_select(["cohort_id", "user_id", "added_at", "added_by_id"], rows)
        .on_conflict_do_nothing(index_elements=["cohort_id", "user_id"])
        .returning(CohortMember.user_id)
    )
    added = sorted(db.session.scalars(statement))
    if added:
        record(
            "cohort.members_added",
            actor_id=by_id,
            target_type="cohort",
            target_id=cohort.id,
            organisation_id=cohort.organisation_id,
            user_ids=added,
        )
        db.session.flush()
        cohort_members_added.send(cohort, cohort_id=cohort.id, user_ids=added)
    return added


def remove_members(cohort: Cohort, user_ids, *, by_id: int) -> int:
    """Take people out of the cohort (nothing else of theirs changes); how many were in it."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return 0
    removed = db.session.scalars(
        delete(CohortMember)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id.in_(wanted))
        .returning(CohortMember.user_id)
    ).all()
    if removed:
        record(
            "cohort.members_removed",
            actor_id=by_id,
            target_type="cohort",
            target_id=cohort.id,
            organisation_id=cohort.organisation_id,
            user_ids=sorted(removed),
        )
    db.session.flush()
    return len(removed)


def forget_memberships(organisation_id: int, user_ids, *, moving_to: int | None = None) -> None:
    """People left ``organisation_id``: they leave the cohorts of it and of the organisations
    above it (the only cohorts they could be in through it), except, when they move to
    ``moving_to``, the cohorts of the organisations above that one too (a teacher moving
    between two schools of a county stays in the county's cohorts)."""
    lineage = select(tree.ancestor_ids(organisation_id).subquery().c.id)
    leaving = Cohort.organisation_id.in_(lineage)
    if moving_to is not None:
        # Read first: one statement cannot hold two recursive CTEs of the same name.
        staying = db.session.scalars(select(tree.ancestor_ids(moving_to).subquery().c.id)).all()
        leaving &= Cohort.organisation_id.not_in(staying)
    db.session.execute(
        delete(CohortMember).where(
            CohortMember.user_id.in_(list(user_ids)),
            CohortMember.cohort_id.in_(select(Cohort.id).where(leaving)),
        )
    )
