"""A course of the test organisation, published, with a trainer who may edit it and a draft
started from it: what every editor test begins with."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from elearn.accounts.models import Role
from elearn.extensions import db
from tests.content.helpers import load_once, valid_files


@dataclass
class Setup:
    organisation_id: int
    course_id: int
    version_id: int
    trainer: object  # a Person: a trainer of the owning organisation


def publish_test_course(app, organisation_id: int | None, files=None) -> tuple[int, int]:
    """The valid test package imported and published; (course id, version id)."""
    from elearn.courses.services import import_package

    with app.app_context():
        package = load_once(files or valid_files())
        version = import_package(
            package, organisation_id=organisation_id, by_id=None, publish=True
        ).version
        db.session.commit()
        return version.course_id, version.id


@pytest.fixture
def course_setup(app, make) -> Setup:
    organisation_id = make.organisation()
    course_id, version_id = publish_test_course(app, organisation_id)
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=organisation_id)
    return Setup(organisation_id, course_id, version_id, trainer)


def start(app, course_id: int, by_id: int | None = None) -> int:
    """A draft of the course (its open one, or a new one); its id."""
    from elearn.authoring.services import start_draft
    from elearn.courses.models import Course

    with app.app_context():
        draft = start_draft(db.session.get(Course, course_id), by_id=by_id)
        db.session.commit()
        return draft.id


@pytest.fixture
def draft_id(app, course_setup) -> int:
    return start(app, course_setup.course_id, course_setup.trainer.id)
