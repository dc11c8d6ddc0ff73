"""When a lesson may be marked complete: after it has been open for a share of its stated
duration, or, if the course says so, when the learner follows the control at its end
(docs/learning-time.md). The time is the one counted on the server between page views
(``LessonTime``); nothing the browser says about time is believed.

The rule itself (``LessonRule``, ``seconds_required``) is pure (a view's counting limit is in
elearn/learning/view_time.py); the
functions below it read the database and the platform's setting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import ColumnElement, select

from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning import page_views
from elearn.learning.contents import contents_of
from elearn.learning.models import Enrolment, LessonTime
from elearn.learning.view_time import fold, seconds_between, to_us

# The course's share when its manifest does not say (versions imported before the setting).
DEFAULT_SHARE = 0.5


class LessonNotReady(DomainError):
    """The lesson cannot be marked complete yet; the message says why, kindly."""


@dataclass(frozen=True)
class LessonRule:
    """``mode``: "time" (open for ``share`` of the duration), "end" (the control at the end
    of the page) or "off" (the platform switched the rule off)."""

    mode: str
    share: float


def rule_for(manifest: dict, platform_share: float | None) -> LessonRule:
    """The rule of a course version: its own ``completion`` settings, with the platform's
    MIN_LESSON_TIME_SHARE in place of its share when that is set (0: no rule at all)."""
    completion = manifest.get("completion") or {}
    share = completion.get("min_lesson_time_share", DEFAULT_SHARE)
    if platform_share is not None:
        share = platform_share
    if platform_share == 0:
        return LessonRule("off", 0.0)
    if completion.get("lesson_done") == "end_of_page":
        return LessonRule("end", share)
    return LessonRule("time", share)


def seconds_required(duration_minutes: int, share: float) -> int:
    """Seconds a lesson of ``duration_minutes`` must be open under ``share``."""
    return math.ceil(duration_minutes * 60 * share)


def minutes_left_text(seconds: int):
    """What the lesson page says: 'in about N minutes', kindly rounded up."""
    if seconds < 60:
        return _l("You can mark this lesson complete in less than a minute.")
    return lazy_ngettext(
        "You can mark this lesson complete in about %(num)d minute.",
        "You can mark this lesson complete in about %(num)d minutes.",
        math.ceil(seconds / 60),
    )


def refusal_text(seconds: int):
    """What a refused "Mark as complete" says: why, and how long is left."""
    if seconds < 60:
        return _l(
            "Not yet: this course asks for some time with each lesson. You can mark this "
            "one complete in less than a minute."
        )
    return lazy_ngettext(
        "Not yet: this course asks for some time with each lesson. You can mark this one "
        "complete in about %(num)d minute.",
        "Not yet: this course asks for some time with each lesson. You can mark this one "
        "complete in about %(num)d minutes.",
        math.ceil(seconds / 60),
    )


# With the database --------------------------------------------------------------------------


def platform_share() -> float | None:
    return current_app.config.get("MIN_LESSON_TIME_SHARE")


def course_share(manifest: dict) -> float:
    """The share that counts for a course: the platform's when set, else the course's."""
    share = platform_share()
    if share is None:
        share = (manifest.get("completion") or {}).get("min_lesson_time_share", DEFAULT_SHARE)
    return share


def course_seconds_required(version) -> int:
    """Seconds on the lessons for a certificate to state the course's hours: the share that
    counts of the minutes its required lessons state (what a learner who met the time on
    each of them has spent; quiz time is not recorded)."""
    minutes = sum(lesson.duration for lesson in contents_of(version).lessons if lesson.required)
    return seconds_required(minutes, course_share(version.manifest))


def seconds_left(enrolment: Enrolment, lesson, now: datetime, stored: Stored | None = None) -> int:
    """Seconds before ``lesson`` may be marked complete under the time rule (0: now): the
    time recorded on it and still buffered, plus the page view in progress when it is the
    lesson open. ``stored``: what the page read of the enrolment's views with it (no
    statement more then; see seconds_on_lesson)."""
    rule = rule_for(enrolment.version.manifest, platform_share())
    if rule.mode != "time" or rule.share == 0:
        return 0
    spent = seconds_on_lesson(enrolment, lesson.key, now, stored)
    return max(0, seconds_required(lesson.duration, rule.share) - spent)


def check_may_complete(enrolment: Enrolment, lesson, now: datetime, *, reached_end: bool) -> None:
    """Raise LessonNotReady when the course's rule does not allow ``lesson`` to be marked
    complete at ``now``: too little time on it, or (courses that ask for the end of the
    page) not the control at the end of the lesson the learner has open."""
    rule = rule_for(enrolment.version.manifest, platform_share())
    if rule.mode == "end":
        if not (reached_end and enrolment.last_lesson_key == lesson.key):
            raise LessonNotReady(
                _l("Read the lesson to its end, then use the button there to complete it.")
            )
        return
    left = seconds_left(enrolment, lesson, now)
    if left > 0:
        raise LessonNotReady(refusal_text(left))


@dataclass(frozen=True)
class Stored:
    """What the database held of an enrolment's lesson views when a page read them with the
    enrolment, before the request noted its own view: "where I stopped" and the seconds
    recorded on ``lesson_key`` (None: none yet). See ``stored_seconds_of``."""

    lesson_key: str
    last_lesson_key: str | None
    last_opened_at: datetime | None
    seconds: int | None


def stored_seconds_of(enrolment_id: ColumnElement, lesson_key: str) -> ColumnElement:
    """A column for a statement that reads an enrolment: the seconds recorded on
    ``lesson_key`` (NULL for none), for a ``Stored`` that ``seconds_on_lesson`` reads
    instead of asking the database again."""
    return (
        select(LessonTime.seconds)
        .where(LessonTime.enrolment_id == enrolment_id, LessonTime.lesson_key == lesson_key)
        .scalar_subquery()
    )


def seconds_on_lesson(
    enrolment: Enrolment, lesson_key: str, now: datetime, stored: Stored | None = None
) -> int:
    """Seconds on ``lesson_key`` up to ``now``: those recorded, those of the buffered views,
    and the view in progress when it is the lesson open. One statement, or none when the
    page read the enrolment with what it needs (``stored``, unless this request has written
    the enrolment's views since: a view written in its request, LESSON_VIEWS_FLUSH_SECONDS =
    0 or Redis out of reach). The history is read (a statement more) only when a buffered
    view is older than the newest written one; otherwise the buffered views only continue
    from that one, which is all the fold needs."""
    if (
        stored is not None
        and stored.lesson_key == lesson_key
        and not page_views.written_here(enrolment.id)
    ):
        last_key, last_at, recorded = stored.last_lesson_key, stored.last_opened_at, stored.seconds
    else:
        last_key, last_at, recorded = db.session.execute(
            select(
                Enrolment.last_lesson_key,
                Enrolment.last_opened_at,
                stored_seconds_of(enrolment.id, lesson_key),
            ).where(Enrolment.id == enrolment.id)
        ).one()
    views = page_views.pending(enrolment.id)
    minutes = page_views.minutes_in(enrolment.version)
    if last_at is None or all(view.at > to_us(last_at) for view in views):
        before = page_views.history_of(None, last_key, last_at, minutes)
    else:
        stored_history = db.session.scalar(
            select(Enrolment.view_history).where(Enrolment.id == enrolment.id)
        )
        before = page_views.history_of(stored_history, last_key, last_at, minutes)
    folded = fold(before, views)
    spent = (recorded or 0) + folded.seconds.get(lesson_key, 0)
    newest = folded.history.newest
    if newest is not None and newest.lesson_key == lesson_key:
        spent += seconds_between(newest, to_us(now))
    return spent
