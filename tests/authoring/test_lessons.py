"""The lesson editor's services: only changed languages are written, conflicts carry both
texts and write nothing, the preview saves nothing, refusals name their field."""

from __future__ import annotations

import pytest

from elearn.authoring import lessons, services
from elearn.authoring.models import Draft, DraftStatus
from elearn.errors import DomainError
from elearn.extensions import db


def _typed(sides, **changes) -> dict[str, lessons.Typed]:
    """Every language as it is, with ``changes`` ({language: {field: value}}) applied."""
    typed = {}
    for side in sides:
        entry = lessons.Typed(side.title, list(side.objectives), side.body, base=side.sha)
        for name, value in changes.get(side.language, {}).items():
            setattr(entry, name, value)
        typed[side.language] = entry
    return typed


def _open(draft_id):
    draft = db.session.get(Draft, draft_id)
    package = services.load_draft(draft)
    return draft, lessons.lesson_sides(draft, package, "welcome")


def test_the_sides_come_source_first_with_their_parts(app, draft_id):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        draft, sides = _open(draft_id)
        assert [s.language for s in sides] == ["ro", "en"]
        assert [s.state for s in sides] == ["source", "current"]
        assert sides[1].title == "Welcome"
        assert sides[1].objectives == ["Know what the course holds", "Find the help numbers"]
        assert sides[1].body.startswith("# About the course")
        assert lessons.lesson_sides(draft, services.load_draft(draft), "nowhere") is None


def test_saving_one_language_writes_only_its_file(app, course_setup, draft_id):
    with app.test_request_context():
        draft, sides = _open(draft_id)
        before = services.draft_files(draft)
        body = sides[1].body + "\nOne more line.\n"
        _package, written = lessons.save_lesson(
            draft, "welcome", _typed(sides, en={"body": body}), by_id=course_setup.trainer.id
        )
        after = services.draft_files(draft)
        assert written == ["en"]
        assert [p for p in after if after[p] != before[p]] == ["lessons/welcome.en.md"]
        # The front matter is kept byte for byte.
        assert (
            after["lessons/welcome.en.md"].split(b"---\n# About")[0]
            == (before["lessons/welcome.en.md"].split(b"---\n# About")[0])
        )


def test_saving_the_source_marks_the_translation_out_of_date_until_confirmed(
    app, course_setup, draft_id
):
    with app.test_request_context():
        draft, sides = _open(draft_id)
        lessons.save_lesson(draft, "welcome", _typed(sides, ro={"title": "Bun venit!"}), by_id=None)
        draft, sides = _open(draft_id)
        assert [s.state for s in sides] == ["source", "out_of_date"]
        before = services.draft_files(draft)
        _package, written = lessons.save_lesson(
            draft, "welcome", _typed(sides), synced=["en"], by_id=None
        )
        draft, sides = _open(draft_id)
        assert written == [] and sides[1].state == "current"
        assert services.draft_files(draft) == before


def test_a_conflict_lists_both_texts_and_writes_nothing(app, draft_id):
    with app.test_request_context():
        draft, opened = _open(draft_id)
        theirs = opened[1].body + "\nTheirs.\n"
        lessons.save_lesson(draft, "welcome", _typed(opened, en={"body": theirs}), by_id=None)
        saved = services.draft_files(draft)
        mine = opened[1].body + "\nMine.\n"
        with pytest.raises(lessons.LessonConflict) as caught:
            lessons.save_lesson(draft, "welcome", _typed(opened, en={"body": mine}), by_id=None)
        (conflict,) = caught.value.conflicts
        assert conflict.language == "en"
        assert "Theirs." in conflict.theirs and "Mine." in conflict.yours
        assert ("theirs", "Theirs.") in conflict.diff() and ("yours", "Mine.") in conflict.diff()
        assert services.draft_files(draft) == saved


def test_raw_html_and_script_links_are_refused_by_field(app, draft_id):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        draft, sides = _open(draft_id)
        before = services.draft_files(draft)
        body = "Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n`<b>` is code\n"
        with pytest.raises(lessons.LessonProblems) as caught:
            lessons.save_lesson(draft, "welcome", _typed(sides, en={"body": body}), by_id=None)
        texts = [p.text for p in caught.value.problems]
        assert len(texts) == 2  # the code span is not HTML
        assert texts[0].startswith("Text (English), line 3: HTML is not allowed")
        assert texts[1].startswith("Text (English), line 5: scripts and data are not allowed")
        assert services.draft_files(draft) == before


def test_the_loader_alone_shows_raw_html_as_text_and_drops_script_links(app, draft_id):
    """Why the editor checks these itself: the loader accepts them, neutralised."""
    with app.test_request_context():
        draft, sides = _open(draft_id)
        typed = _typed(sides)["en"]
        typed.body = "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n"
        files = services.draft_files(draft)
        files["lessons/welcome.en.md"] = lessons._new_text(
            services.read_text(draft, "lessons/welcome.en.md"), typed
        ).encode()
        html = services.validate(files).lessons[0].texts["en"].html
        assert "<script" not in html and "&lt;script&gt;" in html
        assert 'href="javascript' not in html


def test_a_broken_link_is_reported_on_the_bodys_own_line(app, draft_id):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        draft, sides = _open(draft_id)
        body = "First\n\nSee [it](lesson:nowhere).\n"
        with pytest.raises(lessons.LessonProblems) as caught:
            lessons.save_lesson(draft, "welcome", _typed(sides, en={"body": body}), by_id=None)
        (problem,) = caught.value.problems
        assert (problem.language, problem.field) == ("en", "body")
        assert problem.text.startswith("Text (English), line 3:") and "nowhere" in problem.text


def test_preview_renders_without_saving(app, draft_id):
    with app.test_request_context():
        draft, sides = _open(draft_id)
        before = services.draft_files(draft)
        typed = _typed(sides, en={"title": "New title", "body": "**Bold** {{contact:emergency}}"})
        text = lessons.preview(draft, "welcome", "en", typed["en"])
        assert text.title == "New title"
        assert "<strong>Bold</strong>" in text.html and "tel:112" in text.html
        assert services.draft_files(draft) == before


def test_a_draft_with_a_reviewer_refuses_the_save(app, draft_id):
    with app.test_request_context():
        draft, sides = _open(draft_id)
        draft.status = DraftStatus.IN_REVIEW
        with pytest.raises(DomainError):
            lessons.save_lesson(draft, "welcome", _typed(sides, en={"title": "X"}), by_id=None)


def test_an_unchanged_form_writes_nothing(app, draft_id):
    with app.test_request_context():
        draft, sides = _open(draft_id)
        revision = draft.revision
        _package, written = lessons.save_lesson(draft, "welcome", _typed(sides), by_id=None)
        assert written == [] and draft.revision == revision


def test_two_languages_saved_at_once_are_both_written(app, draft_id):
    with app.test_request_context():
        draft, sides = _open(draft_id)
        changes = {s.language: {"body": s.body + "\nBoth.\n"} for s in sides}
        _package, written = lessons.save_lesson(
            draft, "welcome", _typed(sides, **changes), by_id=None
        )
        db.session.commit()
        assert written == ["en", "ro"]
        draft, sides = _open(draft_id)
        assert all(s.body.endswith("Both.\n") for s in sides)
        assert [s.state for s in sides] == ["source", "current"]
