"""`python -m bench.certificates`: the plans of an organisation's certificates list.

1. A fresh PostgreSQL database with the benchmark's generated learning (bench/data.py: by
   default 10,000 learners in 60 organisations on 20 courses) and a certificate for every
   enrolment (about 28,000; issue 17 measured 32,000).
2. Signed in as a manager of one organisation: the list's statements, as the page runs them
   (first page, no filter; then filtered by a course and a period), each with
   ``EXPLAIN (ANALYZE, BUFFERS)`` and the page's time, median of ``--repeat``.

Prints the plans and the figures; docs/performance.md ("Certificate PDFs (issue 17)") records a
run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.__main__ import environment, environment_of, recreate_database


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.certificates", description=__doc__)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/elearn_bench_certificates",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8770)  # for the settings only
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database of an earlier run"
    )
    return parser.parse_args(argv)


# One certificate per enrolment, its snapshot taken from the course version and the learner.
CERTIFICATES = """
INSERT INTO certificates (code, user_id, enrolment_id, round, course_id, version_id,
    holder_name, course_title, languages, version_label, hours, states_hours, completed_on,
    issued_at, expires_on, issuer_name, colour, design, status_index, holder_salt)
SELECT substr(md5(e.id::text), 1, 17), e.user_id, e.id, 1, e.course_id, e.version_id,
    u.full_name, json_build_object('ro', 'Curs ' || e.course_id, 'en', 'Course ' || e.course_id),
    '["ro", "en"]'::json, '1.0.0', 1.5, true,
    DATE '2024-01-01' + (e.id % 700), now(), DATE '2026-01-01' + (e.id % 700),
    'elearn', '#1d4e89', 'standard', e.id, md5(e.user_id::text)
FROM enrolments e JOIN users u ON u.id = e.user_id
"""


def explain(db, statement: str, parameters) -> str:
    """The plan of a statement the page ran, with its parameters, as it ran."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        connection.close()


def main(argv=None) -> int:
    args = parse_args(argv)
    env = environment(args)
    if not args.reuse:
        recreate_database(args.database_url)
    with environment_of(env):
        from flask_migrate import upgrade
        from sqlalchemy import event, func, select, text

        from bench.data import generate
        from bench.reporting import privileged
        from bench.sessions import session_cookies
        from elearn import create_app
        from elearn.accounts.models import User
        from elearn.certificates.models import Certificate
        from elearn.extensions import db

        app = create_app("production")
        with app.app_context():
            upgrade()
            if not args.reuse:
                generate(
                    learners=args.learners,
                    courses=args.courses,
                    readers=1,
                    submitters=1,
                    classroom=1,
                )
                db.session.execute(text(CERTIFICATES))
                db.session.commit()
                with db.engine.connect() as connection:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
            organisation = db.session.scalar(text("SELECT min(id) FROM organisations"))
            course = db.session.scalar(select(func.min(Certificate.course_id)))
            total = db.session.scalar(select(func.count()).select_from(Certificate))
            manager = db.session.scalar(
                select(User.id).where(User.email == f"manager-{organisation}@bench.example.org")
            ) or privileged(db, organisation, "manager")
            cookies = session_cookies(app, [manager])
            engine = db.engine
            db.session.remove()
        print(f"{total} certificates; organisation {organisation}")

        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[manager][0])
        base = f"/organisations/{organisation}/certificates"
        for url in (base, f"{base}?course={course}&since=2024-06-01&until=2025-06-01"):
            statements: list[str] = []

            def keep(_conn, _cursor, statement, params, _context, _many, kept=statements):
                kept.append((statement, params))

            event.listen(engine, "before_cursor_execute", keep)
            response = client.get(url)
            event.remove(engine, "before_cursor_execute", keep)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            p95 = sorted(times)[int(0.95 * len(times)) - 1]
            print(
                f"\n== {url}: {len(statements)} statements; "
                f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"
            )
            with app.app_context():
                for statement, parameters in statements:
                    if "FROM certificates" in statement or "JOIN certificates" in statement:
                        print(f"\n-- {statement}\n-- {parameters}")
                        print(explain(db, statement, parameters))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
