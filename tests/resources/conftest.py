"""Files to upload, and resources in each status, made through the real services."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.resources import services
from elearn.resources.files import check_upload
from elearn.resources.models import ResourceStatus


def png(colour=(20, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload_data(**overrides) -> dict:
    """A complete upload form: a Romanian poster with its PNG."""
    data = {
        "key": "poster-know-the-signs",
        "kind": "poster",
        "audience": "pupils",
        "title_ro": "Afiș: recunoaște semnele",
        "title_en": "",
        "title_hu": "",
        "description_ro": "Semnele traficului de persoane, pentru holul școlii.",
        "description_en": "",
        "description_hu": "",
        "licence": "CC-BY-4.0",
        "attribution": "Ilustrație: Ana Pop",
        "file_ro": (io.BytesIO(png()), "afis.png"),
    }
    data.update(overrides)
    return data


def make_resource(
    app,
    uploader_id: int,
    *,
    key: str = "poster-know-the-signs",
    status: ResourceStatus = ResourceStatus.DRAFT,
    reviewer_id: int | None = None,
    languages=("ro",),
    audience: str = "pupils",
    kind: str = "poster",
) -> int:
    """A resource with a PNG per language, taken to ``status`` (approved and withdrawn need
    ``reviewer_id``, an administrator)."""
    with app.test_request_context():
        uploader = db.session.get(User, uploader_id)
        files = {code: check_upload(f"{key}-{code}.png", png()) for code in languages}
        resource = services.create_resource(
            key=key,
            kind=kind,
            audience=audience,
            title={code: f"Title {key} {code}" for code in languages},
            description={},
            licence="CC-BY-4.0",
            attribution=None,
            files=files,
            by=uploader,
        )
        if status != ResourceStatus.DRAFT:
            services.submit_for_review(resource)
        if status in (ResourceStatus.APPROVED, ResourceStatus.WITHDRAWN):
            services.approve(resource, by=db.session.get(User, reviewer_id))
        if status == ResourceStatus.WITHDRAWN:
            services.withdraw(resource, by=db.session.get(User, reviewer_id))
        db.session.commit()
        return resource.id


@pytest.fixture
def people(make):
    """A trainer, another trainer, an administrator, in English."""
    from elearn.accounts.models import Role

    class People:
        trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), language="en")
        other_trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), language="en")
        admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en")

    return People
