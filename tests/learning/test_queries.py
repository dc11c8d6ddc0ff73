"""The catalogue, the course page and the lesson page make the same number of queries however
many courses, lessons and learners there are."""

from __future__ import annotations

from freezegun import freeze_time

from tests.conftest import count_queries, sign_in
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
                f"---\ntitle: Extra {i}\nobjectives: [One]\n---\nText {i}.\n".encode()
            )
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
