"""Lesson page views, written in batches: the time on each lesson and "where I stopped".

The time on a lesson is the time from one page view of the course to the next, at most the
lesson's counting limit (``view_time.counting_limit``). A lesson page used to write that
on every view (an upsert of the lesson's seconds, the enrolment's summary and its "where I
stopped", then a commit), so every view waited on the enrolment's row lock. Now a view only
notes what happened, ``View(when, lesson, its minutes)``, in a buffer (Redis when there is
one, shared by the workers; else the worker's memory); a thread in each worker folds the
buffered views into the database every ``LESSON_VIEWS_FLUSH_SECONDS`` (and, for a buffer
in memory, at a graceful shutdown; docs/learning-time.md). ``LESSON_VIEWS_FLUSH_SECONDS = 0``
writes each view in its request, as before.

Workers take a learner's views in turn and write their batches when they write them, so the
views of one enrolment reach the database in any order. The enrolment therefore keeps its
recent views (``Enrolment.view_history``), and ``fold`` puts a view that arrives late in its
place: the interval it splits is taken back from the earlier lesson and its two parts
counted. Whatever the order and the batches, the totals are those of all the views in
order (``tests/learning/test_page_views.py`` proves it). A view older than the history
kept (an hour, at most a hundred views) cannot be placed and is left out, logged.

What must be exact when it is asked reads the buffer too: marking a lesson complete (and
issuing a certificate that states hours) first settles the enrolment (its pending views
folded in, in the request), and the lesson page's "you can mark this complete in about N
minutes" (``lesson_time.seconds_on_lesson``, with ``pending``, ``history_of`` and
``written_here`` from here) and "Continue" fold the pending views in memory.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from datetime import datetime, timedelta

from flask import Flask, current_app, g
from redis.exceptions import RedisError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from elearn.courses.models import CourseVersion
from elearn.database import add_to_column
from elearn.extensions import db
from elearn.learning.contents import MANIFEST_DEFERRED, contents_for, contents_of
from elearn.learning.models import Enrolment, LessonTime
from elearn.learning.view_time import (
    HISTORY_SECONDS,
    Folded,
    History,
    View,
    after,
    fold,
    to_us,
)

log = logging.getLogger(__name__)
# What a Redis that cannot be reached raises (redis comes with flask-limiter[redis]).
REDIS_ERRORS = (RedisError,)

# The buffer --------------------------------------------------------------------------------


class Buffer:
    """A worker's views not yet in the database, by enrolment; safe between threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.views: dict[int, list[View]] = {}

    def add(self, enrolment_id: int, view: View, after_at: int) -> list[View]:
        """Add ``view``, later than ``after_at`` and the enrolment's views here (see
        ``after``); the enrolment's views here, this one last."""
        with self.lock:
            views = self.views.setdefault(enrolment_id, [])
            views.append(after(view, View(max([after_at, *(v.at for v in views)]), "")))
            return list(views)

    def pending(self, enrolment_id: int) -> list[View]:
        with self.lock:
            return list(self.views.get(enrolment_id, ()))

    def take(self) -> dict[int, list[View]]:
        with self.lock:
            taken, self.views = self.views, {}
            return taken

    def put_back(self, taken: dict[int, list[View]]) -> None:
        with self.lock:
            for enrolment_id, views in taken.items():
                self.views.setdefault(enrolment_id, [])[:0] = views


