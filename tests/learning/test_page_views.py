"""Lesson page views written in batches (elearn/learning/page_views.py): the totals are those
of every view in order, whatever order the batches reach the database in, however they are
cut, in one worker or several; nothing is lost when a write fails or the worker stops."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from datetime import timedelta

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from elearn import create_app
from elearn.accounts.models import User
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning import lesson_time, page_views
from elearn.learning.models import Enrolment, LessonTime
from elearn.learning.view_time import US, History, View, after, fold, from_us, totals
from tests.conftest import Client, signed_in_client

COURSE = "/courses/test-course"
LESSONS = ("welcome", "media-lesson", "closing")
START = 1_795_946_400 * US  # 2026-11-29 10:00 UTC

# The pure fold ------------------------------------------------------------------------------

views_strategy = st.lists(
    st.builds(
        View,
        at=st.integers(START, START + 4 * 3600 * US),
        lesson_key=st.sampled_from(LESSONS),
        duration=st.sampled_from([None, 10, 45, 90]),
    ),
    max_size=40,
    unique_by=lambda view: (view.at, view.lesson_key),
)


def fold_in_batches(views: list[View], batches: int, seed: int, **keep) -> tuple[History, dict]:
    """Cut ``views`` into batches at random, fold them in a random order, add up the
    changes as the database would."""
    rng = random.Random(seed)
    cut: list[list[View]] = [[] for _ in range(batches)]
    for view in views:
        cut[rng.randrange(batches)].append(view)
    rng.shuffle(cut)
    history, recorded = History(), {}
    for batch in cut:
        folded = fold(history, batch, **keep)
        for key, seconds in folded.seconds.items():
            recorded[key] = recorded.get(key, 0) + seconds
        history = folded.history
    return history, {key: seconds for key, seconds in recorded.items() if seconds}


@settings(max_examples=300, deadline=None)
@given(views=views_strategy, batches=st.integers(1, 6), seed=st.integers(0, 2**32))
def test_any_batches_in_any_order_add_up_to_the_views_in_order(views, batches, seed):
    history, recorded = fold_in_batches(views, batches, seed, keep_seconds=10**6, keep=10**6)
    expected = {key: seconds for key, seconds in totals(views).items() if seconds}
    assert recorded == expected
    assert history.views == tuple(sorted(views)) and history.whole


@settings(max_examples=100, deadline=None)
@given(views=views_strategy, seed=st.integers(0, 2**32))
def test_folding_the_same_views_again_changes_nothing(views, seed):
    once = fold(History(), views, keep_seconds=10**6)
    again = fold(once.history, random.Random(seed).sample(views, len(views)), keep_seconds=10**6)
    assert again.seconds == {} and again.history == once.history and again.late == 0


def test_one_view_between_two_others_splits_their_interval():
    first, last = View(START, "welcome", 10), View(START + 1200 * US, "closing", 10)
    folded = fold(History((first, last)), [View(START + 300 * US, "media-lesson", 15)])
    # welcome had 20 minutes; now 5, and the 15 after them go to media-lesson.
    assert folded.seconds == {"welcome": -900, "media-lesson": 900}
    assert folded.total == 0


def test_a_view_older_than_the_history_kept_is_left_out_and_counted():
    views = [View(START + minute * 60 * US, "welcome", 10) for minute in range(0, 200, 10)]
    folded = fold(History(), views, keep_seconds=3600, keep=100)
    assert not folded.history.whole
    assert folded.history.views[0].at == START + 130 * 60 * US  # the hour up to the newest
    late = fold(folded.history, [View(START + 5 * 60 * US, "closing", 10)])
    assert late.late == 1 and late.seconds == {} and late.history == folded.history
    # Within what is kept, a late view still finds its place.
    placed = fold(folded.history, [View(START + 185 * 60 * US, "closing", 10)])
    assert placed.late == 0 and placed.seconds == {"welcome": -300, "closing": 300}


def test_the_history_keeps_at_most_its_number_of_views():
    views = [View(START + second * US, "welcome", 10) for second in range(150)]
    folded = fold(History(), views, keep=100)
    assert len(folded.history.views) == 100 and not folded.history.whole
    assert History.decode(folded.history.encode()) == folded.history


def test_views_at_the_same_moment_keep_the_order_they_came_in():
    newest = View(START, "welcome", 10)
    assert after(View(START, "closing", 10), newest) == View(START + 1, "closing", 10)
    assert after(View(START + 5, "closing", 10), newest).at == START + 5
    assert after(View(START, "closing", 10), None).at == START


def test_a_buffer_keeps_views_at_the_same_moment_in_the_order_they_came():
    check_buffer_order(page_views.Buffer())


def check_buffer_order(buffer) -> None:
    assert buffer.add(7, View(START, "welcome", 10), -1) == [View(START, "welcome", 10)]
    views = buffer.add(7, View(START, "closing", None), -1)
    assert views == [View(START, "welcome", 10), View(START + 1, "closing", None)]
    assert views[1].duration is None
    # Later than what the database holds, too.
    assert buffer.add(7, View(START, "welcome", 10), START + 50)[-1] == View(START + 51, "welcome")
    assert buffer.add(7, View(START + 99, "closing", 45), START)[-1].at == START + 99
    assert buffer.add(8, View(START, "closing", 45), -1) == [View(START, "closing", 45)]
    assert buffer.pending(7)[-1] == View(START + 99, "closing", 45)
    assert sorted(buffer.take()) == [7, 8] and buffer.take() == {}


# Through the pages --------------------------------------------------------------------------


def open_all_lessons(client) -> None:
    """Enrol and complete the lessons in order, so that every lesson may be opened."""
    client.post(f"{COURSE}/enrol")
    for key in LESSONS:
        client.post(f"{COURSE}/lessons/{key}/complete")


def recorded(app) -> tuple[dict, int, list]:
    with app.app_context():
        times = dict(db.session.execute(select(LessonTime.lesson_key, LessonTime.seconds)).all())
        enrolment = db.session.scalar(select(Enrolment))
        history = History.decode(enrolment.view_history or {})
        return times, enrolment.seconds_on_lessons, list(history.views)


@pytest.fixture
def workers(app):
    """The test's app and, on asking, more workers like it: apps of their own (each with its
    buffer) on the same database. Their connections and Redis clients are closed after."""
    made = [app]

    def another():
        worker = create_app(
            {
                key: app.config[key]
                for key in ("SQLALCHEMY_DATABASE_URI", "EXPORT_DIR", "MEDIA_STORAGE_PATH")
            }
        )
        worker.test_client_class = Client
        made.append(worker)
        return worker

    yield another
    for worker in made:
        close_buffer(worker)
        if worker is not app:
            with worker.app_context():
                db.session.remove()
                db.engine.dispose()


def close_buffer(worker) -> None:
    """Forget the worker's buffer (as a killed worker would), closing its Redis client."""
    state = worker.extensions.pop("elearn_page_views", None)
    if state is not None and state.flusher is not None:
        state.flusher.stopping.set()
        state.flusher.join(timeout=5)
    if state is not None and isinstance(state.buffer, page_views.RedisBuffer):
        state.buffer.client.close()


