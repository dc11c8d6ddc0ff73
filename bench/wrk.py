"""Runs wrk against one kind of request and reads back what it measured.

Each scenario is a list of requests (path, session cookie, form body). wrk's threads take
turns through the list, so every learner's cookie is used and, for quiz submission, every
request submits a different attempt. A Lua `response` hook counts answers that are not the
expected one (a 302 to the sign-in page is a failure here, not a success), and `done` prints
the figures as one line of JSON.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# What wrk's requests look like to the app (the address through the trusted proxy header): a
# session made for this address and browser (bench/sessions.py) is the same browser's session
# on every request, as a real one is, so the app has no reason to write its cookie again.
BENCH_ADDRESS = "198.51.100.7"
BENCH_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) elearn-bench"

LUA = """
local entries = {
%(entries)s
}
local method = "%(method)s"
local expected = %(expected)d
local location = "%(location)s"
local steady = %(steady)d
local common = {
  ["X-Forwarded-Proto"] = "https",
  ["X-Forwarded-For"] = "%(address)s",
  ["User-Agent"] = "%(user_agent)s",
  ["Referer"] = "%(referer)s",
}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  index = tid + 1
  bad = 0
  rewritten = 0
  wrapped = 0
end

function request()
  if index > #entries then
    -- back to the start: a one-shot list (quiz submission) was too short for the run
    wrapped = %(oneshot)d
    index = ((index - 1) %% #entries) + 1
  end
  local e = entries[index]
  index = index + %(threads)d
  local headers = {}
  for k, v in pairs(common) do headers[k] = v end
  if e[2] ~= "" then headers["Cookie"] = "session=" .. e[2] end
  local body = nil
  if e[3] ~= "" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = e[3]
  end
  return wrk.format(method, e[1], headers, body)
end

function response(status, headers, body)
  if steady == 1 and headers["Set-Cookie"] then
    -- a page that changes nothing, asked by the same browser: no new cookie to write
    rewritten = rewritten + 1
  end
  if status ~= expected then
    bad = bad + 1
  elseif location ~= "" and not string.find(headers["Location"] or "", location, 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local unexpected, exhausted, rewritten = 0, 0, 0
  for _, t in ipairs(threads) do
    unexpected = unexpected + (t:get("bad") or 0)
    rewritten = rewritten + (t:get("rewritten") or 0)
    exhausted = exhausted + (t:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "errors": %%d, "unexpected": %%d, ' ..
    '"rewritten": %%d, "exhausted": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"mean_us": %%.0f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    unexpected, rewritten, exhausted, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean))
end
"""


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    errors: int
    unexpected: int
    exhausted: bool
    cookie_rewritten: int  # answers that set the session cookie again on a steady scenario
    p50_ms: float
    p90_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        return (
            self.requests > 0
            and not self.errors
            and not self.unexpected
            and not self.exhausted
            and not self.cookie_rewritten
        )


@dataclass
class Scenario:
    name: str
    method: str
    requests: list[tuple[str, str, str]]  # (path, session cookie or "", form body or "")
    expected: int = 200
    location: str = ""  # for redirects: a part the Location header must contain
    oneshot: bool = False  # each request may be sent only once (it changes what it acts on)
    # A page that changes nothing (every GET here): its answer must not set the session
    # cookie again. A browser-like session (bench/sessions.py) gives the app no reason to.
    steady: bool = True


def run(
    scenario: Scenario,
    base_url: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    address: str = BENCH_ADDRESS,
) -> Result:
    entries = ",\n".join(
        "  {" + ", ".join(json.dumps(part) for part in entry) + "}" for entry in scenario.requests
    )
    script = LUA % {
        "entries": entries,
        "method": scenario.method,
        "expected": scenario.expected,
        "location": scenario.location,
        "address": address,
        "user_agent": BENCH_USER_AGENT,
        "steady": int(scenario.steady),
        "referer": base_url.replace("http://", "https://") + "/",
        "threads": threads,
        "oneshot": int(scenario.oneshot),
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.lua"
        path.write_text(script)
        finished = subprocess.run(
            [
                "wrk",
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={duration}s",
                "--timeout=10s",
                f"--script={path}",
                base_url,
            ],
            capture_output=True,
            text=True,
        )
    lines = [line for line in finished.stdout.splitlines() if line.startswith("BENCH ")]
    if finished.returncode or not lines:
        raise RuntimeError(f"wrk failed on {scenario.name}: {finished.stdout}{finished.stderr}")
    line = lines[0]
    data = json.loads(line[len("BENCH ") :])
    return Result(
        name=scenario.name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        unexpected=data["unexpected"],
        exhausted=bool(data["exhausted"]),
        cookie_rewritten=data["rewritten"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )
