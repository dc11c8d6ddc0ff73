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

from elearn.errors import DomainError
from elearn.learning import page_views
from elearn.learning.contents import contents_of
from elearn.learning.models import Enrolment

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


def seconds_left(
    enrolment: Enrolment, lesson, now: datetime, stored: page_views.Stored | None = None
) -> int:
    """Seconds before ``lesson`` may be marked complete under the time rule (0: now): the
    time recorded on it and still buffered, plus the page view in progress when it is the
    lesson open. ``stored``: what the page read of the enrolment's views with it (no
    statement more then; see page_views.seconds_on_lesson)."""
    rule = rule_for(enrolment.version.manifest, platform_share())
    if rule.mode != "time" or rule.share == 0:
        return 0
    spent = page_views.seconds_on_lesson(enrolment, lesson.key, now, stored)
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
