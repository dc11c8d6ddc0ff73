"""The home page, health check, accessibility statement and error pages."""

from __future__ import annotations

import pytest

from tests.conftest import page_text


def test_home_page_explains_the_platform_and_leads_to_registration_and_sign_in(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Recognise human trafficking" in text
    html = response.get_data(as_text=True)
    assert 'href="/register"' in html
    assert 'href="/sign-in"' in html


def test_home_page_greets_a_signed_in_person_by_name(client, as_role):
    from elearn.accounts.models import Role

    person = as_role(Role.LEARNER)
    assert person.full_name in page_text(client.get("/"))


def test_healthz_reports_the_database_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    from elearn import create_app

    # A SQLite file inside a directory that does not exist cannot be opened.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/db.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}


def test_ping_answers_without_touching_the_database(app, client):
    from tests.conftest import count_queries

    assert count_queries(app, lambda: client.get("/ping")) == 0
    response = client.get("/ping")
    assert response.get_data(as_text=True) == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"


def test_accessibility_statement_names_the_standard_the_gaps_and_a_contact(client, app):
    response = client.get("/accessibility", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert response.status_code == 200
    assert "WCAG 2.2" in text
    assert "Known gaps" in text
    assert app.config["CONTACT_EMAIL"] in text


@pytest.mark.parametrize(
    ("language", "title"),
    [("ro", "Pagina nu a fost găsită"), ("en", "Page not found"), ("hu", "Az oldal nem található")],
)
def test_404_page_is_in_the_readers_language(client, language, title):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert title in page_text(response)
    assert f'<html lang="{language}">' in response.get_data(as_text=True)


def test_405_page_lists_the_allowed_methods(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_server_error_shows_our_page_not_a_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    text = page_text(response)
    assert "Something went wrong on our side" in text
    assert "broken on purpose" not in text
    assert "Traceback" not in text


def test_an_oversized_request_body_gets_413_not_a_crash(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        "/sign-in",
        data={"email": "a@example.org", "password": "x" * 5000},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert "too large" in page_text(response)


@pytest.mark.parametrize(
    ("language", "title"),
    [("ro", "Nu aveți acces la această pagină"), ("en", "You do not have access to this page")],
)
def test_403_page_is_in_the_readers_language(client, as_role, language, title):
    from elearn.accounts.models import Role

    as_role(Role.LEARNER, language=language)
    response = client.get("/admin/people/")
    assert response.status_code == 403
    assert title in page_text(response)