def test_a_view_writes_nothing_until_the_buffer_is_flushed(app, client, learner, course):
    open_all_lessons(client)
    before = recorded(app)
    assert client.get(f"{COURSE}/lessons/welcome").status_code == 200
    assert recorded(app) == before
    assert page_views.flush(app) == 1
    assert recorded(app)[2][-1].lesson_key == "welcome"
    assert page_views.flush(app) == 0


def test_where_i_stopped_is_read_back_before_the_flush(app, client, learner, course):
    client.post(f"{COURSE}/enrol")
    client.post(f"{COURSE}/lessons/welcome/complete")
    client.get(f"{COURSE}/lessons/media-lesson")
    client.get(f"{COURSE}/lessons/welcome")  # done, but looked at again
    assert recorded(app)[2] == []  # still in the buffer
    with app.test_request_context():
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.last_lesson_key is None
        page_views.read_back(enrolment)
        assert enrolment.last_lesson_key == "welcome"
        assert not db.session.dirty  # shown, not written
    location = client.get(f"{COURSE}/continue").headers["Location"]
    assert location.endswith("/lessons/media-lesson")  # the one left to do


def test_several_workers_flushed_in_any_order_add_up_exactly(app, make, course, workers):
    """Three workers, each with its own buffer, take a learner's views in turn; they write
    them in the reverse order. The totals, the summary and "where I stopped" are those of the
    same views written one by one in their requests."""
    workers = [app, workers(), workers()]
    person = make.user(language="en")
    # Within the hour the history keeps (a worker's buffer is written every few seconds).
    steps = [("welcome", 240), ("media-lesson", 15 * 60), ("closing", 7), ("welcome", 9 * 60)]
    steps += [("media-lesson", 61), ("closing", 3), ("media-lesson", 20 * 60), ("welcome", 1)]
    with freeze_time("2026-11-29 10:00:00") as clock:
        clients = [signed_in_client(app, person)]
        cookie = clients[0].get_cookie(app.config["SESSION_COOKIE_NAME"])
        for worker in workers[1:]:  # the same browser, its requests spread over the workers
            clients.append(worker.test_client())
            clients[-1].set_cookie(cookie.key, cookie.value)
        open_all_lessons(clients[0])
        page_views.flush(app)
        for number, (key, seconds) in enumerate(steps):
            assert clients[number % 3].get(f"{COURSE}/lessons/{key}").status_code == 200
            clock.tick(seconds)
    expected: dict[str, int] = {}
    for key, seconds in steps[:-1]:  # each view counts until the next
        expected[key] = expected.get(key, 0) + seconds
    assert sum(page_views.flush(worker) for worker in reversed(workers)) == len(steps)
    times, summary, history = recorded(app)
    assert times == expected
    assert summary == sum(expected.values())
    assert [view.lesson_key for view in history] == [key for key, _ in steps]
    with app.app_context():
        assert db.session.scalar(select(Enrolment.last_lesson_key)) == "welcome"


