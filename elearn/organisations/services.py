"""Creating, changing and listing organisations and their members."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from elearn.signals import membership_confirmed, membership_ended, organisation_deleting

NO_ORGANISATION = 0


def organisation_choices() -> list[tuple[int, str]]:
    """Every organisation for a select field, by name, after 'none'."""
    names = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    )
    return [(NO_ORGANISATION, _("None, or not in the list"))] + [
        (row.id, row.name) for row in names
    ]


def organisation_or_none(organisation_id: int | None) -> Organisation | None:
    """The organisation chosen in a form, None for 'none'. Raises DomainError if it is gone."""
    if not organisation_id or organisation_id == NO_ORGANISATION:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise DomainError(_l("Choose an organisation from the list."), field="organisation_id")
    return organisation


def _check_name_free(name: str, *, except_id: int | None = None) -> None:
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if except_id is not None:
        query = query.where(Organisation.id != except_id)
    if db.session.scalar(query) is not None:
        raise DomainError(_l("An organisation with this name already exists."), field="name")


def create_organisation(
    *, name: str, kind: str, county: str | None, by_id: int | None = None
) -> Organisation:
    """Add an organisation. Raises DomainError when the name is taken (ignoring case)."""
    _check_name_free(name)
    organisation = Organisation(name=name, kind=kind, county=county or None)
    db.session.add(organisation)
    db.session.flush()
    record(
        "organisation.created",
        actor_id=by_id,
        target_type="organisation",
        target_id=organisation.id,
        after={"kind": kind, "county": county or None},
    )
    return organisation


def update_organisation(
    organisation: Organisation, *, name: str, kind: str, county: str | None, by_id: int
) -> None:
    """Rename or reclassify an organisation. Raises DomainError when the name is taken."""
    _check_name_free(name, except_id=organisation.id)
    before = {"name": organisation.name, "kind": organisation.kind, "county": organisation.county}
    organisation.name = name
    organisation.kind = kind
    organisation.county = county or None
    after = {"name": organisation.name, "kind": organisation.kind, "county": organisation.county}
    record(
        "organisation.updated",
        actor_id=by_id,
        target_type="organisation",
        target_id=organisation.id,
        before=before,
        after=after,
    )
    db.session.flush()


def delete_organisation(organisation: Organisation, *, by_id: int) -> None:
    """Remove an organisation nobody belongs to. Raises DomainError while it has members."""
    members = db.session.scalar(
        select(func.count(User.id)).where(User.organisation_id == organisation.id)
    )
    if members:
        raise DomainError(
            _l("This organisation still has members. Move them to another organisation first.")
        )
    if db.session.scalar(select(Organisation.id).where(Organisation.parent_id == organisation.id)):
        raise DomainError(
            _l("Other organisations are placed below this one. Move them elsewhere first.")
        )
    record(
        "organisation.deleted",
        actor_id=by_id,
        target_type="organisation",
        target_id=organisation.id,
        before={"name": organisation.name},
    )
    organisation_deleting.send(organisation, organisation_id=organisation.id)
    db.session.delete(organisation)
    db.session.flush()


def member_counts() -> dict[int, tuple[int, int]]:
    """Organisation id -> (confirmed members, pending requests), counted exactly as the
    members page lists them (active, not erased); one query."""
    confirmed = User.organisation_confirmed_at.is_not(None)
    rows = db.session.execute(
        select(
            User.organisation_id,
            func.count(User.id).filter(confirmed),
            func.count(User.id).filter(~confirmed),
        )
        .where(
            User.organisation_id.is_not(None),
            User.erased_at.is_(None),
            User.deactivated_at.is_(None),
        )
        .group_by(User.organisation_id)
    )
    return {organisation_id: (members, pending) for organisation_id, members, pending in rows}


# Memberships ---------------------------------------------------------------------------------


def change_membership(user, organisation_id: int | None) -> None:
    """A person's own choice of organisation: a new one is a request, pending confirmation."""
    organisation = organisation_or_none(organisation_id)
    new_id = organisation.id if organisation else None
    if new_id == user.organisation_id:
        return
    _ended(user, moving_to=new_id)
    user.organisation_id = new_id
    user.organisation_confirmed_at = None
    db.session.flush()
    if new_id is not None:
        record(
            "membership.requested",
            actor_id=user.id,
            target_type="user",
            target_id=user.id,
            organisation_id=new_id,
        )


