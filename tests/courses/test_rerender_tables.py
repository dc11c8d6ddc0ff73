"""Versions imported before lesson tables scrolled in their own region get it when upgrading."""

from __future__ import annotations

from elearn.content.contacts import load_directory
from elearn.content.markdown import rendering_fingerprint
from elearn.courses import services
from elearn.extensions import db
from tests.content.helpers import edit, load, valid_files

TABLE = "\n\n## Who to contact\n\n| Situation | Contact |\n|---|---|\n| Danger | 112 |\n"


def with_a_table():
    files = valid_files()
    last_line = files["lessons/closing.ro.md"].decode().splitlines()[-1]
    return edit(files, "lessons/closing.ro.md", last_line, last_line + TABLE)


def test_a_version_rendered_by_an_older_renderer_is_rendered_again_with_table_regions(app):
    files = with_a_table()
    with app.app_context():
        version = services.import_package(load(files), organisation_id=None, by_id=None).version
        closing = next(lesson for lesson in version.lessons if lesson.key == "closing")
        assert 'class="table-scroll"' in closing.html["ro"]
        # As an older release stored it: the table bare, and only the directory's fingerprint.
        closing.html = {**closing.html, "ro": closing.html["ro"].split("<div")[0] + "<table>"}
        version.contacts_hash = load_directory()[1]
        db.session.commit()

        assert services.rerender_stale_lessons(load) == 1
        db.session.commit()
        assert (
            '<div class="table-scroll" role="region" tabindex="0" aria-label="Who to contact">'
            in closing.html["ro"]
        )
        assert version.contacts_hash == rendering_fingerprint(load_directory()[1])
        assert services.rerender_stale_lessons(load) == 0


def test_a_freshly_imported_version_is_not_rendered_again(app):
    with app.app_context():
        services.import_package(load(valid_files()), organisation_id=None, by_id=None)
        db.session.commit()
        assert services.rerender_stale_lessons(load) == 0
