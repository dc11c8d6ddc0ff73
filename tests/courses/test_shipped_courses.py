"""Every package shipped under courses/ validates, imports, and exports to identical content."""

from __future__ import annotations

import io
import re

import pytest

from elearn.content.loader import load_package
from elearn.content.source import read_package, read_zip
from elearn.courses import services
from elearn.courses.commands import COURSES_DIR, import_paths, package_paths
from elearn.extensions import db
from elearn.reference import PROFESSIONS


def test_courses_folder_holds_packages():
    assert package_paths([]), f"no package under {COURSES_DIR}"


@pytest.mark.parametrize("path", package_paths([]), ids=lambda path: path.name)
def test_each_shipped_course_imports_exports_and_reimports_identically(app, path):
    messages = []
    with app.app_context():
        assert import_paths(
            [str(path)], publish=True, organisation_id=None, echo=messages.append
        ), messages
        package = load_package(read_package(path), professions=set(PROFESSIONS))
        course = services.course_by_slug(package.manifest.id)
        [version] = course.versions
        exported = services.export_zip(version)
        again = load_package(read_zip(io.BytesIO(exported)), professions=set(PROFESSIONS))
        assert again.content_hash == package.content_hash == version.content_hash
        assert not services.import_package(
            again, organisation_id=None, by_id=None, operator=True
        ).created
        db.session.rollback()


@pytest.mark.parametrize("path", package_paths([]), ids=lambda path: path.name)
def test_no_shipped_lesson_turns_a_year_into_a_numbered_list(path):
    """Markdown reads "2001. " at the start of a line or list item as a numbered list starting
    at 2001: a Hungarian source line "- 2001. évi 678. törvény" came out as a list inside the
    list, its bullet out of place. Such a line is written "2001\\. évi"."""
    package = load_package(read_package(path), professions=set(PROFESSIONS))
    found = [
        (lesson.id, language)
        for lesson in package.lessons
        for language, text in lesson.texts.items()
        if re.search(r'<ol start="\d{3,}"', text.html)
    ]
    assert found == []
