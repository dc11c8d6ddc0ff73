"""Generated data for the benchmark: organisations, 20 published courses, 10,000 learners with
their enrolments, lesson completions, time and quiz attempts, and the three groups of learners
the measurements use.

Rows are written with bulk INSERTs (one statement per table and batch), never one ORM object at
a time, so that 10,000 learners take seconds. Every course is a copy of the shipped course
`courses/understanding-trafficking`, so the lesson pages measured are real lessons.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from elearn.accounts.models import Role, RoleAssignment, User
from elearn.content.loader import load_package
from elearn.content.source import PackageFiles, read_folder
from elearn.courses.models import CourseVersion
from elearn.courses.services import import_package
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning import summary
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.organisations.models import Organisation
from elearn.privacy.models import PrivacyAcceptance
from elearn.privacy.notice import CURRENT_VERSION
from elearn.quizzes.draw import draw_attempt
from elearn.quizzes.models import QuizAnswer, QuizAttempt
from elearn.reference import COUNTIES, ORGANISATION_KINDS, PROFESSIONS
from elearn.security import hash_password
from elearn.text import fold

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_COURSE = ROOT / "courses" / "understanding-trafficking"
PASSWORD = "bench-learner-password-2026"  # noqa: S105 - generated learners of a throwaway database
BATCH = 2000

FIRST_NAMES = ["Ana", "Ioana", "Maria", "Andrei", "Mihai", "Ștefan", "Gyöngyi", "László", "Elena"]
LAST_NAMES = ["Pop", "Popescu", "Mureșan", "Kovács", "Szabó", "Ionescu", "Crișan", "Nagy", "Rus"]


@dataclass
class Generated:
    """What the measurements need from the generated data."""

    target_slug: str
    lesson_keys: list[str]
    quiz_key: str
    readers: list[int] = field(default_factory=list)  # user ids enrolled on the target course
    submitters: list[tuple[int, int]] = field(default_factory=list)  # (user id, open attempt id)
    classroom: list[str] = field(default_factory=list)  # emails, ready to take the quiz
    counts: dict[str, int] = field(default_factory=dict)


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def _courses(count: int) -> list[CourseVersion]:
    """``count`` published copies of the shipped course, as separate courses."""
    files = read_folder(TEMPLATE_COURSE).files
    versions = []
    for number in range(1, count + 1):
        slug = f"bench-{number:02d}"
        copy = dict(files)
        copy["course.yaml"] = (
            files["course.yaml"]
            .decode()
            .replace("id: understanding-trafficking", f"id: {slug}", 1)
            .encode()
        )
        package = load_package(PackageFiles(slug, copy), professions=set(PROFESSIONS))
        result = import_package(
            package, organisation_id=None, by_id=None, publish=True, operator=True
        )
        versions.append(result.version)
    db.session.flush()
    return versions


def right_answer(question: dict, language: str):
    """The correct answer to ``question`` in the grader's terms."""
    kind = question["type"]
    if kind == "single":
        return next(o["id"] for o in question["options"] if o.get("correct"))
    if kind == "multiple":
        return sorted(o["id"] for o in question["options"] if o.get("correct"))
    if kind == "true_false":
        return question["answer"]
    if kind == "short_text":
        accepted = question["accepted"]
        return (accepted.get(language) or next(iter(accepted.values())))[0]["text"]
    if kind == "numeric":
        return str(question["answers"][0]["value"])
    if kind == "matching":
        return {pair["id"]: pair["id"] for pair in question["pairs"]}
    if kind == "ordering":
        return [item["id"] for item in question["items"]]
    if kind == "scenario":
        steps = {step["id"]: step for step in question["steps"]}
        path, step_id = [], question["start"]
        while step_id:
            choice = max(steps[step_id]["choices"], key=lambda c: c.get("credit", 0))
            path.append(choice["id"])
            step_id = choice.get("next")
        return path
    raise ValueError(kind)


