"""The agreement test's world, and its figures counted by hand.

``build`` makes a county school inspectorate with three schools below it, 50 members with
every kind of progress on two courses (nothing, enrolled only, a lesson, time only, a quiz
attempt only, completed with varied times and scores; certificates valid, expiring soon,
expired, revoked and replaced), and the people who must never count: a pending member, a
deactivated one, an erased one, a school outside the tree. Rows are written directly (the
summaries recounted after), so that it takes a few seconds.

``expected`` computes every dashboard figure from those raw rows in plain Python, by the
definitions of docs/reporting.md, without calling anything in elearn/reporting.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.certificates.models import Certificate
from elearn.certificates.services import issue_for
from elearn.courses.models import CourseVersion, Lesson
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning import summary
from elearn.learning.models import Enrolment, LessonCompletion, LessonTime
from elearn.organisations.models import Organisation
from elearn.privacy.services import erase_account
from elearn.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files
from tests.reporting.agreement_assignments import assign_world, expected_assignments, tally
from tests.reporting.conftest import place

PROFESSIONS = ("teacher", "school_counsellor", "police_officer", "social_worker")
COUNTIES = ("BH", "CJ", "AB")
STATES = ("none", "enrolled", "lesson", "time", "quiz", "completed", "completed", "completed")
SCORES = (40.0, 57.5, 70.0, 82.5, 90.0, 97.5, 100.0)  # multiples of 2.5: exact sums
EXPIRING_DAYS = 60
ASSIGNMENT_COLUMNS = ("assigned", "met_on_time", "met_late", "overdue", "due_soon")


def second_course(app) -> int:
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", "id: test-course", "id: second-course")
    files = edit(files, "course.yaml", "en: Test course", "en: Second course")
    files = edit(files, "course.yaml", "ro: Curs de test", "ro: Al doilea curs")
    return import_files(app, files)


def build(app, make, version_ids: list[int], seed: int = 12) -> dict:
    """The tree, the people and their progress; returns the ids the test needs."""
    rng = random.Random(seed)
    isj = make.organisation(name="Inspectoratul Școlar Județean Bihor", kind="school")
    schools = [
        make.organisation(name=name)
        for name in ("Școala Gimnazială nr. 11 Oradea", "Liceul Teoretic Beiuș", "Școala Ady Endre")
    ]
    for school in schools:
        place(app, school, isj)
    outside = make.organisation(name="Școala Gimnazială nr. 1 Cluj", county="CJ")
    manager = make.user(
        roles=(Role.LEARNER, Role.MANAGER),
        organisation_id=isj,
        language="en",
        full_name="Mara Manager",
    )
    homes = [isj] * 4 + [schools[0]] * 16 + [schools[1]] * 15 + [schools[2]] * 15
    people = [
        make.user(
            organisation_id=home,
            full_name=f"Learner {number:02d} Ștefănescu",
            profession=rng.choice(PROFESSIONS),
            county=rng.choice(COUNTIES),
        ).id
        for number, home in enumerate(homes)
    ]
    pending = make.user(organisation_id=schools[0], membership_confirmed=False, full_name="Pending")
    gone = make.user(organisation_id=schools[1], full_name="Deactivated Person")
    erased = make.user(organisation_id=schools[2], full_name="Erased Person")
    stranger = make.user(organisation_id=outside, full_name="Outside Person")
    with app.app_context():
        versions = [db.session.get(CourseVersion, version_id) for version_id in version_ids]
        now = utcnow()
        enrolments = []
        for person in people:
            for version in versions:
                state = rng.choice(STATES)
                if state != "none":
                    enrolments.append(_progress(rng, person, version, state, now))
        for person in (pending.id, gone.id, erased.id, stranger.id):
            enrolments.append(_progress(rng, person, versions[0], "completed", now))
        db.session.flush()
        summary.recount([enrolment.id for enrolment in enrolments])
        db.session.flush()
        _certify(rng, [e for e in enrolments if e.completed_at is not None])
        course_ids = [version.course_id for version in versions]
        excluded = [pending.id, gone.id, erased.id, stranger.id]
        assign_world(app, people, excluded, course_ids, now, seed + 1)
        db.session.get(User, gone.id).deactivated_at = now
        erase_account(db.session.get(User, erased.id), password=PASSWORD)
        db.session.commit()
    return {"isj": isj, "schools": schools, "manager": manager, "outside": outside}


def _progress(rng, user_id: int, version, state: str, now: datetime) -> Enrolment:
    enrolled_at = now - timedelta(days=rng.randint(25, 330), hours=rng.randint(0, 23))
    enrolment = Enrolment(
        user_id=user_id, course_id=version.course_id, version_id=version.id, enrolled_at=enrolled_at
    )
    db.session.add(enrolment)
    db.session.flush()
    lessons = [lesson for lesson in version.lessons if lesson.required]
    if state in ("lesson", "completed"):
        done = lessons if state == "completed" else lessons[:1]
        for lesson in done:
            db.session.add(
                LessonCompletion(
                    enrolment_id=enrolment.id,
                    lesson_key=lesson.key,
                    content_hash=lesson.content_hash,
                    completed_at=enrolled_at + timedelta(hours=1),
                )
            )
    if state in ("time", "completed") and rng.random() < 0.85:
        for lesson in lessons:
            db.session.add(
                LessonTime(
                    enrolment_id=enrolment.id, lesson_key=lesson.key, seconds=rng.randint(30, 2700)
                )
            )
    if state in ("quiz", "completed"):
        for number in range(1, rng.randint(1, 3) + 1):
            graded = state == "completed" or rng.random() < 0.7
            score = rng.choice(SCORES) if graded else None
            db.session.add(
                QuizAttempt(
                    enrolment_id=enrolment.id,
                    version_id=version.id,
                    quiz_key="final",
                    quiz_fingerprint="0" * 64,
                    number=number,
                    language="en",
                    started_at=enrolled_at + timedelta(days=1),
                    submitted_at=enrolled_at + timedelta(days=1, minutes=20) if graded else None,
                    draw=[],
                    score=score,
                    passed=None if score is None else score >= 80,
                )
            )
    if state == "completed":
        enrolment.completed_at = enrolled_at + timedelta(days=rng.randint(1, 20))
        enrolment.completed_version_id = version.id
    return enrolment


def _certify(rng, completed: list[Enrolment]) -> None:
    """Certificates of every completion, then some made expiring, expired, revoked or
    replaced by a renewal's."""
    from elearn.certificates.services import today

    day = today()
    expiries = [
        day + timedelta(days=10),
        day + timedelta(days=EXPIRING_DAYS),  # the last day that counts as expiring
        day + timedelta(days=EXPIRING_DAYS + 1),
        day,  # expires today: still valid
        day - timedelta(days=1),  # expired yesterday
        None,  # never expires
    ]
    for number, enrolment in enumerate(completed):
        certificate = issue_for(enrolment)
        if number < len(expiries):
            certificate.expires_on = expiries[number]
        elif number % 9 == 0:
            certificate.revoked_at = utcnow()
            certificate.revoked_reason = "issued_in_error"
        elif number % 7 == 0:
            renewal = issue_for(enrolment, round_=2, completed_at=enrolment.completed_at)
            renewal.expires_on = day + timedelta(days=rng.randint(1, 50))
            certificate.superseded_by_id = renewal.id
            certificate.superseded_at = utcnow()
    db.session.flush()


