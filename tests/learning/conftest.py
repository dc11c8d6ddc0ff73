"""A published course to learn from: the valid test package (sequential, two quizzes)."""

from __future__ import annotations

import pytest

from elearn.courses.services import import_package
from elearn.extensions import db
from tests.content.helpers import edit, load_once, valid_files


def import_files(app, files, *, publish=True):
    with app.app_context():
        package = load_once(files)
        version = import_package(
            package, organisation_id=None, by_id=None, publish=publish, operator=True
        ).version
        db.session.commit()
        return version.id


@pytest.fixture
def course(app):
    """The test course, published, with the prerequisite removed and a short final quiz."""
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    return import_files(app, files)


@pytest.fixture
def learner(make, client):
    from tests.conftest import sign_in

    person = make.user(language="en")
    sign_in(client, person)
    return person
