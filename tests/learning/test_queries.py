"""The catalogue, the course page and the lesson page make the same number of queries however
many courses, lessons and learners there are; and the pages read only the lesson text they
show (issue 17)."""

from __future__ import annotations

import contextlib
import json

from freezegun import freeze_time
from sqlalchemy import event, select

from elearn.courses.models import Lesson
from elearn.extensions import db
from tests.conftest import count_queries, forget_cached_contents, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files


def course_files(slug: str, extra_lessons: int = 0) -> dict[str, bytes]:
    files = edit(valid_files(), "course.yaml", "id: test-course", f"id: {slug}")
    files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(
        files, "course.yaml", "completion:\n  sequential: true", "completion:\n  sequential: false"
    )
    lessons = "".join(f"      - id: extra-{i}\n        duration: 5\n" for i in range(extra_lessons))
    files = edit(
        files, "course.yaml", "        required: false\n", "        required: false\n" + lessons
    )
    for i in range(extra_lessons):
        for language in ("ro", "en"):
            files[f"lessons/extra-{i}.{language}.md"] = (
                f"---\ntitle: Extra {i}\nobjectives: [Objective {i} of {slug} in {language}]\n---\n"
                f"Text {i} of {slug} in {language}.\n"
            ).encode()
    return files


def test_the_catalogue_does_not_query_per_course(app, client, make):
    sign_in(client, make.user())
    client.get("/")  # the first page after signing in also checks the privacy notice, once
    import_files(app, course_files("course-a"))
    one = count_queries(app, lambda: client.get("/courses/"))
    for slug in ("course-b", "course-c", "course-d"):
        import_files(app, course_files(slug))
    assert count_queries(app, lambda: client.get("/courses/")) == one


def test_course_and_lesson_pages_do_not_query_per_lesson_or_learner(app, client, make):
    import_files(app, course_files("small"))
    import_files(app, course_files("large", extra_lessons=25))
    for _ in range(5):  # other learners on the large course
        other = app.test_client()
        sign_in(other, make.user())
        other.post("/courses/large/enrol")
        other.post("/courses/large/lessons/welcome/complete")
    sign_in(client, make.user())
    counts = {}
    # The same minute on a lesson for both courses: time is counted (and written) only when
    # a whole second has passed, which a loaded machine made differ between the two.
    with freeze_time("2026-12-06 10:00:00") as clock:
        for slug in ("small", "large"):
            client.post(f"/courses/{slug}/enrol")
            client.post(f"/courses/{slug}/lessons/welcome/complete")
            client.get(f"/courses/{slug}/lessons/welcome")
            clock.tick(60)
            counts[slug] = (
                count_queries(app, lambda slug=slug: client.get(f"/courses/{slug}")),
                count_queries(
                    app, lambda slug=slug: client.get(f"/courses/{slug}/lessons/media-lesson")
                ),
            )
    assert counts["small"] == counts["large"]


def test_my_learning_does_not_query_per_course(app, client, make):
    for slug in ("course-a", "course-b", "course-c"):
        import_files(app, course_files(slug))
    sign_in(client, make.user())
    client.get("/")
    client.post("/courses/course-a/enrol")
    client.post("/courses/course-a/lessons/welcome/complete")
    one = count_queries(app, lambda: client.get("/my-learning"))
    for slug in ("course-b", "course-c"):
        client.post(f"/courses/{slug}/enrol")
        client.post(f"/courses/{slug}/lessons/welcome/complete")
    assert count_queries(app, lambda: client.get("/my-learning")) == one


def test_a_members_learning_page_does_not_query_per_course(app, client, make):
    from elearn.accounts.models import Role

    for slug in ("course-a", "course-b", "course-c"):
        import_files(app, course_files(slug))
    organisation = make.organisation()
    member = make.user(organisation_id=organisation)
    learner = app.test_client()
    sign_in(learner, member)
    learner.post("/courses/course-a/enrol")
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation))
    client.get("/")
    page = f"/organisations/{organisation}/people/{member.id}/learning"
    one = count_queries(app, lambda: client.get(page))
    for slug in ("course-b", "course-c"):
        learner.post(f"/courses/{slug}/enrol")
        learner.post(f"/courses/{slug}/lessons/welcome/complete")
    assert count_queries(app, lambda: client.get(page)) == one


