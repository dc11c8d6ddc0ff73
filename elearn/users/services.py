"""Administrators' changes to other people's accounts.

There must always be at least one active administrator, so the last one can neither lose
the role nor be deactivated. Every change is written to the audit log.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.accounts.sessions import end_all_sessions
from elearn.audit.services import record
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations.services import NO_ORGANISATION, set_membership
from elearn.text import fold


def people_query(
    *,
    search: str = "",
    role: str = "",
    organisation_id: int | None = None,
    status: str = "",
) -> Select:
    """People matching a search by name or email (case and diacritics ignored) and filters."""
    query = select(User).where(User.erased_at.is_(None)).order_by(User.search_key, User.id)
    if search.strip():
        query = query.where(User.search_key.contains(fold(search), autoescape=True))
    if role in {r.value for r in Role}:
        query = query.where(
            User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == Role(role)))
        )
    if organisation_id == NO_ORGANISATION:
        query = query.where(User.organisation_id.is_(None))
    elif organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if status == "active":
        query = query.where(User.deactivated_at.is_(None))
    elif status == "deactivated":
        query = query.where(User.deactivated_at.is_not(None))
    return query


def _other_active_administrators(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.ADMIN,
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            User.id != user.id,
        )
    )


def _refuse_if_last_administrator(user: User, *, field: str | None = None) -> None:
    if user.has_role(Role.ADMIN) and not _other_active_administrators(user):
        raise DomainError(
            _l("This is the only administrator. Make someone else an administrator first."),
            field=field,
        )


def set_roles(user: User, roles: set[Role], *, granted_by: User) -> None:
    """Give ``user`` exactly ``roles``. Raises DomainError if that would leave no administrator."""
    if Role.ADMIN not in roles:
        _refuse_if_last_administrator(user, field="roles")
    for assignment in list(user.role_assignments):
        if assignment.role not in roles:
            user.role_assignments.remove(assignment)
            record(
                "role.revoked",
                actor_id=granted_by.id,
                target_type="user",
                target_id=user.id,
                role=assignment.role.value,
            )
    for role in sorted(roles - user.roles):
        user.role_assignments.append(RoleAssignment(role=role, granted_by_id=granted_by.id))
        record(
            "role.granted",
            actor_id=granted_by.id,
            target_type="user",
            target_id=user.id,
            role=role.value,
        )
    db.session.flush()


def set_organisation(user: User, organisation_id: int | None, *, by: User) -> None:
    """An administrator's placement of a person in another organisation, confirmed at once.

    Leaving the organisation as it was changes nothing: a pending request stays pending
    (saving someone's roles must not confirm it; confirming is its own, explicit action).
    """
    if (organisation_id or None) == user.organisation_id:
        return
    set_membership(user, organisation_id, by=by)


def deactivate(user: User, *, by: User) -> None:
    """Stop ``user`` signing in and end their sessions; nothing of theirs is deleted."""
    _refuse_if_last_administrator(user)
    if user.deactivated_at is None:
        user.deactivated_at = utcnow()
        user.session_generation += 1
        end_all_sessions(user)
        record("user.deactivated", actor_id=by.id, target_type="user", target_id=user.id)
    db.session.flush()


def reactivate(user: User, *, by: User) -> None:
    if user.deactivated_at is not None:
        user.deactivated_at = None
        record("user.reactivated", actor_id=by.id, target_type="user", target_id=user.id)
    db.session.flush()


def members_query(organisation_id: int, *, confirmed: bool, search: str = "") -> Select:
    """Active people of an organisation: its confirmed members, or its pending requests."""
    query = people_query(search=search, organisation_id=organisation_id, status="active")
    if confirmed:
        return query.where(User.organisation_confirmed_at.is_not(None))
    return query.where(User.organisation_confirmed_at.is_(None))
