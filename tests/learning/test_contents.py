"""A version's lessons and quizzes, and its lessons' texts, kept per process for the learner
pages (elearn/learning/contents.py, elearn/courses/lesson_text.py): read once for a published
version, afresh for a draft, bounded, never stale, and never changed by a request."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, update

from elearn.courses.lesson_text import lesson_text
from elearn.courses.models import CourseVersion, Lesson, Quiz, VersionStatus
from elearn.extensions import db
from elearn.learning.contents import contents_of
from tests.conftest import count_statements
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files


def version(version_id: int) -> CourseVersion:
    return db.session.get(CourseVersion, version_id)


def test_a_published_versions_contents_are_its_lessons_and_quizzes_in_order(app, course):
    with app.app_context():
        contents = contents_of(version(course))
        lessons = db.session.scalars(
            select(Lesson).where(Lesson.version_id == course).order_by(Lesson.position)
        ).all()
        quizzes = db.session.scalars(
            select(Quiz).where(Quiz.version_id == course).order_by(Quiz.position)
        ).all()
    assert [item.key for item in contents.lessons] == [lesson.key for lesson in lessons]
    assert [item.key for item in contents.quizzes] == [quiz.key for quiz in quizzes]
    for item, lesson in zip(contents.lessons, lessons, strict=True):
        assert (item.id, item.titles, item.duration, item.required, item.content_hash) == (
            lesson.id,
            lesson.titles,
            lesson.duration,
            lesson.required,
            lesson.content_hash,
        )
    assert [q.settings for q in contents.quizzes] == [quiz.settings for quiz in quizzes]
    assert [r.key for r in contents.requirements.lessons] == [lesson.key for lesson in lessons]
    assert contents.lesson("welcome").key == "welcome" and contents.lesson("nowhere") is None
    assert contents.quiz("final").key == "final"


def test_a_published_version_is_read_once_per_process(app, course):
    with app.app_context():
        the_version = version(course)
        first = count_statements(app, lambda: contents_of(the_version))
        again = count_statements(app, lambda: contents_of(the_version))
    assert first == 2  # its lessons, its quizzes
    assert again == 0


def test_the_items_cannot_be_changed(app, course):
    with app.app_context():
        lesson = contents_of(version(course)).lessons[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        lesson.duration = 1


def test_a_draft_is_read_afresh_each_time(app):
    draft = import_files(app, valid_files(), publish=False)
    with app.app_context():
        assert version(draft).status == VersionStatus.DRAFT
        before = contents_of(version(draft)).lessons[0].titles
        db.session.execute(
            update(Lesson)
            .where(Lesson.version_id == draft, Lesson.key == "welcome")
            .values(titles={**before, "en": "Welcome, changed in the draft"})
        )
        db.session.commit()
        assert contents_of(version(draft)).lesson("welcome").titles["en"] == (
            "Welcome, changed in the draft"
        )


def test_the_same_id_with_other_content_is_read_again(app, course):
    """An id can come back with other content (SQLite reuses a deleted row's id): the cache
    is keyed by the id and the content hash together."""
    with app.app_context():
        the_version = version(course)
        contents_of(the_version)
        the_version.content_hash = "0" * 64
        db.session.commit()
        assert count_statements(app, lambda: contents_of(the_version)) == 2


@pytest.mark.parametrize("config_overrides", [{"VERSION_CONTENTS_CACHE_SIZE": 1}], indirect=True)
def test_the_cache_keeps_at_most_its_size_least_recently_used_out_first(app, course):
    files = edit(valid_files(), "course.yaml", "id: test-course", "id: other-course")
    other = import_files(
        app, edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    )
    with app.app_context():
        first, second = version(course), version(other)
        contents_of(first)
        contents_of(second)  # pushes the first out
        assert count_statements(app, lambda: contents_of(second)) == 0
        assert count_statements(app, lambda: contents_of(first)) == 2


@pytest.mark.parametrize("config_overrides", [{"VERSION_CONTENTS_CACHE_SIZE": 0}], indirect=True)
def test_a_size_of_nought_keeps_nothing(app, course):
    with app.app_context():
        the_version = version(course)
        contents_of(the_version)
        assert count_statements(app, lambda: contents_of(the_version)) == 2


def test_the_lesson_page_reads_the_outline_from_the_cache_after_the_first_view(
    app, client, learner, course
):
    client.post("/courses/test-course/enrol")
    statements = []

    def lessons_read(path):
        with app.app_context():
            engine = db.engine
        from sqlalchemy import event

        def listener(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        found = [s for s in statements if "FROM lessons" in s and "lessons.titles" in s]
        statements.clear()
        return found

    lessons_read("/courses/test-course/lessons/welcome")
    assert lessons_read("/courses/test-course/lessons/welcome") == []
    assert lessons_read("/courses/test-course") == []


def lesson_id(version_id: int, key: str = "welcome") -> int:
    return db.session.scalar(
        select(Lesson.id).where(Lesson.version_id == version_id, Lesson.key == key)
    )


def test_a_published_lessons_text_is_read_once_per_process_and_language(app, course):
    with app.app_context():
        the_version = version(course)
        lesson = db.session.get(Lesson, lesson_id(course))
        stored = (lesson.html["en"], lesson.objectives["en"])

        def read(language="en"):
            return lambda: lesson_text(lesson, language, the_version)

        assert count_statements(app, read()) == 1
        assert count_statements(app, read()) == 0
        assert count_statements(app, read("ro")) == 1  # another language, another entry
        text = lesson_text(lesson, "en", the_version)
    assert (text.html, list(text.objectives)) == stored


def test_a_lesson_rendered_again_is_read_again(app, course):
    """Rendering again (another directory of contacts, renderer or sanitiser) gives the version
    another contacts hash, which is part of the key."""
    with app.app_context():
        the_version = version(course)
        lesson = db.session.get(Lesson, lesson_id(course))
        lesson_text(lesson, "en", the_version)
        lesson.html = {**lesson.html, "en": "<p>Rendered again</p>"}
        the_version.contacts_hash = "f" * 16
        db.session.commit()
        assert lesson_text(lesson, "en", the_version).html == "<p>Rendered again</p>"


def test_a_drafts_lesson_text_is_read_afresh(app):
    draft = import_files(app, valid_files(), publish=False)
    with app.app_context():
        the_version = version(draft)
        lesson = db.session.get(Lesson, lesson_id(draft))
        lesson_text(lesson, "en", the_version)
        lesson.html = {**lesson.html, "en": "<p>Edited in the draft</p>"}
        db.session.commit()
        assert lesson_text(lesson, "en", the_version).html == "<p>Edited in the draft</p>"


@pytest.mark.parametrize("config_overrides", [{"LESSON_TEXT_CACHE_SIZE": 0}], indirect=True)
def test_a_lesson_text_cache_of_nought_keeps_nothing(app, course):
    with app.app_context():
        the_version = version(course)
        lesson = db.session.get(Lesson, lesson_id(course))
        lesson_text(lesson, "en", the_version)
        assert count_statements(app, lambda: lesson_text(lesson, "en", the_version)) == 1


def manifests_read(app, work) -> int:
    """How many statements of ``work()`` read a version's manifest."""
    from sqlalchemy import event

    found = []

    def listener(_connection, _cursor, statement, *_args):
        if "course_versions.manifest" in statement:
            found.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(found)


def test_the_learner_pages_read_a_published_manifest_once_per_process(app, client, learner, course):
    client.post("/courses/test-course/enrol")
    pages = ["/courses/test-course", "/courses/test-course/lessons/welcome", "/my-learning"]
    for page in pages:
        assert client.get(page).status_code == 200
    for page in pages:

        def view(page=page):
            response = client.get(page)
            assert response.status_code == 200
            return response

        assert manifests_read(app, view) == 0, page
    # What the manifest gives is still on the pages: the course's modules in the outline.
    assert "First module" in client.get("/courses/test-course").get_data(as_text=True)


def test_a_drafts_manifest_is_read_afresh(app):
    from elearn.learning.contents import MANIFEST_DEFERRED, with_manifests

    draft = import_files(app, valid_files(), publish=False)

    def loaded():
        db.session.remove()
        the_version = db.session.scalar(
            select(CourseVersion).where(CourseVersion.id == draft).options(MANIFEST_DEFERRED)
        )
        with_manifests([the_version])
        return the_version.manifest

    with app.app_context():
        first = loaded()
        db.session.execute(
            update(CourseVersion)
            .where(CourseVersion.id == draft)
            .values(manifest={**first, "changed": True})
        )
        db.session.commit()
        assert loaded()["changed"] is True


def test_a_withdrawn_version_leaves_every_workers_pages_at_once(app, make, course):
    """Two workers (two apps, each with its caches) both showing version 1; a replacement is
    published and version 1 withdrawn through the first: the second shows the new version on
    its next request. The caches hold what a version contains, never which version is
    offered or followed, which each request still reads."""
    from elearn import create_app
    from elearn.courses import services as courses
    from tests.conftest import Client, signed_in_client

    other_worker = create_app(
        {
            key: app.config[key]
            for key in ("SQLALCHEMY_DATABASE_URI", "EXPORT_DIR", "MEDIA_STORAGE_PATH")
        }
    )
    other_worker.test_client_class = Client
    try:
        person = make.user(language="en")
        here, there = signed_in_client(app, person), signed_in_client(other_worker, person)
        here.post("/courses/test-course/enrol")
        for client in (here, there):
            assert "Welcome" in client.get("/courses/test-course").get_data(as_text=True)
            assert client.get("/courses/test-course/lessons/welcome").status_code == 200
        files = edit(
            valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []"
        )
        files = edit(files, "lessons/welcome.en.md", "title: Welcome", "title: Welcome, revised")
        files = edit(files, "course.yaml", 'version: "1.0.0"', 'version: "1.0.1"')
        replacement = import_files(app, files)
        with app.app_context():
            courses.withdraw_version(
                version(course),
                replacement=version(replacement),
                reason="a wrong number",
                by_id=person.id,
            )
            db.session.commit()
        for client in (there, here):
            page = client.get("/courses/test-course").get_data(as_text=True)
            assert "Welcome, revised" in page
            lesson = client.get("/courses/test-course/lessons/welcome").get_data(as_text=True)
            assert "Welcome, revised" in lesson
    finally:
        with other_worker.app_context():
            db.session.remove()
            db.engine.dispose()