def set_membership(user, organisation_id: int | None, *, by) -> None:
    """An administrator places a person in an organisation, confirmed at once."""
    organisation = organisation_or_none(organisation_id)
    new_id = organisation.id if organisation else None
    if new_id == user.organisation_id and (new_id is None or user.organisation_confirmed_at):
        return
    before = user.organisation_id
    if before != new_id:
        _ended(user, moving_to=new_id)
    user.organisation_id = new_id
    user.organisation_confirmed_at = utcnow() if new_id else None
    record(
        "membership.set",
        actor_id=by.id,
        target_type="user",
        target_id=user.id,
        before={"organisation_id": before},
        after={"organisation_id": new_id},
    )
    db.session.flush()
    if new_id is not None:
        membership_confirmed.send(user, organisation_id=new_id, user_ids=[user.id])


def join_by_invitation(user, organisation_id: int, *, invitation_id: int) -> None:
    """The person accepted an invitation into ``organisation_id``: the link proved the
    address, and a manager (or administrator) of the organisation chose them, so they are a
    confirmed member at once, leaving any other organisation."""
    if user.organisation_id == organisation_id and user.organisation_confirmed_at is not None:
        return
    before = user.organisation_id
    if before != organisation_id:
        _ended(user, moving_to=organisation_id)
    user.organisation_id = organisation_id
    user.organisation_confirmed_at = utcnow()
    record(
        "membership.joined_by_invitation",
        actor_id=user.id,
        target_type="user",
        target_id=user.id,
        organisation_id=organisation_id,
        invitation_id=invitation_id,
        before={"organisation_id": before},
    )
    db.session.flush()
    membership_confirmed.send(user, organisation_id=organisation_id, user_ids=[user.id])


def can_manage(manager, organisation_id: int) -> bool:
    """Administrators manage every organisation; a manager, the one they are a confirmed
    member of and every organisation below it in the tree."""
    if manager.has_role(Role.ADMIN):
        return True
    own = manager.confirmed_organisation_id
    if not manager.has_role(Role.MANAGER) or own is None:
        return False
    return own == organisation_id or tree.is_within(organisation_id, own)


def _check_may_act(member, organisation_id: int, *, by) -> None:
    if not can_manage(by, organisation_id) or member.organisation_id != organisation_id:
        record(
            "membership.confirm_refused",
            actor_id=by.id,
            target_type="user",
            target_id=member.id,
            organisation_id=organisation_id,
        )
        raise DomainError(_l("You can act only on the people of your own organisation."))


def confirm_membership(member, organisation_id: int, *, by) -> None:
    """Confirm a pending request. Raises DomainError for a manager of another organisation."""
    _check_may_act(member, organisation_id, by=by)
    if member.organisation_confirmed_at is None:
        member.organisation_confirmed_at = utcnow()
        record(
            "membership.confirmed",
            actor_id=by.id,
            target_type="user",
            target_id=member.id,
            organisation_id=organisation_id,
        )
        db.session.flush()
        membership_confirmed.send(member, organisation_id=organisation_id, user_ids=[member.id])
    db.session.flush()


def reject_membership(member, organisation_id: int, *, by) -> None:
    """Refuse a pending request, or end a confirmed membership; the person keeps their account."""
    _check_may_act(member, organisation_id, by=by)
    action = "membership.ended" if member.organisation_confirmed_at else "membership.rejected"
    _ended(member)
    member.organisation_id = None
    member.organisation_confirmed_at = None
    record(
        action,
        actor_id=by.id,
        target_type="user",
        target_id=member.id,
        organisation_id=organisation_id,
    )
    db.session.flush()


def _ended(user, *, moving_to: int | None = None) -> None:
    """Tell the features above that a confirmed member leaves their organisation (for
    ``moving_to``, confirmed or asked for, if they move)."""
    if user.organisation_id is not None and user.organisation_confirmed_at is not None:
        membership_ended.send(
            user, organisation_id=user.organisation_id, user_ids=[user.id], moving_to=moving_to
        )