class RedisBuffer:
    """The views not yet in the database, in Redis: shared by every worker, so that the next
    request sees them whichever worker takes it, and a worker killed outright loses none.
    One list per enrolment and a set of the enrolments that have some; a view is added to
    both at once (MULTI), and taken from a list with its deletion at once, so no view is
    taken twice or lost between a worker adding and another taking."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(self.ADD)
        self.prefix = prefix
        self.dirty = f"{prefix}enrolments"

    def _key(self, enrolment_id: int) -> str:
        return f"{self.prefix}enrolment:{enrolment_id}"

    @staticmethod
    def _encode(view: View) -> str:
        return f"{view.at}|{'' if view.duration is None else view.duration}|{view.lesson_key}"

    @staticmethod
    def _decode(raw: bytes) -> View:
        at, duration, lesson_key = raw.decode().split("|", 2)
        return View(int(at), lesson_key, int(duration) if duration else None)

    # As Buffer.add, in one round trip and atomically: the view is moved a microsecond past
    # the newest of the list (and of ARGV[2], what the database holds) if it is not later,
    # then added, its enrolment marked; the list comes back. Lua's numbers are doubles,
    # exact for microseconds since 1970 (below 2^53) and written back with %d.
    ADD = """
    local at, newest = tonumber(ARGV[1]), tonumber(ARGV[2])
    local items = redis.call('LRANGE', KEYS[1], 0, -1)
    for _, item in ipairs(items) do
        local t = tonumber(string.match(item, '^(%d+)|'))
        if t > newest then newest = t end
    end
    if at <= newest then at = newest + 1 end
    local entry = string.format('%d', at) .. '|' .. ARGV[3]
    redis.call('RPUSH', KEYS[1], entry)
    redis.call('SADD', KEYS[2], ARGV[4])
    table.insert(items, entry)
    return items
    """

    def add(self, enrolment_id: int, view: View, after_at: int) -> list[View]:
        rest = self._encode(view).split("|", 1)[1]
        raws = self.script(
            keys=[self._key(enrolment_id), self.dirty],
            args=[view.at, after_at, rest, enrolment_id],
        )
        return [self._decode(raw) for raw in raws]

    def pending(self, enrolment_id: int) -> list[View]:
        return [self._decode(raw) for raw in self.client.lrange(self._key(enrolment_id), 0, -1)]

    def take(self, limit: int = 1000) -> dict[int, list[View]]:
        ids = self.client.spop(self.dirty, limit) or []
        if not ids:
            return {}
        pipe = self.client.pipeline(transaction=True)
        for enrolment_id in ids:
            pipe.lrange(self._key(int(enrolment_id)), 0, -1)
            pipe.delete(self._key(int(enrolment_id)))
        lists = pipe.execute()[::2]
        return {
            int(enrolment_id): [self._decode(raw) for raw in raws]
            for enrolment_id, raws in zip(ids, lists, strict=True)
            if raws
        }

    def put_back(self, taken: dict[int, list[View]]) -> None:
        pipe = self.client.pipeline(transaction=True)
        for enrolment_id, views in taken.items():
            pipe.lpush(self._key(enrolment_id), *[self._encode(v) for v in reversed(views)])
            pipe.sadd(self.dirty, enrolment_id)
        pipe.execute()


class State:
    """The app's buffer and flusher in this process (a forked worker starts its own)."""

    def __init__(self, app: Flask) -> None:
        self.pid = os.getpid()
        url = app.config.get("LESSON_VIEWS_REDIS_URL")
        self.buffer: Buffer | RedisBuffer = (
            RedisBuffer(url, app.config["LESSON_VIEWS_REDIS_PREFIX"]) if url else Buffer()
        )
        self.flusher: Flusher | None = None
        self.lock = threading.Lock()


def _state(app: Flask) -> State:
    state = app.extensions.get("elearn_page_views")
    if state is None or state.pid != os.getpid():
        # First use, or the first in a worker forked from a process that had one (gunicorn
        # --preload): the parent's buffer and thread are not this process's.
        state = app.extensions["elearn_page_views"] = State(app)
    return state


class Flusher(threading.Thread):
    """Folds the worker's buffer into the database every ``seconds``, and once more when the
    process exits normally (gunicorn's graceful stop, a restart, Ctrl-C)."""

    def __init__(self, app: Flask, seconds: float) -> None:
        super().__init__(name="elearn-page-views", daemon=True)
        self.app_ref = weakref.ref(app)
        self.seconds = seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.seconds):
            app = self.app_ref()
            if app is None:
                return
            try:
                flush(app)
            except Exception:  # the thread must outlive any one failure
                log.exception("lesson views: the flush failed")

    def stop(self) -> None:
        """Stop the thread and write what is left (at exit)."""
        self.stopping.set()
        app = self.app_ref()
        if app is not None:
            flush(app)


def init_app(app: Flask) -> None:
    """With the buffer in Redis, every worker writes it from its first request, whatever the
    request (views other workers took, or took before a restart, are not left waiting for a
    lesson page); a worker's own buffer starts its flusher with its first view."""

    def start_with_redis() -> None:
        config = app.config
        if (
            config["LESSON_VIEWS_FLUSHER"]
            and config.get("LESSON_VIEWS_REDIS_URL")
            and config["LESSON_VIEWS_FLUSH_SECONDS"] > 0
        ):
            state = _state(app)
            if state.flusher is None:
                start_flusher(app)

    app.before_request(start_with_redis)


def start_flusher(app: Flask) -> Flusher:
    """The worker's flusher, started once per process; stopped and flushed at exit."""
    state = _state(app)
    with state.lock:
        if state.flusher is None:
            state.flusher = Flusher(app, app.config["LESSON_VIEWS_FLUSH_SECONDS"])
            state.flusher.start()
            atexit.register(state.flusher.stop)
        return state.flusher


# With the database -------------------------------------------------------------------------


def flush_seconds() -> float:
    return current_app.config["LESSON_VIEWS_FLUSH_SECONDS"]


