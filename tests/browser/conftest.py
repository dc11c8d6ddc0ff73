"""A live server and Debian's Chromium, driven by Playwright, for end-to-end tests.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium (the Debian package,
which `.ci/run` installs). Without it the tests are skipped locally with a reason, and fail in
CI, where ELEARN_REQUIRE_BROWSER=1 is set.

The journeys run once per CI run, in the SQLite pass (the README's command as a developer runs
it): what they check is the pages' behaviour in a browser, which does not depend on the
database, while every view they use is also tested through the test client on PostgreSQL.
Running them again there cost CI two and a half minutes (docs/performance.md).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, headings).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        once = pytest.mark.skip(reason="the browser journeys run in the SQLite pass")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(once)
        return
    if CHROMIUM.exists():
        return
    if os.environ.get("ELEARN_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"ELEARN_REQUIRE_BROWSER=1 but {CHROMIUM} is not installed")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _whole_files(app):
    """The app, sending files read whole. Werkzeug's development server does not close a file
    it was sending when the browser drops the connection (a favicon the page no longer needs),
    and the ResourceWarning would fail the test; gunicorn, in production, closes it."""

    def read_whole(file, _block_size=8192):
        with file:
            return [file.read()]

    def wsgi(environ, start_response):
        environ["wsgi.file_wrapper"] = read_whole
        return app(environ, start_response)

    return wsgi


@pytest.fixture
def live_server(app):
    """Serve the test's app on a free local port for the length of the test."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, _whole_files(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


# Up to this width a page is judged as a phone's: nothing on it may be wider than the screen.
PHONE_WIDTH = 480
# What is wider than the viewport, outside a region that scrolls on its own (a table's) and
# outside a closed <details>.
FIT_SCRIPT = """(anyWidth) => {
  const width = document.documentElement.clientWidth;
  if (!anyWidth && window.innerWidth > PHONE_WIDTH) return null;
  // What a closed <details> holds is not shown (only its summary is).
  const shut = (el) => {
    const details = el.closest("details:not([open])");
    return details && !el.closest("summary") ? true : false;
  };
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (classes ? "." + classes.split(/\\s+/).join(".") : "");
    const named = el.parentElement && el.parentElement.closest("[id], [class]");
    return named && named !== document.body ? describe(named) + " > " + name : name;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 1 && box.right > width + 1 && !scrolls(el) && !shut(el)) {
      wide.push(describe(el) + " to " + Math.round(box.right) + "px");
    }
  }
  // A table's caption names the region that scrolls: its words must all be on the screen.
  for (const caption of document.body.querySelectorAll("caption")) {
    if (shut(caption)) continue;
    const words = document.createRange();
    words.selectNodeContents(caption);
    const right = words.getBoundingClientRect().right;
    if (right > width + 1) {
      wide.push(describe(caption) + " (its words) to " + Math.round(right) + "px");
    }
  }
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width && !wide.length) return null;
  return {url: location.href, width, scrollWidth, wide: wide.slice(0, 8)};
}""".replace("PHONE_WIDTH", str(PHONE_WIDTH))
FIT_PREFIX = "elearn-fit "


def _fit_message(found: dict) -> str:
    return (
        f"{found['url']} is {found['scrollWidth']} px wide in a {found['width']} px viewport: "
        f"{', '.join(found['wide']) or 'no single element'}"
    )


def fit_problems(page, *, any_width: bool = False) -> list[str]:
    """Why the page is wider than its viewport: nothing when it fits, or when the viewport is
    wider than a phone's (unless ``any_width``)."""
    page.wait_for_load_state("load")
    found = page.evaluate(FIT_SCRIPT, any_width)
    return [_fit_message(found)] if found else []


def assert_fits(page) -> None:
    """Fail if the page, at a phone's width, is wider than the viewport."""
    problems = fit_problems(page)
    assert not problems, "\n".join(problems)


class FitWatch:
    """Every page a test's browser loads at a phone's width, judged on load.

    With JavaScript on, a script in each page reports an overflow through the console as the
    page loads, so pages a test passes through without checking are judged too. With JavaScript
    off no script runs: Accessibility.check and assert_fits judge those pages."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, context) -> None:
        context.add_init_script(
            f"window.addEventListener('load', () => {{ const found = ({FIT_SCRIPT})(false);"
            f" if (found) console.log({FIT_PREFIX!r} + JSON.stringify(found)); }});"
        )
        context.on("console", self._console)

    def _console(self, message) -> None:
        if message.text.startswith(FIT_PREFIX):
            self.problems.append(_fit_message(json.loads(message.text[len(FIT_PREFIX) :])))


_FIT = FitWatch()


class FittingBrowser:
    """The browser, with every context it opens watched by FitWatch."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        if kwargs.get("java_script_enabled", True):
            _FIT.watch(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def pages_fit_a_phone():
    """No page a browser test loads at a phone's width may be wider than the screen."""
    _FIT.problems.clear()
    yield
    problems, _FIT.problems[:] = list(_FIT.problems), []
    assert not problems, "Wider than a phone's screen:\n" + "\n".join(dict.fromkeys(problems))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield FittingBrowser(browser)
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class Accessibility:
    """Runs axe-core on each page visited and collects what it finds, and, at a phone's width,
    whether the page is wider than the screen."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page) -> None:
        # A click that navigates returns before the next page has loaded: judged half-loaded
        # (before its stylesheet applies) it shows problems it does not have. Seen under load.
        page.wait_for_load_state("load")
        self.problems.extend(fit_problems(page))
        results = self.axe.run(page, options=AXE_OPTIONS)
        self.checked.append(page.url)
        for violation in results.response["violations"]:
            # The issue asks for no serious or critical finding; we hold every level to zero.
            if violation["impact"] in ("minor", "moderate", "serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(
                    f"{page.url}: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} {targets}"
                )


@pytest.fixture
def axe():
    return Accessibility()
