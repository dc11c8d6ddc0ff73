"""The reach pages make the same number of statements however many sessions there are."""

from __future__ import annotations

from tests.conftest import count_queries, sign_in
from tests.reach.conftest import add_resource, record


def test_own_reach_does_not_grow_with_the_sessions(app, client, teacher, course_with_plan):
    poster = add_resource(app)
    record(app, teacher.id, course_with_plan, materials={poster: 5})
    sign_in(client, teacher)
    client.get("/reach/")  # the first request after signing in records the visit
    few = count_queries(app, lambda: client.get("/reach/"))
    for number in range(25):
        record(app, teacher.id, course_with_plan, materials={poster: number + 1})
    many = count_queries(app, lambda: client.get("/reach/"))
    assert many == few
    assert count_queries(app, lambda: client.get("/reach/?page=2")) == few


def test_the_form_does_not_grow_with_the_library(app, client, teacher):
    sign_in(client, teacher)
    add_resource(app, "poster-one")
    client.get("/reach/new")
    few = count_queries(app, lambda: client.get("/reach/new"))
    for number in range(10):
        add_resource(app, f"flyer-{number}")
    assert count_queries(app, lambda: client.get("/reach/new")) == few


def test_a_session_page_does_not_grow_with_its_materials(app, client, teacher, course_with_plan):
    first = add_resource(app, "poster-one")
    one = record(app, teacher.id, course_with_plan, materials={first: 5})
    resources = {add_resource(app, f"flyer-{n}"): n + 1 for n in range(8)}
    many = record(app, teacher.id, course_with_plan, materials=resources)
    sign_in(client, teacher)
    client.get(f"/reach/sessions/{one}")
    few = count_queries(app, lambda: client.get(f"/reach/sessions/{one}"))
    assert count_queries(app, lambda: client.get(f"/reach/sessions/{many}")) == few
