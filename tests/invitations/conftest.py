"""An organisation with a manager signed in (in English), and helpers to read invitations."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.extensions import db
from elearn.invitations.models import Invitation
from tests.conftest import sign_in


@dataclass
class Place:
    organisation_id: int
    manager: object


@pytest.fixture
def school(app, client, make) -> Place:
    """A school, and its manager signed in on ``client``."""
    organisation_id = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    manager = make.user(
        full_name="Maria Manager",
        roles=(Role.LEARNER, Role.MANAGER),
        organisation_id=organisation_id,
        language="en",
    )
    sign_in(client, manager)
    return Place(organisation_id, manager)


def invitations(app, **filters) -> list[Invitation]:
    with app.app_context():
        query = select(Invitation).filter_by(**filters).order_by(Invitation.id)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return found


def upload_file(client, organisation_id: int, data: bytes, filename: str = "people.csv"):
    return client.post(
        f"/organisations/{organisation_id}/invitations/upload",
        data={"spreadsheet": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


LINK = re.compile(r"http://localhost/invitations/([\w-]+)")


def link_in(message) -> str:
    """The invitation path in an email's text."""
    return "/invitations/" + LINK.search(message.body).group(1)
