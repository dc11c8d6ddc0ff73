"""For a course's trainers: enrolments and completions across every organisation (aggregates
only), and quiz item analysis per question and version, computed in SQL from each graded
answer (``quiz_answers.correct``).

- **Answered**: graded attempts with an answer to the question.
- **Share right**: of those, the share answered rightly (partial credit counts as not right).
- **Discrimination**: the share right among the attempts in the top 27% of scores minus the
  share among the bottom 27% (27% of the quiz and version's graded attempts, rounded up; ties
  in score broken by the order of the attempts); a good question
  is answered rightly more often by those who do well overall: near zero or below, it tells
  the strong from the weak poorly.
- **Most chosen wrong answer**: the wrong answer given most often (by its value).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import String, case, cast, func, select

from elearn.courses.models import CourseVersion, Question, Quiz
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.quizzes.models import QuizAnswer, QuizAttempt

GROUP_PERCENT = 27  # the top and bottom groups of the classic discrimination index
FEW = 10  # below this many answers a question is not flagged
EASY, HARD = 0.95, 0.20


@dataclass
class Item:
    key: str
    prompt: str
    answered: int
    share_right: float
    upper: float | None
    lower: float | None
    top_wrong: str | None = None
    top_wrong_count: int = 0

    @property
    def discrimination(self) -> float | None:
        if self.upper is None or self.lower is None:
            return None
        return self.upper - self.lower

    @property
    def flag(self) -> str | None:
        """'easy' or 'hard' when nearly everyone gets it right or wrong (enough answers)."""
        if self.answered < FEW:
            return None
        if self.share_right >= EASY:
            return "easy"
        if self.share_right <= HARD:
            return "hard"
        return None


@dataclass
class QuizItems:
    version_label: str
    quiz_key: str
    quiz_title: str
    attempts: int
    items: list[Item] = field(default_factory=list)


def enrolment_totals(course_id: int) -> list[tuple[str, int, int]]:
    """(version label, enrolled, completed) across every organisation; one query."""
    return db.session.execute(
        select(CourseVersion.label, func.count(Enrolment.id), func.count(Enrolment.completed_at))
        .join(Enrolment, Enrolment.version_id == CourseVersion.id)
        .where(CourseVersion.course_id == course_id)
        .group_by(CourseVersion.id, CourseVersion.label)
        .order_by(CourseVersion.id)
    ).all()


def item_analysis(course_id: int, language: str) -> list[QuizItems]:
    """Every graded quiz of the course, by version and quiz; four queries in all."""
    graded = (
        select(
            QuizAttempt.id,
            QuizAttempt.version_id,
            QuizAttempt.quiz_key,
            func.row_number()
            .over(
                partition_by=(QuizAttempt.version_id, QuizAttempt.quiz_key),
                order_by=(QuizAttempt.score, QuizAttempt.id),
            )
            .label("place"),
            func.count()
            .over(partition_by=(QuizAttempt.version_id, QuizAttempt.quiz_key))
            .label("total"),
        )
        .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(Enrolment.course_id == course_id, QuizAttempt.submitted_at.is_not(None))
        .subquery()
    )
    right = case((QuizAnswer.correct.is_(True), 1.0), else_=0.0)
    rows = db.session.execute(
        select(
            graded.c.version_id,
            graded.c.quiz_key,
            QuizAnswer.question_key,
            func.count(),
            func.avg(right),
            func.avg(right).filter(graded.c.place > graded.c.total - _group(graded.c.total)),
            func.avg(right).filter(graded.c.place <= _group(graded.c.total)),
        )
        .join(QuizAnswer, QuizAnswer.attempt_id == graded.c.id)
        .where(QuizAnswer.correct.is_not(None))
        .group_by(graded.c.version_id, graded.c.quiz_key, QuizAnswer.question_key)
    ).all()
    attempts = dict(
        ((version_id, quiz_key), count)
        for version_id, quiz_key, count in db.session.execute(
            select(graded.c.version_id, graded.c.quiz_key, func.count()).group_by(
                graded.c.version_id, graded.c.quiz_key
            )
        )
    )
    wrong = _top_wrong(graded)
    questions = _questions(course_id)
    by_quiz: dict[tuple, QuizItems] = {}
    for version_id, quiz_key, key, answered, share, upper, lower in rows:
        version_label, quiz_title, data = questions.get(
            (version_id, quiz_key, key), ("", quiz_key, {})
        )
        group = by_quiz.setdefault(
            (version_id, quiz_key),
            QuizItems(
                version_label=version_label,
                quiz_key=quiz_key,
                quiz_title=_text(quiz_title, language) or quiz_key,
                attempts=attempts.get((version_id, quiz_key), 0),
            ),
        )
        text, count = wrong.get((version_id, quiz_key, key), (None, 0))
        group.items.append(
            Item(
                key=key,
                prompt=_text(data.get("prompt"), language) or key,
                answered=answered,
                share_right=float(share or 0.0),
                upper=float(upper) if upper is not None else None,
                lower=float(lower) if lower is not None else None,
                top_wrong=_answer_text(data, text, language) if text else None,
                top_wrong_count=count,
            )
        )
    for group in by_quiz.values():
        group.items.sort(key=lambda item: item.key)
    return sorted(by_quiz.values(), key=lambda g: (g.version_label, g.quiz_key))


def _group(total):
    """How many attempts make 27% of ``total``, rounded up (integer arithmetic in SQL)."""
    return (total * GROUP_PERCENT + 99) // 100


def _top_wrong(graded) -> dict[tuple, tuple[str, int]]:
    """The most frequent wrong answer of each question (its stored value as JSON text)."""
    value = cast(QuizAnswer.value, String)
    counted = (
        select(
            graded.c.version_id,
            graded.c.quiz_key,
            QuizAnswer.question_key,
            value.label("value"),
            func.count().label("times"),
        )
        .join(QuizAnswer, QuizAnswer.attempt_id == graded.c.id)
        .where(QuizAnswer.correct.is_(False), QuizAnswer.value.is_not(None))
        .group_by(graded.c.version_id, graded.c.quiz_key, QuizAnswer.question_key, value)
        .subquery()
    )
    ranked = select(
        counted,
        func.row_number()
        .over(
            partition_by=(counted.c.version_id, counted.c.quiz_key, counted.c.question_key),
            order_by=(counted.c.times.desc(), counted.c.value),
        )
        .label("n"),
    ).subquery()
    return {
        (row.version_id, row.quiz_key, row.question_key): (row.value, row.times)
        for row in db.session.execute(select(ranked).where(ranked.c.n == 1))
    }


def _questions(course_id: int) -> dict[tuple, tuple]:
    """(version id, quiz key, question key) -> (version label, quiz titles, question data)."""
    rows = db.session.execute(
        select(
            CourseVersion.id,
            CourseVersion.label,
            Quiz.key,
            Quiz.titles,
            Question.key,
            Question.data,
        )
        .join(Quiz, Quiz.version_id == CourseVersion.id)
        .join(Question, Question.quiz_id == Quiz.id)
        .where(CourseVersion.course_id == course_id)
    )
    return {
        (version_id, quiz_key, question_key): (label, titles, data)
        for version_id, label, quiz_key, titles, question_key, data in rows
    }


def _text(value, language: str) -> str:
    if isinstance(value, dict):
        return value.get(language) or next(iter(value.values()), "")
    return str(value or "")


def _answer_text(question: dict, stored: str, language: str) -> str:
    """A stored answer in words: option texts for choices, the value itself otherwise."""
    try:
        value = json.loads(stored)
    except (TypeError, ValueError):
        value = stored
    options = {o["id"]: _text(o.get("text"), language) for o in question.get("options", [])}
    if isinstance(value, list):
        return "; ".join(options.get(str(v), str(v)) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return options.get(str(value), str(value))
