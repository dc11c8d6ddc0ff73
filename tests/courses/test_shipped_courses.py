"""Every package shipped under courses/ validates and imports."""

from __future__ import annotations

import pytest

from elearn.courses.commands import COURSES_DIR, import_paths, package_paths


def test_courses_folder_holds_packages():
    assert COURSES_DIR.is_dir()


@pytest.mark.parametrize("path", package_paths([]), ids=lambda path: path.name)
def test_each_shipped_course_imports_and_publishes(app, path):
    messages = []
    with app.app_context():
        assert import_paths(
            [str(path)], publish=True, organisation_id=None, echo=messages.append
        ), messages
