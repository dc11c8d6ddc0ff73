"""`python -m bench.reporting`: the reporting dashboard and its export at a county's scale.

1. A fresh PostgreSQL database with the benchmark's generated learning (bench/data.py):
   100,000 learners on 20 courses by default, with realistic progress.
2. 301 organisations in a tree: a national root, 10 county inspectorates, 5 towns in each and
   about 5 schools in each town (240); every learner is moved to one of the schools.
3. In this process, with the production settings: a county manager's and an administrator's
   dashboard (the national root), each asked ``--repeat`` times; then the administrator's
   export of every enrolment as XLSX, timed, with the process's peak memory before and after.

Prints the figures as JSON and writes them to ``--output``. docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from bench import timing
from bench.__main__ import environment, environment_of, recreate_database, write_report

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reporting", description=__doc__)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/elearn_bench_reporting"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8769)  # for the settings only
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database an earlier run generated (same URL) instead of a fresh one",
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "reporting.json"
    )
    return parser.parse_args(argv)


def build_tree(db, rng) -> tuple[int, list[int], list[int]]:
    """The national root, 10 counties, 50 towns, 240 schools; learners spread over schools."""
    from sqlalchemy import insert, select, update

    from elearn.accounts.models import User
    from elearn.organisations.models import Organisation

    def add(name: str, parent: int | None, kind: str = "school", county: str = "BH") -> int:
        return db.session.execute(
            insert(Organisation)
            .values(name=name, kind=kind, county=county, parent_id=parent)
            .returning(Organisation.id)
        ).scalar_one()

    root = add("Rețeaua națională (bench)", None, "ngo")
    counties, schools = [], []
    for c in range(10):
        county = add(f"Inspectoratul {c + 1} (bench)", root, "school")
        counties.append(county)
        for t in range(5):
            town = add(f"Orașul {c + 1}.{t + 1} (bench)", county, "school")
            for s in range(4 + (1 if (c * 5 + t) < 40 else 0)):
                schools.append(add(f"Școala {c + 1}.{t + 1}.{s + 1} (bench)", town))
    user_ids = list(db.session.scalars(select(User.id)))
    for start in range(0, len(user_ids), 5000):
        chunk = user_ids[start : start + 5000]
        db.session.execute(
            update(User),
            [{"id": u, "organisation_id": rng.choice(schools)} for u in chunk],
        )
    db.session.commit()
    return root, counties, schools


def privileged(db, organisation_id: int, role) -> int:
    """A confirmed member with ``role`` and a second factor, as managers must have."""
    from elearn.accounts import services as accounts
    from elearn.database import utcnow
    from elearn.mfa import services as mfa

    user = accounts.register_user(
        email=f"{role}-{organisation_id}@bench.example.org",
        full_name="Bench Manager",
        password="bench manager password 2026",  # noqa: S106 - a throwaway database
        profession="other",
        county="BH",
        preferred_language="ro",
        organisation_id=organisation_id,
        roles=("learner", role),
        email_confirmed=True,
    )
    user.organisation_confirmed_at = utcnow()
    factor = mfa.start_setup(user)
    factor.confirmed_at = utcnow()
    db.session.commit()
    return user.id


def generated(db) -> tuple[int, list[int], int, int]:
    """The tree and the two privileged people of an earlier run (``--reuse``)."""
    from sqlalchemy import select

    from elearn.accounts.models import User
    from elearn.organisations.models import Organisation

    root = db.session.scalar(
        select(Organisation.id).where(Organisation.name == "Rețeaua națională (bench)")
    )
    counties = list(
        db.session.scalars(
            select(Organisation.id).where(Organisation.parent_id == root).order_by(Organisation.id)
        )
    )
    by_email = dict(
        db.session.execute(
            select(User.email, User.id).where(User.email.like("%@bench.example.org"))
        ).all()
    )
    manager = by_email[f"manager-{counties[0]}@bench.example.org"]
    admin = by_email[f"administrator-{root}@bench.example.org"]
    return root, counties, manager, admin


def timed(client, url: str, repeat: int) -> dict:
    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return timing.timed(get, repeat)


def main(argv=None) -> int:
    import random

    args = parse_args(argv)
    env = environment(args)
    if not args.reuse:
        recreate_database(args.database_url)
    with environment_of(env):
        from flask_migrate import upgrade
        from sqlalchemy import text

        from bench.data import generate
        from bench.sessions import session_cookies
        from elearn import create_app
        from elearn.extensions import db

        app = create_app("production")
        report: dict = {"settings": {"learners": args.learners, "courses": args.courses}}
        with app.app_context():
            upgrade()
            if args.reuse:
                root, counties, manager, admin = generated(db)
            else:
                started = time.perf_counter()
                generate(
                    learners=args.learners,
                    courses=args.courses,
                    readers=1,
                    submitters=1,
                    classroom=1,
                )
                root, counties, _schools = build_tree(db, random.Random(2026))
                # As autovacuum would soon after a bulk load: without statistics PostgreSQL
                # takes the subtree for one row and plans nested loops over every enrolment.
                with db.engine.connect() as connection:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
                report["seconds_to_generate"] = round(time.perf_counter() - started)
                manager = privileged(db, counties[0], "manager")
                admin = privileged(db, root, "administrator")
            cookies = session_cookies(app, [manager, admin])
            db.session.remove()
        for who, user_id, organisation in (
            ("county manager", manager, counties[0]),
            ("administrator, national root", admin, root),
        ):
            client = app.test_client()
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[user_id][0])
            url = f"/organisations/{organisation}/dashboard"
            # Counted afresh on every view, then as configured: kept for a few minutes.
            kept = app.config["REPORTING_CACHE_SECONDS"]
            app.config["REPORTING_CACHE_SECONDS"] = 0
            report[who] = {"counted on every view": timed(client, url, args.repeat)}
            app.config["REPORTING_CACHE_SECONDS"] = kept
            with app.app_context():
                from elearn.extensions import cache

                cache.clear()
            report[who]["figures kept"] = timed(client, url, args.repeat)
            print(who, report[who], flush=True)
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[admin][0])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with client.get(f"/organisations/{root}/dashboard/export?table=people&format=xlsx") as r:
            size = len(r.get_data())
        report["xlsx_export"] = {
            "seconds": round(time.perf_counter() - started, 1),
            "bytes": size,
            "peak_rss_mb_before": round(before / 1024),
            "peak_rss_mb_after": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        with app.app_context():
            from sqlalchemy import func, select

            from elearn.learning.models import Enrolment

            report["xlsx_export"]["rows"] = db.session.scalar(select(func.count(Enrolment.id)))
    write_report(args.output, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
