"""What cohorts do when organisations' memberships change (elearn/signals.py)."""

from __future__ import annotations

from elearn.cohorts.services import forget_memberships
from elearn.signals import membership_ended


def _left(_sender, *, organisation_id: int, user_ids, moving_to=None, **_details) -> None:
    """People who leave an organisation leave its cohorts and those of the organisations
    above it: a cohort holds only the people of its organisation and those below (moving
    within a cohort's organisation keeps them in it)."""
    forget_memberships(organisation_id, user_ids, moving_to=moving_to)


def init_app(app) -> None:
    membership_ended.connect(_left)
