"""How long a piece of work takes, asked again and again in this process: p50, p95 (nearest
rank) and the slowest, in milliseconds, after one call to warm up (templates, pools)."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable


def timed(work: Callable[[], object], repeat: int) -> dict:
    work()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p95_ms": round(1000 * seconds[max(0, math.ceil(0.95 * len(seconds)) - 1)], 1),
        "max_ms": round(1000 * seconds[-1], 1),
    }
