"""Personal access tokens made directly through the service, and a client that sends one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from elearn.accounts.models import Role, User
from elearn.api import services
from elearn.certificates.services import today
from elearn.extensions import db


def token_for(app, person, organisation_ids, *, days: int = 30, name: str = "Report") -> str:
    """A token of ``person`` (a manager or administrator) for ``organisation_ids``."""
    with app.app_context():
        owner = db.session.get(User, person.id)
        _token, secret = services.create_token(
            owner,
            name=name,
            organisation_ids=list(organisation_ids),
            expires_on=today() + timedelta(days=days),
            today=today(),
        )
        db.session.commit()
        return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def school(make):
    return make.organisation(name="Școala Gimnazială nr. 11 Oradea")


@pytest.fixture
def manager(make, school):
    return make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
