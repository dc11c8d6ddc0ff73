"""The completion rule on its own (elearn/learning/completion.py): no app, no database."""

from __future__ import annotations

import pytest

from elearn.learning.completion import (
    Complete,
    LessonRequirement,
    QuizPass,
    QuizRequirement,
    Remaining,
    Requirements,
    completion_state,
    lesson_states,
    module_counts,
    pass_still_counts,
)

WELCOME = LessonRequirement("welcome", "w1", module="intro")
SIGNS = LessonRequirement("signs", "s1", module="intro")
EXTRA = LessonRequirement("extra", "x1", module="intro", required=False)
CHECK = QuizRequirement("check", "fp-check", {"q1": "a", "q2": "b"}, module="intro")
FINAL = QuizRequirement("final", "fp-final", {"f1": "c", "f2": "d"})
PRACTICE = QuizRequirement("practice", "fp-practice", {"p1": "e"}, required=False)
COURSE = Requirements(lessons=(WELCOME, SIGNS, EXTRA), quizzes=(CHECK, FINAL, PRACTICE))
# The next version: "signs" reworded, "extra" dropped, one question of the final quiz changed.
SIGNS_2 = LessonRequirement("signs", "s2", module="intro")
FINAL_2 = QuizRequirement("final", "fp-final-2", {"f1": "c", "f2": "d-new"})
COURSE_2 = Requirements(lessons=(WELCOME, SIGNS_2), quizzes=(CHECK, FINAL_2, PRACTICE))

BOTH_LESSONS = {"welcome": "w1", "signs": "s1"}
BOTH_QUIZZES = [
    QuizPass("check", "fp-check", {"q1": "a", "q2": "b"}),
    QuizPass("final", "fp-final", {"f1": "c", "f2": "d"}),
]


@pytest.mark.parametrize(
    ("requirements", "completed", "passes", "expected"),
    [
        pytest.param(Requirements(), {}, [], Complete(), id="nothing required"),
        pytest.param(
            Requirements(lessons=(EXTRA,), quizzes=(PRACTICE,)),
            {},
            [],
            Complete(),
            id="only optional items",
        ),
        pytest.param(
            Requirements(lessons=(WELCOME, SIGNS)),
            {"welcome": "w1"},
            [],
            Remaining(lessons=("signs",)),
            id="only lessons, one left",
        ),
        pytest.param(
            Requirements(lessons=(WELCOME, SIGNS)), BOTH_LESSONS, [], Complete(), id="only lessons"
        ),
        pytest.param(
            Requirements(quizzes=(FINAL,)),
            {},
            [],
            Remaining(quizzes=("final",)),
            id="only a quiz, not passed",
        ),
        pytest.param(
            Requirements(quizzes=(FINAL,)),
            {},
            BOTH_QUIZZES[1:],
            Complete(),
            id="only a quiz, passed",
        ),
        pytest.param(
            COURSE,
            {},
            [],
            Remaining(lessons=("welcome", "signs"), quizzes=("check", "final")),
            id="nothing done: the required items, in course order",
        ),
        pytest.param(COURSE, BOTH_LESSONS, BOTH_QUIZZES, Complete(), id="everything done"),
        pytest.param(
            COURSE,
            {"welcome": "w1", "signs": "s0"},
            BOTH_QUIZZES,
            Remaining(lessons=("signs",)),
            id="a lesson completed in words that changed since",
        ),
        pytest.param(
            COURSE,
            BOTH_LESSONS,
            [QuizPass("final", "fp-final", {"f1": "c", "f2": "d"}), QuizPass("other", "x", {})],
            Remaining(quizzes=("check",)),
            id="a pass of a quiz the version does not have",
        ),
        pytest.param(
            COURSE_2,
            {"welcome": "w1", "signs": "s2", "extra": "x1"},
            BOTH_QUIZZES,
            Remaining(quizzes=("final",)),
            id="after a version change a pass on a changed question no longer counts",
        ),
        pytest.param(
            Requirements(lessons=(WELCOME, SIGNS_2), quizzes=(CHECK, FINAL_2)),
            {"welcome": "w1", "signs": "s2"},
            [
                BOTH_QUIZZES[0],
                QuizPass("final", "fp-final", {"f1": "c"}),  # counted only f1, unchanged
            ],
            Complete(),
            id="a pass whose counted questions are unchanged carries to the new version",
        ),
        pytest.param(
            COURSE_2,
            {"welcome": "w1", "signs": "s2"},
            [*BOTH_QUIZZES, QuizPass("final", "fp-final", {"f1": "c", "f2": "d-new"})],
            Complete(),
            id="a top-up pass on the changed question",
        ),
        pytest.param(
            COURSE_2,
            {"welcome": "w1", "signs": "s1", "extra": "x1"},
            [BOTH_QUIZZES[0], QuizPass("final", "fp-final-2", {"f2": "d-new"})],
            Remaining(lessons=("signs",)),
            id="a new version rewords a lesson and drops another",
        ),
        pytest.param(
            Requirements(lessons=(WELCOME,)),
            {"welcome": "w1", "dropped": "z"},
            [],
            Complete(),
            id="a completion of a lesson dropped from the version changes nothing",
        ),
    ],
)
def test_completion_state(requirements, completed, passes, expected):
    assert completion_state(requirements, completed, passes) == expected


def test_a_pass_counts_while_every_question_it_counted_is_unchanged():
    counted = {"a": "1", "b": "2"}
    assert pass_still_counts(counted, True, {})
    assert pass_still_counts(counted, False, {"a": "1", "b": "2", "new": "9"})
    assert not pass_still_counts(counted, False, {"a": "1", "b": "changed"})
    assert not pass_still_counts(counted, False, {"a": "1"})  # b was removed
    assert not pass_still_counts(None, False, {"a": "1"})


def test_modules_count_their_required_lessons_and_quizzes_only():
    counts = module_counts(COURSE, {"welcome"}, {"final", "practice"})
    assert counts == {"intro": (1, 3), "": (1, 1)}


def test_in_a_sequential_course_a_lesson_opens_when_the_required_ones_before_it_are_done():
    extra_first = Requirements(lessons=(WELCOME, EXTRA, SIGNS))
    assert lesson_states(extra_first, set(), sequential=True) == {
        "welcome": "open",
        "extra": "locked",
        "signs": "locked",
    }
    # An optional lesson left undone does not lock the ones after it.
    assert lesson_states(extra_first, {"welcome"}, sequential=True) == {
        "welcome": "done",
        "extra": "open",
        "signs": "open",
    }
    assert set(lesson_states(extra_first, set(), sequential=False).values()) == {"open"}
