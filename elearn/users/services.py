"""Administrators' changes to other people's accounts.

There must always be at least one active administrator, so the last one can neither lose
the role nor be deactivated.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations.services import NO_ORGANISATION, organisation_or_none
from elearn.text import fold


def people_query(
    *,
    search: str = "",
    role: str = "",
    organisation_id: int | None = None,
    status: str = "",
) -> Select:
    """People matching a search by name or email (case and diacritics ignored) and filters."""
    query = select(User).order_by(User.search_key, User.id)
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
            User.id != user.id,
        )
    )


def set_roles(user: User, roles: set[Role], *, granted_by: User) -> None:
    """Give ``user`` exactly ``roles``. Raises DomainError if that would leave no administrator."""
    if (
        Role.ADMIN in user.roles
        and Role.ADMIN not in roles
        and not _other_active_administrators(user)
    ):
        raise DomainError(
            _l("This is the only administrator. Make someone else an administrator first."),
            field="roles",
        )
    for assignment in list(user.role_assignments):
        if assignment.role not in roles:
            user.role_assignments.remove(assignment)
    for role in roles - user.roles:
        user.role_assignments.append(RoleAssignment(role=role, granted_by_id=granted_by.id))
    db.session.flush()


def set_organisation(user: User, organisation_id: int | None) -> None:
    organisation = organisation_or_none(organisation_id)
    user.organisation_id = organisation.id if organisation else None
    db.session.flush()


def deactivate(user: User) -> None:
    """Stop ``user`` signing in and end their sessions; nothing of theirs is deleted."""
    if user.has_role(Role.ADMIN) and not _other_active_administrators(user):
        raise DomainError(
            _l("This is the only administrator. Make someone else an administrator first.")
        )
    if user.deactivated_at is None:
        user.deactivated_at = utcnow()
        user.session_generation += 1
    db.session.flush()


def reactivate(user: User) -> None:
    user.deactivated_at = None
    db.session.flush()