@pytest.mark.parametrize("config_overrides", [{"MIN_LESSON_TIME_SHARE": None}], indirect=True)
def test_marking_complete_counts_the_views_still_in_the_buffer(app, make, course):
    """The time rule reads what is buffered: the lesson opened four minutes ago (and not yet
    written) has about a minute to go, and at five minutes it is completed, its views
    written in that request."""
    person = make.user(language="en")
    with freeze_time("2026-11-29 10:00:00") as clock:
        client = signed_in_client(app, person)
        client.post(f"{COURSE}/enrol")
        client.get(f"{COURSE}/lessons/welcome")
        assert recorded(app)[2] == []
        clock.tick(4 * 60)
        refused = client.post(f"{COURSE}/lessons/welcome/complete", follow_redirects=True)
        assert "complete in less than a minute" in refused.get_data(as_text=True) or (
            "complete in about 1 minute" in refused.get_data(as_text=True)
        )
        clock.tick(60)
        client.post(f"{COURSE}/lessons/welcome/complete")
    times, summary, _history = recorded(app)
    assert times == {"welcome": 300} and summary == 300
    page_views.flush(app)  # the buffered views again: already there, nothing changes
    assert recorded(app)[:2] == ({"welcome": 300}, 300)


def test_a_failed_write_keeps_the_views_for_the_next_flush(
    app, client, learner, course, monkeypatch, caplog
):
    open_all_lessons(client)
    client.get(f"{COURSE}/lessons/welcome")
    real = page_views.fold_into_database

    def broken(taken):
        real(taken)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(page_views, "fold_into_database", broken)
    assert page_views.flush(app) == 0
    assert "kept for the next flush" in caplog.text
    assert recorded(app)[2] == []  # rolled back: nothing half written
    monkeypatch.setattr(page_views, "fold_into_database", real)
    assert page_views.flush(app) == 1
    assert recorded(app)[2][-1].lesson_key == "welcome"