def record(enrolment: Enrolment, view: View) -> None:
    """The learner opened a lesson: buffered, or written now when batches are off. The
    enrolment object shows it at once ("where I stopped"), without a write."""
    if flush_seconds() <= 0:
        settle(enrolment, view)
        return
    app = current_app._get_current_object()
    # Later than what is written, and (the buffer sees to it) than what is buffered.
    stored = enrolment.last_opened_at
    try:
        views = _state(app).buffer.add(enrolment.id, view, to_us(stored) if stored else -1)
    except REDIS_ERRORS:
        log.exception("lesson views: Redis unavailable, this view written in its request")
        settle(enrolment, view)
        return
    view = views[-1]
    g.lesson_views_pending = {enrolment.id: views}  # the rest of the request reads them
    if app.config["LESSON_VIEWS_FLUSHER"]:
        start_flusher(app)
    set_committed_value(enrolment, "last_lesson_key", view.lesson_key)
    set_committed_value(enrolment, "last_opened_at", view.moment)


def read_back(enrolment: Enrolment) -> None:
    """Show on the enrolment object ("where I stopped") this worker's newest view of it not
    yet written, when it is newer than what is stored; nothing is written."""
    newest = max(pending(enrolment.id), default=None)
    if newest is None:
        return
    if enrolment.last_opened_at is None or newest.at > to_us(enrolment.last_opened_at):
        set_committed_value(enrolment, "last_lesson_key", newest.lesson_key)
        set_committed_value(enrolment, "last_opened_at", newest.moment)


def pending(enrolment_id: int) -> list[View]:
    """The enrolment's views not yet in the database: this worker's, or every worker's when
    they are kept in Redis (none if Redis cannot be reached: they are read again later).
    Once read in a request, what was read with this request's own view added."""
    known = g.get("lesson_views_pending", {}).get(enrolment_id)
    if known is not None:
        return list(known)
    try:
        return _state(current_app._get_current_object()).buffer.pending(enrolment_id)
    except REDIS_ERRORS:
        log.exception("lesson views: Redis unavailable, buffered views not read")
        return []


def history_of(stored: dict | None, last_key: str | None, last_at, duration) -> History:
    """The enrolment's history as stored; for one that has none yet but was opened before
    (recorded before histories were kept), its last view, with what came before unknown.
    ``duration``: a function giving the minutes of a lesson of the enrolment's version."""
    if stored:
        return History.decode(stored)
    if last_key and last_at is not None:
        return History((View(to_us(last_at), last_key, duration(last_key)),), whole=False)
    return History()


def minutes_in(version):
    """Lesson key -> its minutes in ``version`` (None for a lesson it no longer has)."""

    def minutes(key: str) -> int | None:
        lesson = contents_of(version).lesson(key)
        return lesson.duration if lesson is not None else None

    return minutes


