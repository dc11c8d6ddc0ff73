"""`python -m bench.scale`: the same pages as `bench/run`, at several sizes of the platform.

For each number of learners (default 1,000, 10,000 and 100,000) the database is made afresh
and filled as `bench/run` fills it (bench/data.py), gunicorn is started, and wrk measures the
signed-in `/ping`, the lesson page, the course page and quiz submission. The pages read the
same 200 learners at every size, so what changes is only how much else the platform holds.

Aim (issue 17): no page slows by more than 20% from the smallest size to the largest. The
query-count tests keep the number of statements flat; this measures the time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.__main__ import (
    ROOT,
    environment,
    prepare,
    recreate_database,
    scenarios,
    start_server,
    stop_server,
    write_report,
)

SLOWDOWN_AIM = 0.20
READERS = 200
SUBMITTERS = 2000  # open attempts to submit, at most (fewer on a small platform)
SUBMISSION_SECONDS = 5  # quiz submission's run, the same at every size: it uses its attempts up


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--learners", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/elearn_bench_scale"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = parser.parse_args(argv)
    if min(args.learners) < READERS + 501:
        parser.error(f"every size needs at least {READERS + 501} learners")
    return args


def measure(args, learners: int) -> list[dict]:
    from bench.cpu import cpu_seconds, per_request_ms
    from bench.wrk import run

    size = argparse.Namespace(
        **vars(args),
        readers=READERS,
        submitters=min(SUBMITTERS, learners - READERS - 1),
        classroom=1,
    )
    size.learners = learners
    env = environment(size)
    recreate_database(args.database_url)
    import redis

    with redis.Redis.from_url(args.redis_url) as client:
        client.flushdb()
    generated, cookies = prepare(size, env)
    print(f"{learners} learners:", json.dumps(generated.counts), flush=True)
    log = args.output.with_suffix(f".{learners}.gunicorn.log")
    log.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/results yet
    server = start_server(size, env, log)
    base_url = f"http://127.0.0.1:{args.port}"
    load = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    entries = []
    try:
        _bare, pages = scenarios(generated, cookies)
        run(pages[1], base_url, duration=3, connections=args.connections, threads=args.threads)
        for page in pages:
            used = cpu_seconds(server.pid)
            seconds = min(args.duration, SUBMISSION_SECONDS) if page.oneshot else args.duration
            measured = run(page, base_url, **(load | {"duration": seconds}))
            entry = {
                "learners": learners,
                "page": page.name,
                "per_second": round(measured.per_second, 1),
                "p50_ms": measured.p50_ms,
                "p99_ms": measured.p99_ms,
                "cpu_ms_per_request": per_request_ms(
                    used, cpu_seconds(server.pid), measured.requests
                ),
                "ok": measured.ok,
                "exhausted": measured.exhausted,  # ran out of open attempts to submit
            }
            print(json.dumps(entry), flush=True)
            entries.append(entry)
    finally:
        stop_server(server)
    return entries


def slowdowns(entries: list[dict], sizes: list[int]) -> dict[str, float]:
    """Per page: how much slower (in requests per second) the largest size is than the
    smallest; negative when it is faster."""
    smallest, largest = min(sizes), max(sizes)
    rate = {(e["page"], e["learners"]): e["per_second"] for e in entries}
    pages = dict.fromkeys(e["page"] for e in entries)
    return {
        page: round(1 - rate[page, largest] / rate[page, smallest], 3)
        for page in pages
        if rate.get((page, smallest)) and (page, largest) in rate
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    entries = []
    for learners in sorted(args.learners):
        entries += measure(args, learners)
    slower = slowdowns(entries, args.learners)
    failures = [
        f"{page}: {share:.0%} slower at {max(args.learners):,} learners than at "
        f"{min(args.learners):,} (aim: at most {SLOWDOWN_AIM:.0%})"
        for page, share in slower.items()
        if share > SLOWDOWN_AIM
    ]
    failures += [f"{e['page']} at {e['learners']}: errors" for e in entries if not e["ok"]]
    write_report(args.output, {"pages": entries, "slowdown": slower, "failures": failures})
    print("\n| Page | " + " | ".join(f"{n:,} learners" for n in sorted(args.learners)) + " |")
    print("|---|" + "---:|" * len(args.learners))
    for page in slower | {e["page"]: 0 for e in entries}:
        cells = [
            next(
                (
                    f"{e['per_second']}/s"
                    for e in entries
                    if (e["page"], e["learners"]) == (page, n)
                ),
                "",
            )
            for n in sorted(args.learners)
        ]
        print(f"| {page} | " + " | ".join(cells) + " |")
    print("\nMISSED:\n  - " + "\n  - ".join(failures) if failures else "\nEvery aim is met.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