def test_views_of_an_enrolment_erased_meanwhile_are_dropped(app, client, learner, course):
    open_all_lessons(client)
    client.get(f"{COURSE}/lessons/welcome")
    with app.app_context():
        db.session.execute(delete(Enrolment))
        db.session.commit()
    assert page_views.flush(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonTime)) == 0


@pytest.mark.parametrize(
    "config_overrides",
    [{"LESSON_VIEWS_FLUSHER": True, "LESSON_VIEWS_FLUSH_SECONDS": 1}],
    indirect=True,
)
def test_the_workers_thread_writes_the_views_within_seconds(app, client, learner, course):
    open_all_lessons(client)
    client.get(f"{COURSE}/lessons/media-lesson")
    flusher = page_views._state(app).flusher
    assert flusher is not None and flusher.is_alive()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not recorded(app)[2]:
        time.sleep(0.1)
    try:
        assert recorded(app)[2][-1].lesson_key == "media-lesson"
    finally:
        flusher.stop()
        flusher.join(timeout=5)
    assert not flusher.is_alive()


def test_enrolments_opened_before_histories_start_from_their_last_view(
    app, client, learner, course
):
    """An enrolment recorded before this change has "where I stopped" but no history: its
    last view is where the history starts, and time counts on from it."""
    open_all_lessons(client)
    page_views.flush(app)
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        enrolment.view_history = None
        enrolment.last_lesson_key = "media-lesson"
        enrolment.last_opened_at = utcnow() - timedelta(minutes=3)
        db.session.execute(delete(LessonTime))
        enrolment.seconds_on_lessons = 0
        db.session.commit()
    client.get(f"{COURSE}/lessons/welcome")
    page_views.flush(app)
    times, summary, history = recorded(app)
    assert 179 <= times["media-lesson"] <= 181 and summary == times["media-lesson"]
    assert [view.lesson_key for view in history] == ["media-lesson", "welcome"]
    assert history[0].duration == 15


# A real server's graceful stop --------------------------------------------------------------


