"""Courses name resources by key: ``{{resource:key}}`` in a lesson becomes a link to the
library, the course page lists the approved resources of ``resources:``, and an import that
names a key the library lacks warns (and still imports)."""

from __future__ import annotations

from sqlalchemy import select

from elearn.content.markdown import resource_keys
from elearn.courses.models import Lesson
from elearn.courses.services import import_package
from elearn.extensions import db
from elearn.resources.models import ResourceStatus
from tests.conftest import count_queries, page_text
from tests.content.helpers import edit, load, valid_files
from tests.resources.conftest import make_resource

KEY = "poster-know-the-signs"


def _with_resources(lesson_text: str, listed: str = "") -> dict[str, bytes]:
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(
        files,
        "lessons/welcome.ro.md",
        "Continuați cu",
        f"Afișul pentru hol: {lesson_text}.\n\nContinuați cu",
    )
    if listed:
        files = {
            **files,
            "course.yaml": files["course.yaml"] + f"\nresources: [{listed}]\n".encode(),
        }
    return files


def _import(app, files):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        result = import_package(
            load(files), organisation_id=None, by_id=None, publish=True, operator=True
        )
        db.session.commit()
        # The test package's certificate names a signatory this database lacks: left out.
        warnings = [str(w) for w in result.warnings if "signatory" not in str(w)]
        html = db.session.scalar(select(Lesson.html).where(Lesson.key == "welcome"))
        return warnings, html


def test_a_resource_key_in_a_lesson_becomes_a_link_to_the_library(app):
    assert resource_keys("See {{resource:a-b}} and {{ resource:c }}, not {{resource:X}}") == {
        "a-b",
        "c",
    }
    _warnings, html = _import(app, _with_resources(f"{{{{resource:{KEY}}}}}"))
    assert f'<a href="/resources/{KEY}">Material din bibliotecă: {KEY}</a>' in html["ro"]
    assert "{{resource" not in html["ro"]


def test_an_unknown_key_warns_and_the_course_is_still_imported(app):
    warnings, html = _import(app, _with_resources("{{resource:missing-poster}}", "other-missing"))
    assert html is not None
    assert warnings == [
        "The course names the resource “missing-poster”, which is not in the resource library: "
        "its link leads nowhere until a resource with this key is uploaded.",
        "The course names the resource “other-missing”, which is not in the resource library: "
        "its link leads nowhere until a resource with this key is uploaded.",
    ]


def test_a_key_the_library_holds_does_not_warn_even_as_a_draft(app, people):
    make_resource(app, people.trainer.id)
    warnings, _html = _import(app, _with_resources(f"{{{{resource:{KEY}}}}}", KEY))
    assert warnings == []


def test_the_course_page_lists_its_approved_resources(app, client, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.APPROVED, reviewer_id=people.admin.id
    )
    make_resource(app, people.trainer.id, key="draft-flyer")
    _import(app, _with_resources("text", f"{KEY}, draft-flyer"))
    response = client.get("/courses/test-course", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert "Materials for your sessions" in text
    assert f"Title {KEY} ro (Poster)" in text
    assert "draft-flyer" not in text
    assert f'href="/resources/{KEY}"' in response.get_data(as_text=True)


def test_the_course_page_makes_one_query_for_any_number_of_resources(app, client, people):
    for number in range(1, 4):
        make_resource(
            app,
            people.trainer.id,
            key=f"poster-{number}",
            status=ResourceStatus.APPROVED,
            reviewer_id=people.admin.id,
        )
    _import(app, _with_resources("text", "poster-1"))
    many = edit(
        _with_resources("text", "poster-1, poster-2, poster-3"),
        "course.yaml",
        "id: test-course",
        "id: other-course",
    )
    _import(app, many)
    client.get("/courses/test-course")  # the first request of a client sets up its session
    one = count_queries(app, lambda: client.get("/courses/test-course"))
    three = count_queries(app, lambda: client.get("/courses/other-course"))
    assert "poster-3" in client.get("/courses/other-course").get_data(as_text=True)
    assert three == one
