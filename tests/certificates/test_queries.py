"""Certificate pages make the same number of queries however many certificates there are."""

from __future__ import annotations

from elearn.accounts.models import Role
from tests.certificates.conftest import complete_course
from tests.conftest import count_queries, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files


def add_course(app, slug: str) -> None:
    files = edit(valid_files(), "course.yaml", "id: test-course", f"id: {slug}")
    files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    import_files(app, files)


def complete(client, app, slug: str) -> None:
    from tests.quizzes.test_attempts import answer_everything

    client.post(f"/courses/{slug}/enrol")
    for lesson in ("welcome", "media-lesson"):
        client.post(f"/courses/{slug}/lessons/{lesson}/complete")
    for quiz in ("module-check", "final"):
        started = client.post(f"/courses/{slug}/quizzes/{quiz}/start")
        attempt = int(started.headers["Location"].split("/attempts/")[1].split("/")[0])
        answer_everything(client, app, attempt, quiz=quiz, base=f"/courses/{slug}/quizzes")
        client.post(f"/courses/{slug}/quizzes/{quiz}/attempts/{attempt}/submit")


def test_my_certificates_and_the_organisations_list_do_not_query_per_certificate(
    app, client, make, course
):
    for slug in ("course-b", "course-c"):
        add_course(app, slug)
    school = make.organisation()
    learner = make.user(organisation_id=school)
    sign_in(client, learner)
    complete_course(client, app)
    manager = app.test_client()
    sign_in(manager, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school))
    manager.get("/")
    pages = [
        (client, "/my-certificates"),
        (manager, f"/organisations/{school}/certificates"),
        (manager, f"/organisations/{school}/people/{learner.id}/learning"),
    ]
    before = [count_queries(app, lambda c=c, url=url: c.get(url)) for c, url in pages]
    for slug in ("course-b", "course-c"):
        complete(client, app, slug)
    with app.app_context():
        from sqlalchemy import func, select

        from elearn.certificates.models import Certificate
        from elearn.extensions import db

        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3
    after = [count_queries(app, lambda c=c, url=url: c.get(url)) for c, url in pages]
    assert before == after


def test_the_organisations_list_reads_certificates_in_two_statements_whatever_the_filter(
    app, client, make, course
):
    """The filter's options and the count in one statement, the page in the other (the
    count was a third, and the options read every certificate of the platform)."""
    import re

    from sqlalchemy import event

    from elearn.extensions import db

    school = make.organisation()
    sign_in(client, make.user(organisation_id=school))
    complete_course(client, app)
    manager = app.test_client()
    sign_in(
        manager,
        make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en"),
    )
    with app.app_context():
        engine = db.engine
    reading_certificates = re.compile(r"\b(FROM|JOIN) certificates\b")
    base = f"/organisations/{school}/certificates"
    for query in ("", "?since=2020-01-01&until=2099-12-31", "?since=2099-01-01&until=2020-01-01"):
        statements: list[str] = []

        def keep(_conn, _cursor, statement, *_args, kept=statements):
            kept.append(statement)

        event.listen(engine, "before_cursor_execute", keep)
        try:
            assert "1 certificate" in manager.get(base + query).get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        assert len([s for s in statements if reading_certificates.search(s)]) == 2, query
