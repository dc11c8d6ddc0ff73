"""Creating, changing and listing organisations and their members."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from elearn.errors import DomainError
from elearn.extensions import db
from elearn.organisations.models import Organisation

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


def create_organisation(*, name: str, kind: str, county: str | None) -> Organisation:
    """Add an organisation. Raises DomainError when the name is taken (ignoring case)."""
    _check_name_free(name)
    organisation = Organisation(name=name, kind=kind, county=county or None)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(
    organisation: Organisation, *, name: str, kind: str, county: str | None
) -> None:
    """Rename or reclassify an organisation. Raises DomainError when the name is taken."""
    _check_name_free(name, except_id=organisation.id)
    organisation.name = name
    organisation.kind = kind
    organisation.county = county or None
    db.session.flush()


def delete_organisation(organisation: Organisation) -> None:
    """Remove an organisation nobody belongs to. Raises DomainError while it has members."""
    from elearn.accounts.models import User

    members = db.session.scalar(
        select(func.count(User.id)).where(User.organisation_id == organisation.id)
    )
    if members:
        raise DomainError(
            _l("This organisation still has members. Move them to another organisation first.")
        )
    db.session.delete(organisation)
    db.session.flush()


def organisations_with_member_counts():
    """Rows of (Organisation, member count), by name, in one query."""
    from elearn.accounts.models import User

    return db.session.execute(
        select(Organisation, func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