def _locked(ids: list[int]) -> dict[int, tuple]:
    """Lock the enrolments' rows (in id order, so that two writers wait instead of
    deadlocking) and read their histories."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # SQLite has no row locks: take the database's write lock before reading, so that a
        # second writer waits for this one instead of writing from the same reading.
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.id.in_(ids))
            .values(version_id=Enrolment.version_id)
            .execution_options(synchronize_session=False)
        )
    statement = (
        select(
            Enrolment.id,
            Enrolment.view_history,
            Enrolment.last_lesson_key,
            Enrolment.last_opened_at,
            Enrolment.version_id,
        )
        .where(Enrolment.id.in_(ids))
        .order_by(Enrolment.id)
    )
    if not sqlite:
        statement = statement.with_for_update()
    return {row.id: row for row in db.session.execute(statement)}


def _durations(rows) -> dict[tuple[int, str], int | None]:
    """(version id, lesson key) -> the lesson's minutes, for the enrolments among ``rows``
    opened before histories were kept (two statements at most, whatever their number)."""
    wanted = {row.version_id for row in rows if not row.view_history and row.last_lesson_key}
    if not wanted:
        return {}
    versions = db.session.scalars(
        select(CourseVersion).where(CourseVersion.id.in_(wanted)).options(MANIFEST_DEFERRED)
    ).all()
    return {
        (version_id, lesson.key): lesson.duration
        for version_id, contents in contents_for(list(versions)).items()
        for lesson in contents.lessons
    }


_TABLE = Enrolment.__table__
# One statement for every enrolment a flush changed (run once per enrolment's parameters,
# which the driver sends together): the history, "where I stopped", and the summary's seconds
# added to (never set, so that a concurrent writer's addition stays).
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(
        view_history=bindparam("b_history", type_=_TABLE.c.view_history.type),
        last_lesson_key=bindparam("b_key"),
        last_opened_at=bindparam("b_at", type_=_TABLE.c.last_opened_at.type),
        seconds_on_lessons=_TABLE.c.seconds_on_lessons + bindparam("b_seconds"),
    )
)


def _write(changes: list[tuple[int, History, Folded]]) -> None:
    """Write the folds that changed something: the enrolments in one statement, the seconds
    of every (enrolment, lesson) in one more."""
    updates, seconds = [], []
    for enrolment_id, before, folded in changes:
        if folded.late:
            log.warning(
                "%d lesson view(s) of enrolment %d came too late to place and were left out",
                folded.late,
                enrolment_id,
            )
        if folded.history == before:
            continue
        newest = folded.history.newest
        updates.append(
            {
                "b_id": enrolment_id,
                "b_history": folded.history.encode(),
                "b_key": newest.lesson_key if newest else None,
                "b_at": newest.moment if newest else None,
                "b_seconds": folded.total,
            }
        )
        seconds += [
            {"enrolment_id": enrolment_id, "lesson_key": key, "seconds": amount}
            for key, amount in folded.seconds.items()
        ]
    if updates:
        db.session.execute(_UPDATE, updates)
        # What the request read of these enrolments' views before is out of date now.
        g.lesson_views_written = g.get("lesson_views_written", set()) | {
            row["b_id"] for row in updates
        }
    if seconds:
        add_to_column(db.session, LessonTime, ("enrolment_id", "lesson_key"), "seconds", seconds)


def settle(enrolment: Enrolment, view: View | None = None, *, if_open: bool = False) -> Folded:
    """Fold the enrolment's pending views (and ``view``; with ``if_open``, only when its
    lesson is the one open after them) into the database now, in this request's transaction.
    The enrolment object then shows where the learner is."""
    row = _locked([enrolment.id]).get(enrolment.id)
    if row is None:
        return Folded(History(), {})
    before = history_of(
        row.view_history, row.last_lesson_key, row.last_opened_at, minutes_in(enrolment.version)
    )
    views = pending(enrolment.id)
    if view is not None:
        newest = fold(before, views).history.newest
        if if_open and (newest is None or newest.lesson_key != view.lesson_key):
            view = None
        else:
            views.append(after(view, newest))
    folded = fold(before, views)
    _write([(enrolment.id, before, folded)])
    newest = folded.history.newest
    if newest is not None:
        set_committed_value(enrolment, "last_lesson_key", newest.lesson_key)
        set_committed_value(enrolment, "last_opened_at", newest.moment)
    return folded


def fold_into_database(taken: dict[int, list[View]]) -> int:
    """Fold buffered views into the database, in the session's transaction; the number of
    views that found their enrolment (one since deleted drops its views)."""
    rows = _locked(sorted(taken))
    durations = _durations(rows.values())
    changes = []
    for enrolment_id in sorted(taken):
        row = rows.get(enrolment_id)
        if row is None:
            continue
        before = history_of(
            row.view_history,
            row.last_lesson_key,
            row.last_opened_at,
            lambda key, version_id=row.version_id: durations.get((version_id, key)),
        )
        changes.append((enrolment_id, before, fold(before, taken[enrolment_id])))
    _write(changes)
    return sum(len(taken[enrolment_id]) for enrolment_id, _before, _folded in changes)


def flush(app: Flask) -> int:
    """Write this worker's buffered views (outside any request); the number written. On a
    failure they go back to the buffer for the next flush, and the error is logged."""
    state = _state(app)
    try:
        taken = state.buffer.take()
    except REDIS_ERRORS:
        log.exception("lesson views: Redis unavailable, nothing written this time")
        return 0
    if not taken:
        return 0
    with app.app_context():
        try:
            written = fold_into_database(taken)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("lesson views could not be written; kept for the next flush")
            try:
                state.buffer.put_back(taken)
            except REDIS_ERRORS:
                log.exception("lesson views: Redis unavailable, %d lost", len(taken))
            return 0
        finally:
            db.session.remove()
    return written


def forget_histories(now: datetime) -> int:
    """Clear the histories whose newest view is older than the history is kept for (they
    can no longer place a view; "where I stopped" stays on the enrolment): `elearn purge`.
    The number cleared."""
    before = now - timedelta(seconds=HISTORY_SECONDS)
    result = db.session.execute(
        update(Enrolment)
        .where(Enrolment.view_history.is_not(None), Enrolment.last_opened_at < before)
        .values(view_history=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def written_here(enrolment_id: int) -> bool:
    """Whether this request (this app context) wrote the enrolment's views: what it read of
    them before is out of date then."""
    return enrolment_id in g.get("lesson_views_written", ())