def test_a_graceful_stop_writes_every_workers_buffer(app, make, course, tmp_path):
    """gunicorn with two preloaded workers whose flushers would wait an hour: the views are
    in their buffers only, until SIGTERM stops the workers, each writing its own on the way
    out. Every view arrives, and the totals are those of the views in order."""
    from bench.sessions import session_cookies
    from tests.test_front import GUNICORN, ROOT, free_port, wait_for

    person = make.user(language="en")
    open_all_lessons(signed_in_client(app, person))
    agent = "elearn-test-browser"
    with app.app_context():
        cookie, _token = session_cookies(app, [person.id], address="127.0.0.1", user_agent=agent)[
            person.id
        ]
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "MEDIA_STORAGE_PATH": app.config["MEDIA_STORAGE_PATH"],
        "LESSON_VIEWS_FLUSHER": True,
        "LESSON_VIEWS_FLUSH_SECONDS": 3600,
    }
    (tmp_path / "views_app.py").write_text(
        "from elearn import create_app, prepare_for_workers\n"
        f"app = create_app({settings!r})\n"
        "prepare_for_workers(app)\n"
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(GUNICORN),
                *("--workers", "2", "--preload", "--bind", f"127.0.0.1:{port}"),
                *("--chdir", str(tmp_path), "--timeout", "60", "views_app:app"),
            ],
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)

        def view(key: str) -> int:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{COURSE}/lessons/{key}",
                headers={
                    "Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}",
                    "User-Agent": agent,
                },
            )
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status

        statuses = []
        for round_ in range(8):  # two at once, so that both workers take some
            keys = [LESSONS[round_ % 3], LESSONS[(round_ + 1) % 3]]
            threads = [
                threading.Thread(target=lambda key=key: statuses.append(view(key))) for key in keys
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(0.05)
        assert statuses == [200] * 16
        assert recorded(app)[2] == []  # all still in the workers' buffers
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, log.read_text()
    times, summary, history = recorded(app)
    assert len(history) == 16, log.read_text()
    # (A lesson whose time a late view took back to nought keeps its row, at 0.)
    assert {key: seconds for key, seconds in times.items() if seconds} == {
        key: seconds for key, seconds in totals(history).items() if seconds
    }
    assert summary == sum(times.values())


def test_purge_forgets_histories_an_hour_old_and_the_download_shows_them(
    app, client, learner, course
):
    from elearn.privacy.services import personal_data, purge

    open_all_lessons(client)
    client.get(f"{COURSE}/lessons/media-lesson")
    client.get(f"{COURSE}/lessons/welcome")
    page_views.flush(app)
    with app.app_context():
        data = personal_data(db.session.get(User, learner.id))
        course_data = data["courses.json"][0]
        assert [view["lesson"] for view in course_data["recent_lesson_views"]] == [
            "media-lesson",
            "welcome",
        ]
        assert course_data["last_lesson_opened"] == "welcome"
        assert purge(utcnow() + timedelta(minutes=59))["lesson_view_histories"] == 0
        assert purge(utcnow() + timedelta(minutes=61))["lesson_view_histories"] == 1
        db.session.commit()
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.view_history is None
        assert enrolment.last_lesson_key == "welcome"  # "where I stopped" stays


# Kept in Redis ------------------------------------------------------------------------------

REDIS_URL = os.environ.get("ELEARN_TEST_REDIS_URL")


def keep_in_redis(app, url: str, prefix: str) -> None:
    app.config.update(LESSON_VIEWS_REDIS_URL=url, LESSON_VIEWS_REDIS_PREFIX=prefix)
    close_buffer(app)


@pytest.fixture
def redis_prefix():
    """Keys of this test's own, removed after it."""
    import redis

    prefix = f"elearn-test:{uuid.uuid4().hex}:"
    yield prefix
    server = redis.Redis.from_url(REDIS_URL)
    for name in server.scan_iter(f"{prefix}*"):
        server.delete(name)
    server.close()


@pytest.mark.skipif(not REDIS_URL, reason="set ELEARN_TEST_REDIS_URL (CI does) to use Redis")
def test_in_redis_every_worker_sees_every_view_and_a_killed_one_loses_none(
    app, make, course, redis_prefix, workers
):
    other = workers()
    for worker in (app, other):
        keep_in_redis(worker, REDIS_URL, redis_prefix)
        worker.config["MIN_LESSON_TIME_SHARE"] = None
    person = make.user(language="en")
    with freeze_time("2026-11-29 10:00:00") as clock:
        here = signed_in_client(app, person)
        cookie = here.get_cookie(app.config["SESSION_COOKIE_NAME"])
        there = other.test_client()
        there.set_cookie(cookie.key, cookie.value)
        here.post(f"{COURSE}/enrol")
        here.get(f"{COURSE}/lessons/welcome")
        clock.tick(5 * 60)
        # The other worker counts the view this one took, from Redis.
        completed = there.post(f"{COURSE}/lessons/welcome/complete", data={"then": "next"})
        assert completed.headers["Location"].endswith("/lessons/media-lesson")
        assert recorded(app)[:2] == ({"welcome": 300}, 300)
        clock.tick(30)
        here.get(f"{COURSE}/lessons/media-lesson")
    close_buffer(app)  # this worker is killed: its memory is gone
    assert page_views.flush(other) == 2  # the welcome view (again) and media-lesson's
    times, summary, history = recorded(app)
    assert times == {"welcome": 330} and summary == 330  # welcome stayed open until then
    assert [view.lesson_key for view in history] == ["welcome", "welcome", "media-lesson"]
    assert page_views.flush(other) == 0


@pytest.mark.skipif(not REDIS_URL, reason="set ELEARN_TEST_REDIS_URL (CI does) to use Redis")
def test_redis_keeps_views_at_the_same_moment_in_the_order_they_came(redis_prefix):
    buffer = page_views.RedisBuffer(REDIS_URL, redis_prefix)
    try:
        check_buffer_order(buffer)
    finally:
        buffer.client.close()


@pytest.mark.skipif(not REDIS_URL, reason="set ELEARN_TEST_REDIS_URL (CI does) to use Redis")
def test_in_redis_a_worker_writes_views_from_its_first_request_of_any_kind(
    app, client, learner, course, redis_prefix, workers
):
    """Views another worker took (or a worker before a restart) do not wait for a lesson
    page: any request starts this worker's flusher."""
    open_all_lessons(client)
    other = workers()
    for worker in (app, other):
        keep_in_redis(worker, REDIS_URL, redis_prefix)
    with other.test_request_context():
        enrolment = db.session.get(Enrolment, 1)
        page_views.record(enrolment, View(START, "welcome", 10))
        db.session.remove()
    app.config.update(LESSON_VIEWS_FLUSHER=True, LESSON_VIEWS_FLUSH_SECONDS=1)
    assert client.get("/healthz").status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not recorded(app)[2]:
        time.sleep(0.1)
    assert [view.lesson_key for view in recorded(app)[2]] == ["welcome"]


def test_when_redis_cannot_be_reached_a_view_is_written_in_its_request(
    app, client, learner, course, caplog, workers
):
    open_all_lessons(client)
    keep_in_redis(app, "redis://127.0.0.1:9/0", "elearn-test:")  # nothing listens there
    assert client.get(f"{COURSE}/lessons/welcome").status_code == 200
    assert [view.lesson_key for view in recorded(app)[2]] == ["welcome"]
    assert "Redis unavailable" in caplog.text
    assert page_views.flush(app) == 0


def test_a_flush_writes_any_number_of_learners_views_in_the_same_statements(app, make, course):
    """Locking the enrolments, writing them and their lessons' seconds, committing: the same
    statements for two learners with two views each as for six with four."""
    from elearn.courses.models import Course
    from elearn.learning import services
    from tests.conftest import count_statements

    def buffered(learners: int, views: int) -> int:
        people = [make.user().id for _ in range(learners)]
        with app.app_context():
            course_row = db.session.scalar(select(Course))
            ids = [services.enrol(db.session.get(User, id_), course_row).id for id_ in people]
            db.session.commit()
        buffer = page_views._state(app).buffer
        for enrolment_id in ids:
            for number in range(views):
                key = LESSONS[number % 3]
                buffer.add(enrolment_id, View(START + number * 60 * US, key, 10), -1)
        return count_statements(app, lambda: page_views.flush(app))

    few = buffered(2, 2)
    assert few == buffered(6, 4)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonTime)) == 2 + 6 * 3
        assert set(db.session.scalars(select(Enrolment.seconds_on_lessons))) == {60, 180}


def test_the_time_left_counts_a_buffered_view_older_than_the_newest_written(
    app, client, learner, course
):
    """Written: welcome at 10:00, closing at 10:10 (ten minutes on welcome). Still in this
    worker's buffer: media-lesson at 10:05. Welcome had five minutes, not ten."""
    open_all_lessons(client)
    at = [START, START + 600 * US, START + 300 * US]
    buffer = page_views._state(app).buffer
    buffer.add(1, View(at[0], "welcome", 10), -1)
    buffer.add(1, View(at[1], "closing", 10), -1)
    page_views.flush(app)
    buffer.add(1, View(at[2], "media-lesson", 15), -1)
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, 1)
        later = from_us(START + 900 * US)
        assert lesson_time.seconds_on_lesson(enrolment, "welcome", later) == 300
        assert lesson_time.seconds_on_lesson(enrolment, "media-lesson", later) == 300
        assert lesson_time.seconds_on_lesson(enrolment, "closing", later) == 300  # open
    page_views.flush(app)
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, 1)
        assert lesson_time.seconds_on_lesson(enrolment, "welcome", later) == 300
