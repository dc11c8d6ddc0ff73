"""The classroom burst: a trainer says "sign in and take the quiz" and a whole room does.

Each simulated learner is a thread with its own cookies that does what a person does in a
browser, through real HTTP: opens the sign-in page, signs in with their password (the real,
slow hash), opens the quiz, starts an attempt, answers every question page by page (a
scenario step by step), reviews, submits and reads the result. All of them come from one
school address, as a class behind one router does. Every request's time is kept.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


class FormReader(HTMLParser):
    """The fields and buttons of the first POST form on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.done = False
        self.action: str | None = None
        self.inputs: list[dict] = []
        self.selects: dict[str, list[str]] = {}
        self.buttons: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if self.done:
            return
        if tag == "form" and attrs.get("method", "").lower() == "post" and not self.in_form:
            if any(word in attrs.get("action", "") for word in ("language", "sign-out")):
                return  # the language switcher and the sign-out button in the header
            self.in_form, self.action = True, attrs.get("action") or None
        elif not self.in_form:
            return
        elif tag == "input":
            self.inputs.append(attrs)
        elif tag == "select":
            self._select = attrs.get("name")
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(attrs.get("value", ""))
        elif tag == "button" and attrs.get("name"):
            self.buttons.append((attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def read_form(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    return reader


def first(options: list[str]) -> str:
    return options[0]


def answer_form(reader: FormReader, pick=first) -> dict[str, list[str]]:
    """Fill a question form: ``pick`` chooses among each field's options (by default the
    first, as a hurried learner would; ``random.choice`` for a guessing one)."""
    form: dict[str, list[str]] = {}
    choices: dict[str, list[str]] = {}
    for field_ in reader.inputs:
        name, kind = field_.get("name"), field_.get("type", "text")
        if not name:
            continue
        if kind == "hidden":
            form[name] = [field_.get("value", "")]
        elif kind in ("radio", "checkbox"):
            choices.setdefault(name, []).append(field_.get("value", ""))
        elif kind == "text":
            form[name] = [pick(["112", "119", "da", "7"])]
    for name, values in choices.items():
        form[name] = [pick(values)]
    positions = [name for name in reader.selects if name.startswith("position-")]
    places = [str(place) for place in range(1, len(positions) + 1)]
    for name in positions:
        form[name] = [places.pop(0) if pick is first else pick(places)]
    for name, values in reader.selects.items():
        if not name.startswith("position-"):
            form[name] = [pick([v for v in values if v] or [""])]
    go = [value for key, value in reader.buttons if key == "go"]
    if go:
        form["go"] = ["stay" if "stay" in go else "next" if "next" in go else "review"]
    return form


@dataclass
class Timing:
    step: str
    seconds: float
    status: int


@dataclass
class Learner:
    host: str
    port: int
    address: str
    email: str
    password: str
    timings: list[Timing] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    finished: bool = False
    problem: str | None = None

    def request(self, step: str, method: str, path: str, form=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Referer": f"https://{self.host}:{self.port}{path}",
            "Accept-Language": "ro",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        start = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.timings.append(Timing(step, time.perf_counter() - start, response.status))
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in header and "1970" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        location = response.getheader("Location")
        if location:
            # what a browser asks for: the path and query, never the #fragment
            location = urlsplit(location)._replace(scheme="", netloc="", fragment="").geturl()
        return response.status, location, page

    def expect(self, outcome, status: int, step: str):
        if outcome[0] != status:
            raise RuntimeError(f"{step}: HTTP {outcome[0]} (expected {status})")
        return outcome

    def take_quiz(self, slug: str, quiz: str) -> None:
        try:
            self._take_quiz(slug, quiz)
            self.finished = True
        except Exception as error:  # reported per learner; the others go on
            self.problem = f"{self.email}: {error}"

    def _take_quiz(self, slug: str, quiz: str) -> None:
        _, _, page = self.expect(self.request("sign-in page", "GET", "/sign-in"), 200, "sign-in")
        form = {"csrf_token": _token(page), "email": self.email, "password": self.password}
        self.expect(self.request("sign in", "POST", "/sign-in", form), 302, "sign in")
        overview = f"/courses/{slug}/quizzes/{quiz}/"
        _, _, page = self.expect(self.request("quiz overview", "GET", overview), 200, "overview")
        _, location, _ = self.expect(
            self.request("start attempt", "POST", overview + "start", {"csrf_token": _token(page)}),
            302,
            "start",
        )
        for _ in range(60):
            if location.endswith("/review"):
                break
            _, _, page = self.expect(self.request("question page", "GET", location), 200, location)
            _, location, _ = self.expect(
                self.request("save answer", "POST", location, answer_form(read_form(page))),
                302,
                "save answer",
            )
        else:
            raise RuntimeError("the questions never ended")
        _, _, page = self.expect(self.request("review", "GET", location), 200, "review")
        submit = location[: -len("review")] + "submit"
        _, location, _ = self.expect(
            self.request("submit", "POST", submit, {"csrf_token": _token(page)}), 302, "submit"
        )
        if not location.endswith("/result"):
            raise RuntimeError(f"submitting led to {location}")
        self.expect(self.request("result", "GET", location), 200, "result")


def _token(page: str) -> str:
    reader = read_form(page)
    return next(f["value"] for f in reader.inputs if f.get("name") == "csrf_token")


@dataclass
class BurstResult:
    learners: int
    finished: int
    seconds: float
    timings: list[Timing]
    problems: list[str]

    def percentile(self, share: float, step: str | None = None) -> float:
        values = sorted(t.seconds for t in self.timings if step is None or t.step == step)
        if not values:
            return 0.0
        return values[max(1, math.ceil(share * len(values))) - 1]  # nearest rank

    @property
    def steps(self) -> list[str]:
        return list(dict.fromkeys(t.step for t in self.timings))


def classroom_burst(
    host: str, port: int, emails: list[str], password: str, slug: str, quiz: str, spread: float
) -> BurstResult:
    """Every learner starts within ``spread`` seconds of the first, evenly spaced."""
    learners = [Learner(host, port, "203.0.113.10", email, password) for email in emails]
    begin = time.perf_counter()

    def run(index: int, learner: Learner) -> None:
        delay = begin + spread * index / max(len(learners), 1) - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        learner.take_quiz(slug, quiz)

    threads = [
        threading.Thread(target=run, args=(i, learner)) for i, learner in enumerate(learners)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return BurstResult(
        learners=len(learners),
        finished=sum(learner.finished for learner in learners),
        seconds=time.perf_counter() - begin,
        timings=[timing for learner in learners for timing in learner.timings],
        problems=[learner.problem for learner in learners if learner.problem],
    )
