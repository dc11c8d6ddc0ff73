"""CPU time used by the processes serving a benchmark: the gunicorn workers (every process in
the server's session) and PostgreSQL's backends, read from /proc. Per request it is steadier
than requests per second on a shared machine (docs/performance.md, issue 17)."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes():
    """(pid, command name, session id, utime + stime in ticks) of every process we can read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # After the name: state, ppid, pgrp, session, ... utime (11th), stime (12th).
        yield int(entry.name), name, int(fields[3]), int(fields[11]) + int(fields[12])


def cpu_seconds(server_session: int) -> dict[str, float]:
    """{"app": seconds, "database": seconds} used so far by the server's processes (those of
    session ``server_session``) and by every PostgreSQL process on the machine."""
    app = database = 0
    for _pid, name, session, ticks in _processes():
        if session == server_session:
            app += ticks
        elif name.startswith("postgres"):
            database += ticks
    return {"app": app / TICKS, "database": database / TICKS}


def per_request_ms(before: dict[str, float], after: dict[str, float], requests: int) -> dict:
    """CPU milliseconds per request between two readings."""
    if not requests:
        return {"app": 0.0, "database": 0.0}
    return {
        key: round(1000 * (after[key] - before[key]) / requests, 3) for key in ("app", "database")
    }


def worker_memory_mb(master: int) -> dict[str, list[float]]:
    """Resident (RSS) and proportional (PSS: shared pages divided among the processes sharing
    them) memory of each worker of the gunicorn master ``master``, in MB, from
    /proc/<pid>/smaps_rollup. With --preload the workers share the app's code and data with
    the master, which PSS counts fairly and RSS counts in full for each."""
    rss, pss = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat[stat.rindex(")") + 2 :].split()[1]) != master:
                continue
            rollup = (entry / "smaps_rollup").read_text()
        except (OSError, ValueError):
            continue
        fields = {
            line.split(":")[0]: int(line.split()[1])
            for line in rollup.splitlines()[1:]
            if line.endswith("kB")
        }
        rss.append(round(fields["Rss"] / 1024, 1))
        pss.append(round(fields["Pss"] / 1024, 1))
    return {"rss_mb": sorted(rss), "pss_mb": sorted(pss)}
