"""The lesson page in three statements once a worker has the version's outline and the lesson's
text: the person; the course with the enrolment, its lesson completions and what the time rule
needs; the quiz passes (asked of the quizzes feature). The course page reads the completions
with the course and the enrolment too. Neither grows with the completions or the enrolments,
and the time left stays exact (issue 17, "progress and the enrolment in one query")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import event, select

from elearn.extensions import db
from elearn.learning import lesson_time, page_views, services
from elearn.learning.contents import contents_of
from elearn.learning.models import Enrolment, LessonCompletion
from elearn.learning.progress import progress
from elearn.learning.view_time import View, from_us, to_us
from tests.conftest import count_queries, page_text, sign_in, statements_made
from tests.learning.conftest import import_files
from tests.learning.test_queries import course_files

START = "2026-12-07 09:00:00"
RULE_ON = pytest.mark.parametrize(
    "config_overrides", [{"MIN_LESSON_TIME_SHARE": None}], indirect=True
)
LESSON = "/courses/large/lessons/extra-3"


def statements_of(app, request) -> list[str]:
    """The SQL statements of ``request()``, asked a second time: as a worker that has the
    version's outline and the lesson's text in its caches makes them."""
    request()
    return statements_made(app, request)


def reads_from(statement: str) -> str:
    """The first table a statement reads (its outermost FROM is the last one at depth 0)."""
    depth, outer = 0, ""
    for word in statement.replace("(", " ( ").replace(")", " ) ").split():
        depth += {"(": 1, ")": -1}.get(word, 0)
        if depth == 0 and outer == "FROM":
            return word
        outer = word if depth == 0 else outer
    return ""


def complete(client, slug: str, keys) -> None:
    for key in keys:
        response = client.post(f"/courses/{slug}/lessons/{key}/complete")
        assert response.status_code == 302


def other_learners(app, make, count: int, completed: int) -> None:
    """``count`` more people on the large course, each with ``completed`` lessons done."""
    for _ in range(count):
        other = app.test_client()
        sign_in(other, make.user())
        other.post("/courses/large/enrol")
        complete(other, "large", [f"extra-{i}" for i in range(completed)])


def made_by(work) -> tuple[object, list[str]]:
    """What ``work()`` returns, and the statements it makes, in the current app context."""
    made: list[str] = []

    def listener(_connection, _cursor, statement, *_rest):
        made.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return result, made


def progress_text(app, user_id: int) -> str:
    """The course page's "N of M done", from the completions read on their own."""
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        found = progress(enrolment)
        return f"{found.done} of {found.total} done"


def test_the_lesson_page_makes_two_statements_whatever_the_completions_and_enrolments(
    app, client, make
):
    import_files(app, course_files("large", extra_lessons=25))
    with freeze_time(START) as clock:
        other_learners(app, make, 2, completed=2)
        person = make.user(language="en")
        sign_in(client, person)
        client.get("/")
        client.post("/courses/large/enrol")
        complete(client, "large", ["welcome"])
        few = statements_of(app, lambda: client.get(LESSON))
        cold = count_queries(app, lambda: client.get(LESSON))
        complete(client, "large", [f"extra-{i}" for i in range(20)])
        other_learners(app, make, 4, completed=10)
        clock.tick(60)
        many = statements_of(app, lambda: client.get(LESSON))
        assert count_queries(app, lambda: client.get(LESSON)) == cold
        assert "Extra 3" in page_text(client.get(LESSON))
        assert progress_text(app, person.id) in page_text(client.get("/courses/large"))
    for made in (few, many):
        assert len(made) == 2, made
        # The person signed in (elearn/accounts/login.py, however it reads them), ...
        assert "users" in made[0] and "enrolments" not in made[0], made
        # ... the course with the enrolment, its completions, its quiz passes (a column the
        # quizzes feature gives) and the lesson's time.
        assert reads_from(made[1]) == "courses", made
        for table in ("lesson_completions", "quiz_attempts", "lesson_times"):
            assert table in made[1], (table, made)


def test_the_course_page_reads_the_completions_with_the_course_and_the_enrolment(app, client, make):
    import_files(app, course_files("large", extra_lessons=25))
    person = make.user(language="en")
    sign_in(client, person)
    client.get("/")
    client.post("/courses/large/enrol")
    complete(client, "large", ["welcome"])
    few = statements_of(app, lambda: client.get("/courses/large"))
    assert progress_text(app, person.id) in page_text(client.get("/courses/large"))
    complete(client, "large", [f"extra-{i}" for i in range(12)])
    other_learners(app, make, 3, completed=5)
    many = statements_of(app, lambda: client.get("/courses/large"))
    assert progress_text(app, person.id) in page_text(client.get("/courses/large"))
    assert len(few) == len(many)
    for made in (few, many):
        reading = [statement for statement in made if "lesson_completions" in statement]
        assert [reads_from(statement) for statement in reading] == ["courses"], made


