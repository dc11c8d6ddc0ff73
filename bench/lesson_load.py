"""`python -m bench.lesson_load`: what the learner's pages read from the database (issue 17,
"load only what the page shows").

1. A fresh database (PostgreSQL by default), migrated, with the shipped library under
   courses/ imported and published (seven courses, each in ro, en and hu).
2. A member of an organisation enrolled on four of them (one lesson completed on each) and a
   manager of that organisation.
3. In this process, with the production settings: the lesson page, the course page, My
   learning and the member's learning page (the manager's view), each asked ``--repeat``
   times after one warm-up: the statements each makes, the bytes of the rows they return
   (every statement run again through the driver, each value counted as the driver hands it
   over: text and bytes by length, JSON by its serialised length) and the time per request
   (p50 and p95); then the two loads those pages share, alone (``course_and_enrolment``,
   ``learning_overview``), timed the same way.

Prints the figures as JSON and writes them to ``--output``; docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from bench.timing import timed

ROOT = Path(__file__).resolve().parent.parent
ENROLLED = ["understanding-trafficking", "for-teachers", "for-police", "looking-after-yourself"]
# A lesson in the middle of the core course, so that it has a previous and a next one.
LESSON = ("understanding-trafficking", 3)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.lesson_load", description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/elearn_bench_lessons",
        help="a PostgreSQL database, dropped and created again; or sqlite:///<file>",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8771)  # for the settings only
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "lesson_load.json"
    )
    return parser.parse_args(argv)


def value_bytes(value) -> int:
    """The size of one value as the driver hands it over."""
    if value is None:
        return 0
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, dict | list):  # JSON the driver has decoded already
        return len(json.dumps(value, ensure_ascii=False).encode())
    return len(str(value))


def fetched(engine, work) -> tuple[int, int, dict[str, int]]:
    """(statements, bytes of the rows the SELECTs among them return, those bytes by the first
    table each SELECT reads) for ``work()``."""
    from sqlalchemy import event

    statements = []

    def listener(_connection, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    by_table: dict[str, int] = {}
    with engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            table = re.search(r"\bFROM\s+(\w+)", statement, re.IGNORECASE)
            name = table.group(1) if table else "?"
            for row in connection.exec_driver_sql(statement, parameters):
                size = sum(value_bytes(value) for value in row)
                by_table[name] = by_table.get(name, 0) + size
        connection.rollback()
    return len(statements), sum(by_table.values()), by_table


def loads(app, db, member_id: int, repeat: int) -> dict:
    """The two loads the pages share, alone (SQL, ORM and JSON decoding; no template): the
    course with the member's enrolment, version, lessons and quizzes (course page, lesson
    page), and every enrolment with its progress (My learning, the member's page). Each in a
    fresh session, as a request has."""
    from elearn.accounts.models import User
    from elearn.learning.services import course_and_enrolment, learning_overview

    def run(load):
        def work():
            with app.app_context():
                member = db.session.get(User, member_id)
                load(member)
                db.session.remove()

        return timed(work, repeat)

    return {
        "course_and_enrolment": run(lambda member: course_and_enrolment(member, LESSON[0])),
        "learning_overview": run(learning_overview),
    }


def prepare(db) -> dict:
    """Import the library, make the member and the manager; their ids and the pages."""
    from sqlalchemy import select

    from bench.reporting import privileged
    from elearn.accounts import services as accounts
    from elearn.courses.commands import import_paths
    from elearn.courses.models import Course
    from elearn.database import utcnow
    from elearn.learning.models import Enrolment, LessonCompletion
    from elearn.learning.summary import recount
    from elearn.organisations.models import Organisation

    assert import_paths([], publish=True, organisation_id=None, echo=lambda *_: None)
    organisation = Organisation(name="Bench school", kind="school", county="BH")
    db.session.add(organisation)
    db.session.flush()
    member = accounts.register_user(
        email="member@bench.example.org",
        full_name="Bench Member",
        password="bench member password 2026",  # noqa: S106 - a throwaway database
        profession="teacher",
        county="BH",
        preferred_language="ro",
        organisation_id=organisation.id,
        roles=("learner",),
        email_confirmed=True,
    )
    member.organisation_confirmed_at = utcnow()
    db.session.flush()
    lesson_key = None
    for slug in ENROLLED:
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        version = course.versions[-1]
        enrolment = Enrolment(
            user_id=member.id, course_id=course.id, version_id=version.id, enrolled_at=utcnow()
        )
        db.session.add(enrolment)
        db.session.flush()
        first = version.lessons[0]
        db.session.add(
            LessonCompletion(
                enrolment_id=enrolment.id,
                lesson_key=first.key,
                content_hash=first.content_hash,
                completed_at=utcnow(),
            )
        )
        if slug == LESSON[0]:
            lesson_key = version.lessons[LESSON[1]].key
    db.session.flush()
    recount()
    db.session.commit()
    manager = privileged(db, organisation.id, "manager")
    return {
        "member": member.id,
        "manager": manager,
        "pages": {
            "lesson page": f"/courses/{LESSON[0]}/lessons/{lesson_key}",
            "course page": f"/courses/{LESSON[0]}",
            "My learning": "/my-learning",
            "member's learning page": (
                f"/organisations/{organisation.id}/people/{member.id}/learning"
            ),
        },
    }


def main(argv=None) -> int:
    from bench.__main__ import environment, environment_of, recreate_database, write_report

    args = parse_args(argv)
    env = environment(args)
    if args.database_url.startswith("postgresql"):
        recreate_database(args.database_url)
    with environment_of(env):
        from flask_migrate import upgrade

        from bench.sessions import session_cookies
        from elearn import create_app
        from elearn.extensions import db

        app = create_app("production")
        with app.app_context():
            upgrade()
            prepared = prepare(db)
            cookies = session_cookies(app, [prepared["member"], prepared["manager"]])
            engine = db.engine
            db.session.remove()
        report: dict = {"database": engine.dialect.name, "repeat": args.repeat, "pages": {}}
        for page, url in prepared["pages"].items():
            who = prepared["manager"] if page.startswith("member's") else prepared["member"]
            client = app.test_client()
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[who][0])

            def get(client=client, url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            statements, size, by_table = fetched(engine, get)
            report["pages"][page] = {
                "url": url,
                "statements": statements,
                "bytes_fetched": size,
                **timed(get, args.repeat),
                "bytes_by_table": dict(sorted(by_table.items(), key=lambda item: -item[1])),
            }
            print(page, report["pages"][page], flush=True)
        report["loads"] = loads(app, db, prepared["member"], args.repeat)
        print("loads", report["loads"], flush=True)
    write_report(args.output, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
