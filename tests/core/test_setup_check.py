"""The first-run checklist on the administrators' home page, and the start-up warnings."""

from __future__ import annotations

import logging

import pytest

from config import ProductionConfig
from elearn.accounts.models import Role
from elearn.certificates.models import Issuer, Signatory
from elearn.core.placeholders import placeholder_settings
from elearn.extensions import db
from tests.conftest import count_queries, page_text
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files

EN = {"Accept-Language": "en"}
REAL_SETTINGS = {
    "SITE_NAME": "Învață să recunoști",
    "CONTACT_EMAIL": "contact@eliberare.ro",
    "DATA_CONTROLLER": "Asociația eLiberare, Oradea",
    "MAIL_SERVER": "smtp.eliberare.ro",
    "MAIL_DEFAULT_SENDER": "Învață <no-reply@eliberare.ro>",
}


def add_issuer_and_director(app):
    with app.app_context():
        db.session.add(Issuer(name="Asociația eLiberare", colour="#1d4e89"))
        db.session.add(Signatory(key="director", name="Ana Pop", role={"en": "Director"}))
        db.session.commit()


def checklist_item(html: str, key: str) -> str:
    start = html.index(f'id="setup-{key}"')
    return html[start : html.index("</li>", start)]


def test_a_fresh_administrator_sees_every_placeholder_and_where_to_fix_it(client, as_role):
    import_files(client.application, valid_files())  # names the signatory "director"
    as_role(Role.ADMIN, language="en")
    html = client.get("/", headers=EN).get_data(as_text=True)
    assert "Before you go live" in html
    for key in ("issuer", "signatory", "controller", "contact", "site_name", "mail"):
        assert "To do" in checklist_item(html, key), key
    assert 'href="/admin/certificates"' in checklist_item(html, "issuer")
    assert "director" in checklist_item(html, "signatory")
    assert 'href="/admin/certificates/signatories/new"' in checklist_item(html, "signatory")
    assert "DATA_CONTROLLER" in checklist_item(html, "controller")
    assert "CONTACT_EMAIL" in checklist_item(html, "contact")
    assert "MAIL_SERVER" in checklist_item(html, "mail")


def test_an_issuer_once_saved_is_ticked(app, client, as_role):
    as_role(Role.ADMIN, language="en")
    with app.app_context():
        db.session.add(Issuer(name="Asociația eLiberare", colour="#1d4e89"))
        db.session.commit()
    item = checklist_item(client.get("/", headers=EN).get_data(as_text=True), "issuer")
    assert "Done" in item and "To do" not in item


def test_a_course_whose_signatory_exists_needs_nothing(app, client, as_role):
    import_files(app, valid_files())
    add_issuer_and_director(app)
    as_role(Role.ADMIN, language="en")
    item = checklist_item(client.get("/", headers=EN).get_data(as_text=True), "signatory")
    assert "Done" in item


@pytest.mark.parametrize("config_overrides", [REAL_SETTINGS], indirect=True)
def test_the_checklist_disappears_once_everything_is_set(app, client, as_role):
    import_files(app, valid_files())
    add_issuer_and_director(app)
    as_role(Role.ADMIN, language="en")
    assert "Before you go live" not in page_text(client.get("/", headers=EN))


def test_learners_and_managers_never_see_the_checklist(client, as_role):
    as_role(Role.MANAGER, language="en")
    assert "Before you go live" not in page_text(client.get("/", headers=EN))


def test_the_checklist_costs_the_same_queries_for_one_course_or_two(app, client, as_role):
    as_role(Role.ADMIN, language="en")
    import_files(app, valid_files())
    client.get("/", headers=EN)  # the session's first page writes when it was last seen
    one = count_queries(app, lambda: client.get("/", headers=EN))
    second = edit(valid_files(), "course.yaml", "id: ", "id: second-")
    import_files(app, second)
    assert count_queries(app, lambda: client.get("/", headers=EN)) == one


def test_placeholders_are_found_and_real_values_are_not(app):
    assert {name for name, _ in placeholder_settings(app.config)} == {
        "SITE_NAME",
        "CONTACT_EMAIL",
        "DATA_CONTROLLER",
        "MAIL_SERVER, MAIL_DEFAULT_SENDER",
    }
    assert placeholder_settings({**app.config, **REAL_SETTINGS}) == []


def test_production_warns_at_start_once_per_placeholder(monkeypatch, tmp_path, caplog):
    from elearn import create_app

    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    for name in ("SITE_NAME", "CONTACT_EMAIL", "DATA_CONTROLLER", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level(logging.WARNING):
        create_app(ProductionConfig(tmp_path))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4
    assert any(message.startswith("DATA_CONTROLLER") for message in warnings)
    assert all("docs/operations.md" in message for message in warnings)


def test_production_with_real_values_starts_without_a_warning(monkeypatch, tmp_path, caplog):
    from elearn import create_app

    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    for name, value in REAL_SETTINGS.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.WARNING):
        create_app(ProductionConfig(tmp_path))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