def test_the_course_and_enrolment_come_with_the_learners_own_completions(app, make):
    import_files(app, course_files("large", extra_lessons=3))
    people = []
    for keys in (["welcome", "extra-0"], ["extra-2"], []):
        other = app.test_client()
        person = make.user()
        sign_in(other, person)
        other.post("/courses/large/enrol")
        complete(other, "large", keys)
        people.append(person)
    stranger = make.user()
    with app.test_request_context():
        hashes = dict(
            db.session.execute(
                select(LessonCompletion.lesson_key, LessonCompletion.content_hash)
            ).all()
        )
        found = [services.learner_course(user(person), "large") for person in people]
        assert [sorted(f.completed) for f in found] == [["extra-0", "welcome"], ["extra-2"], []]
        assert all(f.completed[key] == hashes[key] for f in found for key in f.completed)
        assert all(f.stored is None for f in found)
        for each in found:  # the same progress as with the completions read on their own
            assert progress(each.enrolment, each.completed) == progress(each.enrolment)
        alone = services.learner_course(user(stranger), "large")
        assert alone.course.slug == "large"
        assert (alone.enrolment, alone.completed, alone.stored) == (None, {}, None)
        missing = services.learner_course(user(stranger), "no-such-course")
        assert (missing.course, missing.enrolment) == (None, None)


def test_the_quiz_passes_read_with_the_enrolment_are_those_read_alone(app, make):
    """Passed attempts (with and without question hashes), failed and open ones, of two
    learners: each learner's passes come with the course and enrolment, as the quizzes
    feature reports them on their own, and give the same progress."""
    from datetime import timedelta

    from elearn.database import utcnow
    from elearn.learning.progress import quiz_passes
    from elearn.quizzes.models import QuizAttempt

    import_files(app, course_files("large", extra_lessons=2))
    people = []
    for _ in range(3):
        other = app.test_client()
        person = make.user()
        sign_in(other, person)
        other.post("/courses/large/enrol")
        people.append(person)
    with app.app_context():
        enrolments = db.session.scalars(select(Enrolment).order_by(Enrolment.id)).all()
        started = utcnow() - timedelta(hours=1)
        attempts = [  # (learner, quiz, number, passed, question hashes)
            (0, "final", 1, False, {"q1": "a" * 64}),
            (0, "final", 2, True, {"q1": "a" * 64, "q2": "b" * 64}),
            (0, "check", 1, True, None),
            (1, "final", 1, None, None),  # open
            (1, "check", 1, True, {"q3": "c" * 64}),
        ]
        for learner, quiz, number, passed, hashes in attempts:
            db.session.add(
                QuizAttempt(
                    enrolment_id=enrolments[learner].id,
                    version_id=enrolments[learner].version_id,
                    quiz_key=quiz,
                    quiz_fingerprint=f"{quiz}-{number}".ljust(64, "0"),
                    number=number,
                    language="en",
                    started_at=started,
                    submitted_at=None if passed is None else started,
                    draw=[],
                    question_hashes=hashes,
                    score=None if passed is None else (100.0 if passed else 0.0),
                    passed=passed,
                )
            )
        db.session.commit()
        ids = [enrolment.id for enrolment in enrolments]
    with app.test_request_context():
        alone = quiz_passes(ids)
        for person, enrolment_id in zip(people, ids, strict=True):
            found = services.learner_course(user(person), "large")
            key = lambda p: (p.quiz_key, p.fingerprint)  # noqa: E731
            assert sorted(found.passes, key=key) == sorted(alone[enrolment_id], key=key)
            assert found.progress() == progress(found.enrolment)
        first = services.learner_course(user(people[0]), "large").passes
        assert {p.quiz_key: p.question_hashes for p in first} == {
            "final": {"q1": "a" * 64, "q2": "b" * 64},
            "check": None,
        }
        assert services.learner_course(user(people[2]), "large").passes == []


def user(person):
    from elearn.accounts.models import User

    return db.session.get(User, person.id)


def enrolled(app, client, make):
    """A person enrolled on the large course (no lesson opened yet); the enrolment's id."""
    import_files(app, course_files("large"))
    person = make.user()
    sign_in(client, person)
    client.post("/courses/large/enrol")
    with app.app_context():
        return person, db.session.scalar(select(Enrolment.id))


NINE = to_us(datetime(2026, 12, 7, 9, tzinfo=UTC))
SECOND = 1_000_000