def generate(
    *,
    learners: int,
    courses: int,
    readers: int,
    submitters: int,
    classroom: int,
    seed: int = 2026,
) -> Generated:
    """Fill an empty, migrated database; returns the groups the measurements use."""
    rng = random.Random(seed)
    now = utcnow()
    versions = _courses(courses)
    target = versions[0]
    quiz = target.quizzes[0]
    generated = Generated(
        target_slug=target.course.slug,
        lesson_keys=[lesson.key for lesson in target.lessons],
        quiz_key=quiz.key,
    )

    organisations = []
    kinds, counties = list(ORGANISATION_KINDS), [c for c in COUNTIES if c != "abroad"]
    for number in range(1, 61):
        organisations.append(
            {
                "name": f"Organizația de test {number}",
                "kind": rng.choice(kinds),
                "county": "BH" if number <= 30 else rng.choice(counties),
                "created_at": now,
            }
        )
    _bulk(Organisation, organisations)
    organisation_ids = list(db.session.scalars(select(Organisation.id)))

    password_hash = hash_password(PASSWORD)  # the production cost, computed once for all
    professions = list(PROFESSIONS)
    users = []
    for number in range(1, learners + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = f"learner{number}@bench.example.org"
        users.append(
            {
                "email": email,
                "full_name": name,
                "password_hash": password_hash,
                "profession": rng.choice(professions),
                "county": "BH" if rng.random() < 0.6 else rng.choice(counties),
                "preferred_language": rng.choices(["ro", "hu", "en"], [70, 25, 5])[0],
                "organisation_id": rng.choice(organisation_ids),
                "organisation_confirmed_at": now,
                "email_confirmed_at": now,
                "search_key": fold(f"{name} {email}"),
                "session_generation": 0,
                "created_at": now - timedelta(days=rng.randint(0, 700)),
            }
        )
    _bulk(User, users)
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    _bulk(
        RoleAssignment, [{"user_id": u, "role": Role.LEARNER, "granted_at": now} for u in user_ids]
    )
    _bulk(
        PrivacyAcceptance,
        [{"user_id": u, "version": CURRENT_VERSION, "accepted_at": now} for u in user_ids],
    )

    # The three measured groups are enrolled on the target course; everyone else (and they too)
    # on a few other courses, some completed.
    reader_ids = user_ids[:readers]
    submitter_ids = user_ids[readers : readers + submitters]
    classroom_ids = user_ids[readers + submitters : readers + submitters + classroom]
    measured = set(reader_ids) | set(submitter_ids) | set(classroom_ids)

    enrolments = []
    for user_id in user_ids:
        others = rng.sample(versions[1:], k=min(len(versions) - 1, rng.randint(1, 4)))
        chosen = ([target] if user_id in measured else []) + others
        if user_id not in measured and rng.random() < 0.3:
            chosen.append(target)
        for version in chosen:
            enrolled = now - timedelta(days=rng.randint(1, 600))
            enrolments.append(
                {
                    "user_id": user_id,
                    "course_id": version.course_id,
                    "version_id": version.id,
                    "enrolled_at": enrolled,
                }
            )
    _bulk(Enrolment, enrolments)
    rows = db.session.execute(
        select(Enrolment.id, Enrolment.user_id, Enrolment.version_id, Enrolment.enrolled_at)
    ).all()
    by_version = {version.id: version for version in versions}

    completions, times, attempts = [], [], []
    finished_ids = []
    open_attempts: dict[int, int] = {}  # enrolment id -> user id, for the submitters
    for enrolment_id, user_id, version_id, enrolled in rows:
        version = by_version[version_id]
        lessons = version.lessons
        is_target = version_id == target.id
        if is_target and user_id in measured:
            done = lessons if user_id not in reader_ids else lessons[:1]
        else:
            done = lessons[: rng.randint(0, len(lessons))]
        for lesson in done:
            completions.append(
                {
                    "enrolment_id": enrolment_id,
                    "lesson_key": lesson.key,
                    "content_hash": lesson.content_hash,
                    "completed_at": enrolled + timedelta(hours=1),
                }
            )
            times.append(
                {
                    "enrolment_id": enrolment_id,
                    "lesson_key": lesson.key,
                    "seconds": rng.randint(60, 1800),
                }
            )
        version_quiz = version.quizzes[0]
        if is_target and user_id in submitter_ids:
            open_attempts[enrolment_id] = user_id
            attempts.append(
                _attempt(enrolment_id, version, version_quiz, rng, now, submitted=False)
            )
        elif (
            len(done) == len(lessons)
            and not (is_target and user_id in measured)
            and rng.random() < 0.8
        ):
            attempts.append(
                _attempt(enrolment_id, version, version_quiz, rng, enrolled, submitted=True)
            )
            finished_ids.append(enrolment_id)
    _bulk(LessonCompletion, completions)
    _bulk(LessonTime, times)
    answers_by_enrolment = {row["enrolment_id"]: row.pop("_answers") for row in attempts}
    _bulk(QuizAttempt, attempts)
    answer_rows = [
        {"attempt_id": attempt_id, "question_key": key, "value": value, "saved_at": now}
        for enrolment_id, attempt_id in db.session.execute(
            select(QuizAttempt.enrolment_id, QuizAttempt.id)
        )
        for key, value in answers_by_enrolment.get(enrolment_id, {}).items()
    ]
    _bulk(QuizAnswer, answer_rows)
    if finished_ids:
        for start in range(0, len(finished_ids), BATCH):
            chunk = finished_ids[start : start + BATCH]
            db.session.execute(
                Enrolment.__table__.update()
                .where(Enrolment.id.in_(chunk))
                .values(
                    completed_at=Enrolment.enrolled_at, completed_version_id=Enrolment.version_id
                )
            )
    attempt_ids = dict(
        db.session.execute(
            select(QuizAttempt.enrolment_id, QuizAttempt.id).where(
                QuizAttempt.enrolment_id.in_(list(open_attempts)),
                QuizAttempt.submitted_at.is_(None),
            )
        ).all()
    )
    summary.recount()  # the enrolments' summaries of the rows inserted in bulk above
    db.session.commit()

    generated.readers = reader_ids
    generated.submitters = [(open_attempts[e], a) for e, a in attempt_ids.items()]
    emails = dict(
        db.session.execute(select(User.id, User.email).where(User.id.in_(classroom_ids))).all()
    )
    generated.classroom = [emails[u] for u in classroom_ids]
    generated.counts = {
        "organisations": len(organisation_ids),
        "courses": len(versions),
        "learners": len(user_ids),
        "enrolments": len(rows),
        "lesson completions": len(completions),
        "quiz attempts": len(attempts),
        "completed enrolments": len(finished_ids),
    }
    return generated


def _attempt(enrolment_id, version, quiz, rng, when, *, submitted: bool) -> dict:
    questions = [question.data for question in quiz.questions]
    draw = draw_attempt(questions, quiz.settings.get("draw"), rng)
    by_id = {q["id"]: q for q in questions}
    language = version.languages[0]
    row = {
        # Taken out before the attempts are inserted: each answer is a row of quiz_answers.
        "_answers": {entry["key"]: right_answer(by_id[entry["key"]], language) for entry in draw},
        "enrolment_id": enrolment_id,
        "version_id": version.id,
        "quiz_key": quiz.key,
        "quiz_fingerprint": quiz.fingerprint,
        "number": 1,
        "language": language,
        "started_at": when,
        "deadline_at": None,
        "draw": draw,
        "results": None,
        "score": None,
        "passed": None,
        "submitted_at": None,
    }
    if submitted:
        row.update(score=100.0, passed=True, submitted_at=when + timedelta(minutes=10), results={})
    return row
