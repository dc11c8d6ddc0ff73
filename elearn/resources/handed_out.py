"""Materials of the library handed out at a delivered session or an event: the copies of
each approved resource, as a form with one field per resource and the rows kept in step.

Sessions (elearn/reach) and events (elearn/events) both record them the same way; they sit
above the library, so the shared part lives here."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from elearn.errors import DomainError
from elearn.extensions import db
from elearn.resources.models import Resource, ResourceStatus

MAX_COPIES = 100_000


class CountField(IntegerField):
    """A whole number, with our own message when it is not one."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a whole number, like 25."))) from error


def with_copies_fields(form_class: type, resources: list[Resource], language: str) -> type:
    """``form_class`` with one optional "copies" field per resource, named
    ``material_<id>`` and labelled with the resource's title in ``language``."""

    class WithMaterials(form_class):
        pass

    for resource in resources:
        field = CountField(
            resource.text("title", language),
            validators=[
                Optional(),
                NumberRange(0, MAX_COPIES, _l("Enter a number of copies from 0 to 100,000.")),
            ],
        )
        setattr(WithMaterials, f"material_{resource.id}", field)
    return WithMaterials


def copies_fields(form, resources: list[Resource]) -> list[tuple[Resource, object]]:
    """(resource, its field) for each resource the form has a field for."""
    return [
        (resource, form[f"material_{resource.id}"])
        for resource in resources
        if f"material_{resource.id}" in form
    ]


def sync_materials(owner, wanted: dict[int, int], make_row: Callable[[int, int], object]):
    """Keep ``owner.materials`` (a session's or an event's rows with ``resource_id`` and
    ``quantity``) equal to ``wanted`` (resource id -> copies; 0 means none), adding rows with
    ``make_row(id, copies)``, and ``owner.materials_count`` equal to the copies in all.

    Raises DomainError when a count is out of range or a resource is not an approved one of
    the library; nothing is changed then."""
    wanted = {rid: copies for rid, copies in wanted.items() if copies}
    if any(not 0 < copies <= MAX_COPIES for copies in wanted.values()):
        raise DomainError(_l("Enter a number of copies from 0 to 100,000."))
    if wanted:
        approved = set(
            db.session.scalars(
                select(Resource.id).where(
                    Resource.id.in_(wanted), Resource.status == ResourceStatus.APPROVED
                )
            )
        )
        if set(wanted) - approved:
            raise DomainError(_l("Choose materials from the library's list."))
    rows = owner.materials
    existing = {row.resource_id: row for row in rows}
    for rid, row in existing.items():
        if rid not in wanted:
            rows.remove(row)
    for rid, copies in wanted.items():
        if rid in existing:
            existing[rid].quantity = copies
        else:
            rows.append(make_row(rid, copies))
    owner.materials_count = sum(wanted.values())
