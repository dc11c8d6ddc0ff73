"""`python -m bench.kill`: learners keep answering and submitting while a worker dies.

A class of learners (200 by default) signs in for real and, for a minute, takes the quiz again
and again through real HTTP: every question page, a random answer, the review, the submission,
the result. A third of the way in, one gunicorn worker is killed with SIGKILL, as the kernel's
out-of-memory killer or a crash would; gunicorn starts another. Afterwards the database is
checked:

- every answer the platform acknowledged (sent the learner on to the next page) is stored;
- every submitted attempt's grade is the grade of its stored answers, and no answer was
  saved after its attempt was graded;
- no course has two certificates for one person and round;
- no request failed or answered 5xx, except those in flight when the worker was killed.

The report is printed and written as JSON; the exit status is 1 when anything was lost.
docs/performance.md records a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.burst import Learner, _token, answer_form, read_form

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.kill", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds to start everyone")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/elearn_bench_kill",
        help="the database is dropped and created again",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "kill.json")
    return parser.parse_args(argv)


@dataclass
class Outcome:
    """One request as the learner saw it: when, and what came back (0: no answer at all)."""

    started: float
    ended: float
    status: int
    step: str


@dataclass
class Ack:
    attempt_id: int
    number: int


@dataclass
class Stubborn(Learner):
    """A learner who goes on after a failed request, and remembers what was acknowledged."""

    outcomes: list[Outcome] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    attempts: set = field(default_factory=set)
    passed: bool = False
    crash: str | None = None
    rng: random.Random = field(default_factory=random.Random)

    def call(self, step: str, method: str, path: str, form=None):
        started = time.monotonic()
        try:
            status, location, page = self.request(step, method, path, form)
        except OSError:
            self.outcomes.append(Outcome(started, time.monotonic(), 0, step))
            return None
        self.outcomes.append(Outcome(started, time.monotonic(), status, step))
        return status, location, page

    def work(self, slug: str, quiz: str, until: float) -> None:
        try:
            self._work(slug, quiz, until)
        except Exception as error:  # reported: a learner that stops for a bug is a failure
            self.crash = f"{self.email}: {error!r}"

    def _work(self, slug: str, quiz: str, until: float) -> None:
        while not self._sign_in() and time.monotonic() < until:
            time.sleep(0.2)
        while time.monotonic() < until and not self.passed:
            self._one_attempt(slug, quiz, until)

    def _sign_in(self) -> bool:
        got = self.call("sign-in page", "GET", "/sign-in")
        if not got or got[0] != 200:
            return False
        form = {"csrf_token": _token(got[2]), "email": self.email, "password": self.password}
        got = self.call("sign in", "POST", "/sign-in", form)
        return bool(got) and got[0] == 302

    def _one_attempt(self, slug: str, quiz: str, until: float) -> None:
        overview = f"/courses/{slug}/quizzes/{quiz}/"
        got = self.call("quiz overview", "GET", overview)
        if not got or got[0] != 200:
            return
        if not any(f.get("name") == "csrf_token" for f in read_form(got[2]).inputs):
            self.passed = True  # passed: the overview offers no new attempt
            return
        got = self.call("start attempt", "POST", overview + "start", {"csrf_token": _token(got[2])})
        if not got or got[0] != 302:
            return
        location = got[1]
        if "/attempts/" not in location:
            self.passed = True  # "you have passed this quiz already"
            return
        attempt_id = int(location.split("/attempts/")[1].split("/")[0])
        self.attempts.add(attempt_id)
        while not location.endswith(("/review", "/result")) and time.monotonic() < until:
            got = self.call("question page", "GET", location)
            if not got or got[0] != 200:
                continue  # the worker died: ask again
            number = int(location.rsplit("/", 1)[1])
            got = self.call("save answer", "POST", location, self._answer(got[2]))
            if not got or got[0] != 302:
                continue
            # "Save and go on" points at the next question's heading (#question-heading).
            following = got[1].split("#", 1)[0]
            if not following.endswith((f"/{number}", "/result")):
                self.acks.append(Ack(attempt_id, number))
            location = following
        if not location.endswith("/review"):
            return
        submit = location[: -len("review")] + "submit"
        for _ in range(5):
            got = self.call("review", "GET", location)
            if not got or got[0] != 200:
                continue
            got = self.call("submit", "POST", submit, {"csrf_token": _token(got[2])})
            if got and got[0] == 302:
                self.call("result", "GET", got[1])
                return

    def _answer(self, page: str) -> dict[str, list[str]]:
        """A random answer, as a learner guessing would give."""
        return answer_form(read_form(page), self.rng.choice)


def _workers(master: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def _prepare(args, env):
    from bench.__main__ import environment_of

    with environment_of(env):
        from flask_migrate import upgrade
        from sqlalchemy import update

        from bench.data import generate
        from elearn import create_app
        from elearn.courses.models import Quiz
        from elearn.extensions import db

        app = create_app("production")
        with app.app_context():
            upgrade()
            generated = generate(
                learners=args.learners + 2,
                courses=1,
                readers=1,
                submitters=1,
                classroom=args.learners,
            )
            # Unlimited attempts, no waiting and four questions each, so that every learner
            # submits again and again during the run (the shipped quiz allows three attempts
            # of twelve questions, ten minutes apart); a pass mark that random answers reach
            # now and then, so that courses are completed and certificates issued under load.
            quiz = db.session.scalar(db.select(Quiz).where(Quiz.key == generated.quiz_key))
            settings = {
                **quiz.settings,
                **{
                    "attempts": 0,
                    "wait_minutes": 0,
                    "time_limit": None,
                    "draw": 4,
                    "pass_mark": 60,
                },
            }
            db.session.execute(
                update(Quiz).where(Quiz.key == generated.quiz_key).values(settings=settings)
            )
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    return generated


def check(env, learners: list[Stubborn]) -> dict:
    """What the database holds, against what the learners were told."""
    from bench.__main__ import environment_of

    with environment_of(env):
        from sqlalchemy import func, select

        from elearn import create_app
        from elearn.certificates.models import Certificate
        from elearn.extensions import db
        from elearn.learning.models import Enrolment
        from elearn.quizzes import services
        from elearn.quizzes.answers import questions_of
        from elearn.quizzes.grading import grade
        from elearn.quizzes.models import QuizAnswer, QuizAttempt

        app = create_app("production")
        with app.app_context():
            ids = sorted({a for learner in learners for a in learner.attempts})
            attempts = {
                a.id: a
                for a in db.session.scalars(select(QuizAttempt).where(QuizAttempt.id.in_(ids)))
            }
            rows = db.session.execute(
                select(
                    QuizAnswer.attempt_id,
                    QuizAnswer.question_key,
                    QuizAnswer.value,
                    QuizAnswer.saved_at,
                ).where(QuizAnswer.attempt_id.in_(ids))
            ).all()
            answers: dict[int, dict] = {}
            late = []
            for attempt_id, key, value, saved_at in rows:
                answers.setdefault(attempt_id, {})[key] = value
                submitted = attempts[attempt_id].submitted_at
                if submitted is not None and saved_at > submitted:
                    late.append((attempt_id, key))
            lost = []
            acknowledged = 0
            for learner in learners:
                for ack in learner.acks:
                    acknowledged += 1
                    key = attempts[ack.attempt_id].draw[ack.number - 1]["key"]
                    if key not in answers.get(ack.attempt_id, {}):
                        lost.append((ack.attempt_id, key))
            inconsistent = []
            graded = 0
            quizzes = {}
            for attempt in attempts.values():
                if attempt.submitted_at is None:
                    continue
                graded += 1
                enrolment = db.session.get(Enrolment, attempt.enrolment_id)
                quiz = quizzes.setdefault(
                    attempt.version_id, services.quiz_by_key(enrolment, attempt.quiz_key)
                )
                saved = answers.get(attempt.id, {})
                for question, _entry in questions_of(attempt, quiz):
                    score = grade(question, saved.get(question["id"]), attempt.language).score
                    if (attempt.results or {}).get(question["id"], {}).get("score") != score:
                        inconsistent.append((attempt.id, question["id"]))
            duplicates = db.session.execute(
                select(Certificate.user_id, Certificate.course_id, func.count())
                .group_by(Certificate.user_id, Certificate.course_id)
                .having(func.count() > 1)
            ).all()
            certificates = db.session.scalar(select(func.count()).select_from(Certificate))
            db.session.remove()
            db.engine.dispose()
    return {
        "attempts": len(attempts),
        "graded": graded,
        "acknowledged_answers": acknowledged,
        "lost_answers": len(lost),
        "answers_after_grading": len(late),
        "grades_not_matching_answers": len(inconsistent),
        "certificates": certificates,
        "duplicate_certificates": len(duplicates),
        "examples": {"lost": lost[:5], "late": late[:5], "inconsistent": inconsistent[:5]},
    }


def main(argv=None) -> int:
    from bench.__main__ import environment, recreate_database, start_server, stop_server
    from bench.data import PASSWORD

    args = parse_args(argv)
    env = environment(args)
    recreate_database(args.database_url)
    import redis

    with redis.Redis.from_url(args.redis_url) as client:
        client.flushdb()
    generated = _prepare(args, env)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    log = args.output.with_suffix(".gunicorn.log")
    server = start_server(args, env, log)
    rng = random.Random(2026)
    learners = [
        Stubborn(
            "127.0.0.1",
            args.port,
            f"203.0.113.{index % 200 + 1}",
            email,
            PASSWORD,
            rng=random.Random(rng.random()),
        )
        for index, email in enumerate(generated.classroom)
    ]
    begin = time.monotonic()
    until = begin + args.duration
    killed: dict = {}

    def run(index: int, learner: Stubborn) -> None:
        time.sleep(args.spread * index / len(learners))
        learner.work(generated.target_slug, generated.quiz_key, until)

    def kill() -> None:
        time.sleep(args.duration / 3)
        victim = _workers(server.pid)[0]
        killed["at"] = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        killed["pid"] = victim

    threads = [threading.Thread(target=run, args=(i, lr)) for i, lr in enumerate(learners)]
    threads.append(threading.Thread(target=kill))
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        workers_after = len(_workers(server.pid))
    finally:
        stop_server(server)
    outcomes = [o for learner in learners for o in learner.outcomes]
    at = killed.get("at", 0.0)
    failed = [o for o in outcomes if o.status == 0 or o.status >= 500]
    in_flight = [o for o in failed if o.started <= at <= o.ended + 0.5]
    report = {
        "settings": {
            "learners": args.learners,
            "duration_s": args.duration,
            "workers": args.workers,
        },
        "requests": len(outcomes),
        "requests_per_second": round(len(outcomes) / (time.monotonic() - begin), 1),
        "killed_worker": killed.get("pid"),
        "killed_at_s": round(at - begin, 1) if at else None,
        "workers_after": workers_after,
        "failed_requests": len(failed),
        "failed_in_flight_on_the_killed_worker": len(in_flight),
        "failed_otherwise": len(failed) - len(in_flight),
        "learners_who_passed": sum(learner.passed for learner in learners),
        "learners_stopped_by_an_error": [lr.crash for lr in learners if lr.crash][:5],
    }
    report.update(check(env, learners))
    problems = []
    if not killed:
        problems.append("no worker was killed")
    if workers_after != args.workers:
        problems.append(f"{workers_after} workers after the run, not {args.workers}")
    for key in (
        "lost_answers",
        "answers_after_grading",
        "grades_not_matching_answers",
        "duplicate_certificates",
        "failed_otherwise",
    ):
        if report[key]:
            problems.append(f"{key}: {report[key]}")
    if report["learners_stopped_by_an_error"]:
        problems.append(f"learners stopped by an error: {report['learners_stopped_by_an_error']}")
    if not report["graded"] or not report["acknowledged_answers"]:
        problems.append("nothing was answered or graded")
    report["problems"] = problems
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
