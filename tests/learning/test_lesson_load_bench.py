"""The lesson-load benchmark (bench/lesson_load.py) on the shipped library, so that it keeps
working, and a guard on what it measures: the pages that list lessons fetch none of their
text, and the lesson page only the shown lesson's. The timings are docs/performance.md's
business."""

from __future__ import annotations

from bench import lesson_load
from bench.sessions import session_cookies
from elearn.extensions import db


def test_the_lesson_load_benchmark_measures_every_page_on_the_shipped_library(app):
    with app.app_context():
        prepared = lesson_load.prepare(db)
        cookies = session_cookies(app, [prepared["member"], prepared["manager"]])
        engine = db.engine
    lessons_fetched = {}
    for page, url in prepared["pages"].items():
        who = prepared["manager"] if page.startswith("member's") else prepared["member"]
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[who][0])

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        statements, size, by_table = lesson_load.fetched(engine, get)
        assert statements > 0
        assert size == sum(by_table.values())
        lessons_fetched[page] = by_table.get("lessons", 0)  # none once the outline is cached
    # Titles, keys and order of every lesson are a few KB; one lesson's HTML in one language
    # about 13 KB; all of a version's HTML in three languages about 350 KB.
    assert lessons_fetched["course page"] < 5_000
    assert lessons_fetched["My learning"] < 10_000
    assert lessons_fetched["member's learning page"] < 10_000
    assert 5_000 < lessons_fetched["lesson page"] < 25_000
    loads = lesson_load.loads(app, db, prepared["member"], repeat=1)
    assert set(loads) == {"course_and_enrolment", "learning_overview"}
    assert all(timing["p50_ms"] > 0 for timing in loads.values())
