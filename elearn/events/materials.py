"""The materials of the library handed out at an event, recorded by its organisers and
counted in the reach figures (elearn/reporting/reach_sql.py)."""

from __future__ import annotations

from elearn.database import utcnow
from elearn.events.models import Event, EventMaterial
from elearn.resources.handed_out import sync_materials


def handed_out(event: Event) -> dict[int, int]:
    """Resource id -> copies handed out at ``event``."""
    return {material.resource_id: material.quantity for material in event.materials}


def set_handed_out(event: Event, copies: dict[int, int]) -> None:
    """Record the copies of each approved resource handed out at ``event`` (0: none).

    Raises DomainError for a count out of range or a resource that is not approved; nothing
    changes then."""
    sync_materials(
        event,
        copies,
        lambda rid, quantity: EventMaterial(resource_id=rid, quantity=quantity),
    )
    event.updated_at = utcnow()