# The figures, by hand ------------------------------------------------------------------------


@dataclass
class Expected:
    members: int = 0
    courses: dict = field(default_factory=dict)  # English title -> figures
    organisations: dict = field(default_factory=dict)  # name -> (enrolled, completed)
    professions: dict = field(default_factory=dict)  # code -> (enrolled, completed)
    counties: dict = field(default_factory=dict)
    months: list = field(default_factory=list)  # [(YYYY-MM, completed)]
    people: list = field(default_factory=list)  # one dict per enrolment


def _below(parents: dict[int, int | None], root: int) -> set[int]:
    found = {root}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return found


def expected(app, *, root: int, filters: dict, today: date) -> Expected:
    """Every figure of the dashboard of ``root`` under ``filters`` (the query string's
    names: organisation, course, profession, county, since, until), from the raw rows."""
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    organisations = {o.id: o for o in db.session.scalars(select(Organisation))}
    parents = {o.id: o.parent_id for o in organisations.values()}
    counted_root = int(filters.get("organisation", root))
    tree = _below(parents, counted_root)
    users = {
        u.id: u
        for u in db.session.scalars(select(User))
        if u.organisation_id in tree
        and u.organisation_confirmed_at is not None
        and u.deactivated_at is None
        and u.erased_at is None
        and filters.get("profession") in (None, u.profession)
        and filters.get("county") in (None, u.county)
    }
    since = date.fromisoformat(filters["since"]) if "since" in filters else None
    until = date.fromisoformat(filters["until"]) if "until" in filters else None
    enrolments = [
        e
        for e in db.session.scalars(select(Enrolment))
        if e.user_id in users
        and ("course" not in filters or e.course_id == int(filters["course"]))
        and (since is None or e.enrolled_at.astimezone(zone).date() >= since)
        and (until is None or e.enrolled_at.astimezone(zone).date() <= until)
    ]
    ids = {e.id for e in enrolments}
    lessons_done = defaultdict(int)
    for row in db.session.scalars(select(LessonCompletion)):
        lessons_done[row.enrolment_id] += 1
    seconds = defaultdict(int)
    for row in db.session.scalars(select(LessonTime)):
        seconds[row.enrolment_id] += row.seconds
    attempts = defaultdict(list)
    for row in db.session.scalars(select(QuizAttempt)):
        attempts[row.enrolment_id].append(row.score)
    certificates = defaultdict(list)
    for row in db.session.scalars(select(Certificate).order_by(Certificate.id)):
        if row.enrolment_id in ids:
            certificates[row.enrolment_id].append(row)
    titles = {}
    required = defaultdict(int)
    for version in db.session.scalars(select(CourseVersion).order_by(CourseVersion.id)):
        titles[version.course_id] = version.title  # the newest version's, as the page
    for lesson in db.session.scalars(select(Lesson)):
        required[lesson.version_id] += bool(lesson.required)

    def started(e) -> bool:
        return lessons_done[e.id] > 0 or seconds[e.id] > 0 or len(attempts[e.id]) > 0

    def status(e) -> str:
        if e.completed_at is not None:
            return "completed"
        return "in_progress" if started(e) else "not_started"

    def valid(c) -> bool:
        return (
            c.revoked_at is None
            and c.superseded_by_id is None
            and (c.expires_on is None or c.expires_on >= today)
        )

    result = Expected(members=len(users))
    course = int(filters["course"]) if "course" in filters else None
    due = expected_assignments(
        app, users=users, course=course, since=since, until=until, today=today
    )
    due_by_course = tally(due, lambda _user, course_id: course_id)
    by_course = defaultdict(list)
    for e in enrolments:
        by_course[e.course_id].append(e)
    for course_id in due_by_course:
        by_course.setdefault(course_id, [])
    for course_id, rows in by_course.items():
        done = [e for e in rows if e.completed_at is not None]
        days = [(e.completed_at - e.enrolled_at).total_seconds() / 86400 for e in done]
        minutes = [seconds[e.id] / 60 for e in rows if seconds[e.id] > 0]
        best = [
            max(s for s in attempts[e.id] if s is not None)
            for e in rows
            if any(s is not None for s in attempts[e.id])
        ]
        good = [c for e in rows for c in certificates[e.id] if valid(c)]
        result.courses[titles[course_id]["en"]] = {
            "enrolled": len(rows),
            "not_started": sum(status(e) == "not_started" for e in rows),
            "in_progress": sum(status(e) == "in_progress" for e in rows),
            "completed": len(done),
            "completion_rate": len(done) / len(rows) if rows else None,
            "valid_certificates": len(good),
            "expiring_certificates": sum(
                c.expires_on is not None and c.expires_on <= today + timedelta(days=EXPIRING_DAYS)
                for c in good
            ),
            "median_days_to_complete": round(statistics.median(days), 1) if days else None,
            "median_minutes_spent": round(statistics.median(minutes)) if minutes else None,
            "average_best_score": round(sum(best) / len(best), 1) if best else None,
            **dict(zip(ASSIGNMENT_COLUMNS, due_by_course.get(course_id, [0] * 5), strict=True)),
        }

    def tally_both(key) -> dict:
        """{key(user id): (enrolled, completed, assigned, on time, late, overdue, soon)}."""
        counts = defaultdict(lambda: [0] * 7)
        for e in enrolments:
            counts[key(e.user_id)][0] += 1
            counts[key(e.user_id)][1] += e.completed_at is not None
        for found, figures in tally(due, lambda user_id, _course: key(user_id)).items():
            counts[found][2:] = figures
        return {k: tuple(v) for k, v in counts.items()}

    branch = {counted_root: counted_root}
    for child in (o for o, p in parents.items() if p == counted_root):
        for below in _below(parents, child):
            branch[below] = child
    by_branch = tally_both(lambda user_id: branch[users[user_id].organisation_id])
    result.organisations = {
        organisations[o].name: by_branch.get(o, (0,) * 7)
        for o in [counted_root, *(o for o, p in parents.items() if p == counted_root)]
    }
    if len(result.organisations) < 2:
        result.organisations = {}
    result.professions = tally_both(lambda user_id: users[user_id].profession)
    result.counties = tally_both(lambda user_id: users[user_id].county)
    months = defaultdict(int)
    for e in enrolments:
        if e.completed_at is not None:
            months[e.completed_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m")] += 1
    result.months = sorted(months.items())[-12:]
    for e in enrolments:
        current = [c for c in certificates[e.id] if c.superseded_by_id is None]
        certificate = current[-1] if current else None
        row, state = due.get((e.user_id, e.course_id), (None, None))
        result.people.append(
            {
                "due_on": row.due_on if row else None,
                "assignment_status": state,
                "name": users[e.user_id].full_name,
                "course": titles[e.course_id]["en"],
                "status": status(e),
                "enrolled_on": e.enrolled_at.astimezone(zone).date(),
                "lessons_completed": lessons_done[e.id],
                "required_lessons": required[e.version_id],
                "completed_on": e.completed_at.astimezone(zone).date() if e.completed_at else None,
                "best_score": max((s for s in attempts[e.id] if s is not None), default=None),
                "minutes_spent": round(seconds[e.id] / 60),
                "certificate_code": certificate.code if certificate else None,
                "certificate_status": _certificate_status(certificate, today),
            }
        )
    ever_enrolled = set(db.session.execute(select(Enrolment.user_id, Enrolment.course_id)).all())
    for (user_id, course_id), (row, state) in due.items():
        if (user_id, course_id) not in ever_enrolled:
            result.people.append(
                {
                    "name": users[user_id].full_name,
                    "course": titles[course_id]["en"],
                    "status": "not_enrolled",
                    "enrolled_on": None,
                    "lessons_completed": 0,
                    "required_lessons": 0,
                    "completed_on": None,
                    "best_score": None,
                    "minutes_spent": 0,
                    "certificate_code": None,
                    "certificate_status": None,
                    "due_on": row.due_on,
                    "assignment_status": state,
                }
            )
    return result


def _certificate_status(certificate, today: date) -> str | None:
    if certificate is None:
        return None
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.superseded_by_id is not None:
        return "superseded"
    if certificate.expires_on is not None and certificate.expires_on < today:
        return "expired"
    return "valid"
