"""Quiz pages and quiz submission make the same number of queries however many questions the
quiz has and however many learners have attempted it."""

from __future__ import annotations

from tests.conftest import count_queries, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files
from tests.quizzes.test_attempts import answer_everything, start


def quiz_course(slug: str, extra_questions: int) -> dict[str, bytes]:
    """The test course with every question of the final quiz asked (no draw), plus more."""
    files = edit(valid_files(), "course.yaml", "id: test-course", f"id: {slug}")
    files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", "    draw: 3\n", "")
    files = edit(files, "course.yaml", "    wait_minutes: 10\n", "")
    for language in ("ro", "en"):
        name = f"quizzes/final.{language}.gift"
        extra = "".join(
            f"\n::extra{i}::Statement {i} is true.{{T}}\n" for i in range(extra_questions)
        )
        files[name] = files[name] + extra.encode()
    return files


def prepare(client, slug: str) -> None:
    client.post(f"/courses/{slug}/enrol")
    for lesson in ("welcome", "media-lesson"):
        client.post(f"/courses/{slug}/lessons/{lesson}/complete")


def test_quiz_pages_and_submission_do_not_query_per_question_or_learner(app, client, make):
    import_files(app, quiz_course("small", 0))
    import_files(app, quiz_course("large", 20))
    for _ in range(3):  # other learners' attempts on the large quiz
        other = app.test_client()
        sign_in(other, make.user(language="en"))
        prepare(other, "large")
        other.post("/courses/large/quizzes/final/start")
    sign_in(client, make.user(language="en"))
    client.get("/")
    counts = {}
    for slug in ("small", "large"):
        prepare(client, slug)
        base = f"/courses/{slug}/quizzes"
        quiz = f"{base}/final"
        attempt = start(client, base=base)
        answer_everything(client, app, attempt, base=base)
        counts[slug] = (
            count_queries(app, lambda quiz=quiz, a=attempt: client.get(f"{quiz}/attempts/{a}/2")),
            count_queries(
                app, lambda quiz=quiz, a=attempt: client.get(f"{quiz}/attempts/{a}/review")
            ),
            count_queries(
                app, lambda quiz=quiz, a=attempt: client.post(f"{quiz}/attempts/{a}/submit")
            ),
            count_queries(
                app, lambda quiz=quiz, a=attempt: client.get(f"{quiz}/attempts/{a}/result")
            ),
        )
    assert counts["small"] == counts["large"]
