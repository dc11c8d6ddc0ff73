"""`python -m bench.reach`: the reach figures over 1,000,000 delivered sessions and 10,000
events (issue 16: "under 300 ms p95 on PostgreSQL").

1. A fresh PostgreSQL database, migrated, with the organisation tree of bench/reporting.py
   (a national root, 10 counties, 50 towns, 240 schools).
2. ``--sessions`` delivered sessions spread over the schools, 8 professions, 10 counties, the
   4 audiences (age bands for pupils), 7 settings and three years; one in a hundred replaced
   by a correction; one in ten with materials. ``--events`` events with 20 registrations each
   (about 70% marked present), some walk-ins, materials; one in thirty cancelled. Each table
   is filled by one ``INSERT ... SELECT`` over ``generate_series``: seconds, not minutes.
3. In this process, with the production settings: the coordinator's view, the cascade, a
   county's view and the root's donor report, each asked ``--repeat`` times (p50 and p95);
   then the aggregate functions alone.

Prints the figures as JSON and writes them to ``--output``; docs/performance.md records a run.
The test suite runs the same generator and measurement on a tiny dataset (on SQLite the
series is a recursive CTE) so that this code does not rot.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from bench.timing import timed

ROOT = Path(__file__).resolve().parent.parent
PROFESSIONS = [
    "teacher",
    "school_counsellor",
    "police_officer",
    "clergy",
    "social_worker",
    "ngo_staff",
    "psychologist",
    "other",
]
COUNTIES = ["BH", "CJ", "SM", "AR", "TM", "MM", "SJ", "AB", "HD", "B"]
AUDIENCES = ["pupils", "parents", "colleagues", "community"]
AGE_BANDS = ["6-10", "11-12", "13-15", "16-19"]
SETTINGS = ["school", "parish", "police_unit", "community_centre", "social_services", "online"]
REGISTRATIONS_PER_EVENT = 20
PERIOD = (date(2024, 1, 1), date(2026, 12, 31))  # the pages' period: all three years


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reach", description=__doc__)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/elearn_bench_reach"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8770)  # for the settings only
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "reach.json")
    return parser.parse_args(argv)


def _pick(values: list[str], expression: str) -> str:
    """SQL choosing ``values[expression % len(values)]``: a CASE, on both databases."""
    whens = " ".join(f"WHEN {i} THEN '{value}'" for i, value in enumerate(values))
    return f"(CASE ({expression}) % {len(values)} {whens} END)"


def _series(db, count: int) -> str:
    """A FROM clause giving the integers 1..count as ``s.i``."""
    if db.engine.dialect.name == "postgresql":
        return f"generate_series(1, {int(count)}) AS s(i)"
    return (
        f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(count)})"  # noqa: S608 - our constants and integers
        " SELECT i FROM n) AS s"
    )


def _day_plus(db, expression: str) -> str:
    if db.engine.dialect.name == "postgresql":
        return f"(DATE '2024-01-01' + ({expression}))"
    return f"date('2024-01-01', '+' || ({expression}) || ' days')"


def _moment_plus(db, hours: str) -> str:
    if db.engine.dialect.name == "postgresql":
        return f"(TIMESTAMPTZ '2024-01-01 07:00:00+00' + ({hours}) * INTERVAL '1 hour')"
    return f"datetime('2024-01-01 07:00:00', '+' || ({hours}) || ' hours')"


def generate(db, schools: list[int], *, sessions: int, events: int) -> dict:
    """Fill the reach tables; returns what was made. ``schools``: organisation ids."""
    from elearn.resources.models import Resource

    resources = []
    for n in range(5):
        row = Resource(
            key=f"bench-{n}",
            kind="poster",
            audience="pupils",
            title={"ro": f"Afiș {n}"},
            description={"ro": ""},
            licence="CC-BY-4.0",
        )
        db.session.add(row)
        db.session.flush()
        resources.append(row.id)
    school = _pick([str(s) for s in schools], "s.i * 7")
    audience = _pick(AUDIENCES, "s.i / 3")
    db.session.execute(
        text(
            "INSERT INTO delivered_sessions (organisation_id, profession, delivered_on, county,"  # noqa: S608 - our constants and integers
            " locality, setting, audience, age_band, declared_count, confirmed_count,"
            " created_at, updated_at)"
            f" SELECT CAST({school} AS INTEGER), {_pick(PROFESSIONS, 's.i')},"
            f" {_day_plus(db, 's.i % 1095')}, {_pick(COUNTIES, 's.i / 11')}, 'Oradea',"
            f" {_pick(SETTINGS, 's.i / 5')}, {audience},"
            f" CASE WHEN {audience} = 'pupils' THEN {_pick(AGE_BANDS, 's.i / 13')} END,"
            " 5 + s.i % 36, (s.i % 5) * 3,"
            f" {_moment_plus(db, 's.i % 26280')}, {_moment_plus(db, 's.i % 26280')}"
            f" FROM {_series(db, sessions)}"
        )
    )
    # One in a hundred corrected: the record points at the next one, which counts instead.
    db.session.execute(
        text(
            "UPDATE delivered_sessions SET replaced_by_id = id + 1"
            " WHERE id % 100 = 0 AND id < (SELECT MAX(id) FROM delivered_sessions)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO session_materials (session_id, resource_id, quantity)"  # noqa: S608 - our constants and integers
            f" SELECT id, CAST({_pick([str(r) for r in resources], 'id')} AS INTEGER), 10 + id % 40"
            " FROM delivered_sessions WHERE id % 10 = 0"
        )
    )
    # As the writers keep it (elearn/resources/handed_out.py): the copies on the row too.
    db.session.execute(
        text("UPDATE delivered_sessions SET materials_count = 10 + id % 40 WHERE id % 10 = 0")
    )
    kind = _pick(["workshop", "seminar", "round_table", "training", "information_session"], "s.i")
    db.session.execute(
        text(
            "INSERT INTO events (kind, title, description, description_html, starts_at, ends_at,"  # noqa: S608 - our constants and integers
            " county, locality, audience, professions, languages, capacity, organisation_id,"
            " created_at, updated_at, published_at, cancelled_at, checkin_code,"
            " unregistered_attendees)"
            f" SELECT {kind}, 'Eveniment', '', '', {_moment_plus(db, 's.i * 2')},"
            f" {_moment_plus(db, 's.i * 2 + 2')}, {_pick(COUNTIES, 's.i / 3')}, 'Oradea',"
            f" {_pick([*AUDIENCES, 'specialists'], 's.i / 7')}, '[]', '[\"ro\"]', 40,"
            f" CAST({school} AS INTEGER), {_moment_plus(db, '0')}, {_moment_plus(db, '0')},"
            f" {_moment_plus(db, '0')},"
            f" CASE WHEN s.i % 30 = 0 THEN {_moment_plus(db, 's.i * 2 - 24')} END,"
            " 'bench' || s.i, s.i % 4"
            f" FROM {_series(db, events)}"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO event_registrations (event_id, status, registered_at, profession,"  # noqa: S608 - our constants and integers
            " county, walk_in, attended_at)"
            f" SELECT e.id, 'registered', e.created_at, {_pick(PROFESSIONS, 'e.id + s.i')},"
            f" e.county, {'false' if db.engine.dialect.name == 'postgresql' else '0'},"
            " CASE WHEN (e.id + s.i) % 10 < 7 THEN e.starts_at END"
            f" FROM events e CROSS JOIN {_series(db, REGISTRATIONS_PER_EVENT)}"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO event_materials (event_id, resource_id, quantity)"  # noqa: S608 - our constants and integers
            f" SELECT id, CAST({_pick([str(r) for r in resources], 'id')} AS INTEGER), 25"
            " FROM events WHERE id % 3 = 0"
        )
    )
    db.session.execute(text("UPDATE events SET materials_count = 25 WHERE id % 3 = 0"))
    # The ledger was loaded by hand, not by its writers: its monthly summary is made from it,
    # as `elearn reach recount` does.
    from elearn.reach.tally import recount

    recount()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would soon after a bulk load: the planner needs the statistics.
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return {"sessions": sessions, "events": events, "resources": len(resources)}


def page(client, url: str):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        response.close()

    return request


def measure(app, admin_client, manager_client, root: int, county: int, repeat: int) -> dict:
    """The pages counted afresh on every view, then with the figures kept as configured
    (``REPORTING_CACHE_SECONDS``); then the aggregate functions alone, in this process."""
    from elearn.extensions import cache, db
    from elearn.organisations.tree import subtree_ids
    from elearn.reporting import reach
    from elearn.reporting.reach_sql import ReachFilters

    period = f"?since={PERIOD[0].isoformat()}&until={PERIOD[1].isoformat()}"
    pages = {
        "coordinator's view": (admin_client, "/reporting/reach" + period),
        "cascade": (admin_client, "/reporting/reach/cascade" + period),
        "county's view": (manager_client, f"/organisations/{county}/reach" + period),
        "donor report, national root": (
            admin_client,
            f"/organisations/{root}/donor-report" + period,
        ),
    }
    results: dict = {}
    configured = app.config["REPORTING_CACHE_SECONDS"]
    for mode, seconds in (("counted on every view", 0), ("figures kept", configured or 300)):
        app.config["REPORTING_CACHE_SECONDS"] = seconds
        with app.app_context():
            cache.clear()
        results[mode] = {
            name: timed(page(client, url), repeat) for name, (client, url) in pages.items()
        }
        print(mode, results[mode], flush=True)
    app.config["REPORTING_CACHE_SECONDS"] = configured
    now = datetime.now(UTC)
    with app.app_context():
        everyone = ReachFilters(start=PERIOD[0], end=PERIOD[1])
        ids = tuple(db.session.scalars(subtree_ids(county)))
        one_county = ReachFilters(organisation_ids=ids, start=PERIOD[0], end=PERIOD[1])
        results["reach(), everyone"] = timed(lambda: reach.reach(everyone, now), repeat)
        results["reach(), a county"] = timed(lambda: reach.reach(one_county, now), repeat)
        figures = reach.reach(everyone, now)
        results["counted"] = {
            "sessions": figures.sessions.sessions,
            "declared": figures.sessions.declared,
            "events": figures.events.events,
            "attendance": figures.events.attendance,
        }
        db.session.remove()
    return results


def main(argv=None) -> int:
    import random

    from bench.__main__ import environment, environment_of, recreate_database, write_report
    from bench.reporting import build_tree, generated, privileged

    args = parse_args(argv)
    env = environment(args)
    if not args.reuse:
        recreate_database(args.database_url)
    with environment_of(env):
        from flask_migrate import upgrade

        from bench.sessions import session_cookies
        from elearn import create_app
        from elearn.extensions import db
        from elearn.organisations.models import Organisation

        app = create_app("production")
        report: dict = {"settings": {"sessions": args.sessions, "events": args.events}}
        with app.app_context():
            upgrade()
            if args.reuse:
                root, counties, manager, admin = generated(db)
            else:
                started = time.perf_counter()
                root, counties, _schools = build_tree(db, random.Random(2026))
                schools = list(
                    db.session.scalars(
                        db.select(Organisation.id).where(Organisation.name.like("Școala %"))
                    )
                )
                report["data"] = generate(db, schools, sessions=args.sessions, events=args.events)
                report["seconds_to_generate"] = round(time.perf_counter() - started, 1)
                manager = privileged(db, counties[0], "manager")
                admin = privileged(db, root, "administrator")
            cookies = session_cookies(app, [manager, admin])
            db.session.remove()
        clients = {}
        for user_id in (manager, admin):
            client = app.test_client()
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[user_id][0])
            clients[user_id] = client
        report.update(
            measure(app, clients[admin], clients[manager], root, counties[0], args.repeat)
        )
    write_report(args.output, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
