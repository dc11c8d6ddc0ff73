"""A live server and Debian's Chromium, driven by Playwright, for end-to-end tests.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium (the Debian package,
which `.ci/run` installs). Without it the tests are skipped locally with a reason, and fail in
CI, where ELEARN_REQUIRE_BROWSER=1 is set.
"""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class Accessibility:
    """Runs axe-core on each page visited and collects what it finds."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page) -> None:
        # A click that navigates returns before the next page has loaded: judged half-loaded
        # (before its stylesheet applies) it shows problems it does not have. Seen under load.
        page.wait_for_load_state("load")
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