def fetched_text(app, request) -> set[str]:
    """Every text the SELECTs of ``request()`` return, JSON opened up: each statement is run
    again after the request, and its rows' values are collected."""
    statements = []
    with app.app_context():
        engine = db.engine
    forget_cached_contents(app)  # what a worker that has just started reads

    def listener(_connection, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = request()
        assert response.status_code == 200, response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    found: set[str] = set()

    def collect(value):
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            found.add(value)
            if value[:1] in "[{":  # JSON the driver hands over as text (SQLite)
                with contextlib.suppress(ValueError):
                    collect(json.loads(value))

    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                for row in connection.exec_driver_sql(statement, parameters):
                    for value in row:
                        collect(value)
        connection.rollback()
    return found


def lesson_texts(app) -> dict[tuple[str, str, str], str]:
    """(course, lesson, language) -> the stored HTML, and the objectives joined, of every
    lesson of every course imported."""
    from elearn.courses.models import Course, CourseVersion

    texts = {}
    with app.app_context():
        rows = db.session.execute(
            select(Course.slug, Lesson.key, Lesson.html, Lesson.objectives)
            .join(CourseVersion, CourseVersion.id == Lesson.version_id)
            .join(Course, Course.id == CourseVersion.course_id)
        )
        for slug, key, html, objectives in rows:
            for language in html:
                texts[(slug, key, language)] = html[language]
                texts[(slug, key, f"{language} objective")] = objectives[language][0]
    return texts


def test_lists_of_lessons_read_no_lesson_text(app, client, make):
    """My learning, the course page and a member's learning page show titles and progress:
    none of them reads a lesson's HTML or objectives, in any language."""
    from elearn.accounts.models import Role

    for slug in ("course-a", "course-b"):
        import_files(app, course_files(slug, extra_lessons=3))
    organisation = make.organisation()
    member = make.user(organisation_id=organisation)
    sign_in(client, member)
    client.get("/")
    for slug in ("course-a", "course-b"):
        client.post(f"/courses/{slug}/enrol")
        client.post(f"/courses/{slug}/lessons/welcome/complete")
    manager = app.test_client()
    sign_in(manager, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation))
    manager.get("/")
    texts = lesson_texts(app)
    assert len(texts) > 20
    pages = [
        (client, "/my-learning"),
        (client, "/courses/course-a"),
        (client, "/courses/course-b"),
        (manager, f"/organisations/{organisation}/people/{member.id}/learning"),
    ]
    for who, page in pages:
        fetched = fetched_text(app, lambda who=who, page=page: who.get(page))
        assert any("Extra 2" in value for value in fetched), page  # the titles are read
        read = sorted(name for name, text in texts.items() if text in fetched)
        assert read == [], (page, read)


def test_the_lesson_page_reads_the_text_of_the_lesson_shown_in_its_language_only(app, client, make):
    for slug in ("course-a", "course-b"):
        import_files(app, course_files(slug, extra_lessons=3))
    sign_in(client, make.user(language="en"))
    client.get("/")
    client.post("/courses/course-a/enrol")
    client.post("/courses/course-a/lessons/welcome/complete")
    texts = lesson_texts(app)
    shown = ("course-a", "extra-1")
    fetched = fetched_text(app, lambda: client.get("/courses/course-a/lessons/extra-1"))
    read = sorted(name for name, text in texts.items() if text in fetched)
    assert read == [(*shown, "en"), (*shown, "en objective")]
    page = client.get("/courses/course-a/lessons/extra-1").get_data(as_text=True)
    assert "Text 1 of course-a in en." in page
    assert "<li>Objective 1 of course-a in en</li>" in page