def test_what_the_time_rule_reads_with_the_enrolment_is_what_it_would_read_alone(app, client, make):
    """Written: welcome at 9:00, closing at 9:10 (ten minutes on welcome). Still in this
    worker's buffer: media-lesson at 9:05. Read with the enrolment or alone, welcome had five
    minutes and media-lesson five; closing, open, five more by 9:15; and the history is read
    (a statement) because a buffered view is older than the newest written."""
    person, enrolment_id = enrolled(app, client, make)
    buffer = page_views._state(app).buffer
    buffer.add(enrolment_id, View(NINE, "welcome", 10), -1)
    buffer.add(enrolment_id, View(NINE + 600 * SECOND, "closing", 10), -1)
    page_views.flush(app)
    buffer.add(enrolment_id, View(NINE + 300 * SECOND, "media-lesson", 15), -1)
    later = from_us(NINE + 900 * SECOND)
    for key in ("welcome", "media-lesson", "closing"):
        with app.test_request_context():
            found = services.learner_course(user(person), "large", key)
            assert found.stored.last_lesson_key == "closing"
            assert found.stored.seconds == (600 if key == "welcome" else None)
            alone = lesson_time.seconds_on_lesson(found.enrolment, key, later)
            read, made = made_by(
                lambda key=key, found=found: lesson_time.seconds_on_lesson(
                    found.enrolment, key, later, found.stored
                )
            )
            assert read == alone == 300, key
            assert len(made) == 1 and "view_history" in made[0], made


def test_with_nothing_buffered_before_the_newest_written_view_the_time_rule_reads_nothing(
    app, client, make
):
    person, enrolment_id = enrolled(app, client, make)
    buffer = page_views._state(app).buffer
    buffer.add(enrolment_id, View(NINE, "welcome", 10), -1)
    page_views.flush(app)
    buffer.add(enrolment_id, View(NINE + 120 * SECOND, "media-lesson", 15), -1)
    buffer.add(enrolment_id, View(NINE + 200 * SECOND, "welcome", 10), -1)
    later = from_us(NINE + 260 * SECOND)
    with app.test_request_context():
        found = services.learner_course(user(person), "large", "welcome")
        contents_of(found.enrolment.version)  # the worker has the outline
        read, made = made_by(
            lambda: lesson_time.seconds_on_lesson(found.enrolment, "welcome", later, found.stored)
        )
        assert made == []
        assert read == 120 + 60 == lesson_time.seconds_on_lesson(found.enrolment, "welcome", later)


def test_a_reading_made_before_the_request_wrote_the_views_is_not_used(app, client, make):
    """Views written in their request (LESSON_VIEWS_FLUSH_SECONDS = 0, or Redis out of reach)
    make what the page read before out of date: the time is read again."""
    person, _enrolment_id = enrolled(app, client, make)
    with app.test_request_context():
        found = services.learner_course(user(person), "large", "welcome")
        welcome = contents_of(found.enrolment.version).lesson("welcome")
        page_views.settle(found.enrolment, View.of(from_us(NINE), welcome))
        page_views.settle(found.enrolment, View.of(from_us(NINE + 200 * SECOND), welcome))
        later = from_us(NINE + 250 * SECOND)
        assert found.stored.seconds is None  # read before the two views were written
        assert lesson_time.seconds_on_lesson(found.enrolment, "welcome", later, found.stored) == 250
        assert lesson_time.seconds_on_lesson(found.enrolment, "welcome", later) == 250


@pytest.mark.parametrize(
    "config_overrides",
    [
        {"MIN_LESSON_TIME_SHARE": None},
        {"MIN_LESSON_TIME_SHARE": None, "LESSON_VIEWS_FLUSH_SECONDS": 0},
    ],
    indirect=True,
)
def test_the_lesson_page_says_the_time_left_exactly_buffered_or_written(app, client, make):
    """Welcome states 10 minutes: five to spend on it. 100 seconds on it, then 100 on
    media-lesson (written in between), then 100 more on it: 100 seconds left."""
    import_files(app, course_files("large"))
    welcome, media = "/courses/large/lessons/welcome", "/courses/large/lessons/media-lesson"
    with freeze_time(START) as clock:
        sign_in(client, make.user(language="en"))
        client.post("/courses/large/enrol")
        assert "in about 5 minutes" in page_text(client.get(welcome))
        clock.tick(100)
        client.get(media)
        page_views.flush(app)
        clock.tick(100)
        assert "in about 4 minutes" in page_text(client.get(welcome))
        clock.tick(100)
        assert "in about 2 minutes" in page_text(client.get(welcome))
        clock.tick(41)
        assert "in less than a minute" in page_text(client.get(welcome))
