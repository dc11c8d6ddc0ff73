"""Configuration: production refuses to start without real secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import ConfigurationError, ProductionConfig, config_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "MAIL_SERVER",
        "BASE_URL",
        "ELEARN_CONFIG",
        "REMEMBER_COOKIE_DAYS",
        "CREDENTIAL_SIGNING_KEY",
        "CREDENTIAL_RETIRED_KEYS",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_without_secrets_refuses_to_start_and_says_what_to_set(clean_env, tmp_path):
    with pytest.raises(ConfigurationError) as error:
        config_for("production", tmp_path)
    message = str(error.value)
    assert "SECRET_KEY" in message
    assert "DATABASE_URL" in message
    assert "MAIL_SERVER" in message
    assert "BASE_URL" in message
    assert "CREDENTIAL_SIGNING_KEY" in message


@pytest.mark.parametrize("key", ["changeme", "secret", "dev", "short-key"])
def test_production_refuses_a_weak_secret_key(clean_env, tmp_path, key):
    clean_env.setenv("SECRET_KEY", key)
    clean_env.setenv("DATABASE_URL", "postgresql://elearn@127.0.0.1/elearn")
    clean_env.setenv("MAIL_SERVER", "smtp.example.org")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        config_for("production", tmp_path)


def signing_key_in_one_line() -> str:
    """How an operator may put the PEM key into one environment line."""
    from elearn.certificates.keys import new_private_pem

    return new_private_pem().replace("\n", "\\n")


def test_production_starts_with_real_settings(clean_env, tmp_path):
    clean_env.setenv("CREDENTIAL_SIGNING_KEY", signing_key_in_one_line())
    clean_env.setenv("SECRET_KEY", "k" * 40)
    clean_env.setenv("DATABASE_URL", "postgres://elearn@127.0.0.1/elearn")
    clean_env.setenv("MAIL_SERVER", "smtp.example.org")
    clean_env.setenv("BASE_URL", "https://learn.example.org/")
    config = config_for("production", tmp_path)
    assert config.BASE_URL == "https://learn.example.org"
    assert isinstance(config, ProductionConfig)
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://elearn@127.0.0.1/elearn"
    assert config.SESSION_COOKIE_SECURE is True
    assert config.CREDENTIAL_SIGNING_KEY.startswith("-----BEGIN PRIVATE KEY-----\n")


def test_production_refuses_a_signing_key_that_is_not_ed25519(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "k" * 40)
    clean_env.setenv("DATABASE_URL", "postgres://elearn@127.0.0.1/elearn")
    clean_env.setenv("MAIL_SERVER", "smtp.example.org")
    clean_env.setenv("BASE_URL", "https://learn.example.org/")
    clean_env.setenv("CREDENTIAL_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----\nnonsense\n")
    with pytest.raises(ConfigurationError, match="not an Ed25519 private key"):
        config_for("production", tmp_path)


def test_wsgi_entry_point_builds_production_and_refuses_without_secrets(clean_env):
    import importlib
    import sys

    sys.modules.pop("wsgi", None)
    with pytest.raises(ConfigurationError):
        importlib.import_module("wsgi")


def test_the_wsgi_entry_point_prepares_the_workers_before_any_request(clean_env):
    import importlib
    import sys

    from elearn.certificates import pdf_fonts

    clean_env.setenv("ELEARN_CONFIG", "testing")
    pdf_fonts.parsed.cache_clear()
    sys.modules.pop("wsgi", None)
    importlib.import_module("wsgi")
    assert pdf_fonts.parsed.cache_info().currsize == len(pdf_fonts.FACES)
    sys.modules.pop("wsgi", None)


def test_development_makes_its_own_secret_once_and_uses_sqlite_in_instance(clean_env, tmp_path):
    first = config_for("development", tmp_path)
    second = config_for("development", tmp_path)
    assert first.SECRET_KEY == second.SECRET_KEY
    assert len(first.SECRET_KEY) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert f"sqlite:///{tmp_path / 'elearn.sqlite3'}" == first.SQLALCHEMY_DATABASE_URI
    # The credential signing key, too, is made once and kept private.
    assert first.CREDENTIAL_SIGNING_KEY == second.CREDENTIAL_SIGNING_KEY
    assert (tmp_path / "credential-signing-key.pem").stat().st_mode & 0o077 == 0


def test_an_unknown_environment_name_is_refused(clean_env, tmp_path):
    with pytest.raises(ConfigurationError, match="ELEARN_CONFIG"):
        config_for("staging", tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [("REMEMBER_COOKIE_DAYS", "30"), ("MAIL_PORT", "abc"), ("MAIL_USE_TLS", "maybe")],
)
def test_bad_values_are_refused_with_the_variable_named(clean_env, tmp_path, name, value):
    clean_env.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        config_for("development", tmp_path)


def test_every_setting_read_from_the_environment_is_documented_in_the_readme():
    source = (ROOT / "config.py").read_text()
    names = set(re.findall(r'_env(?:_int|_bool)?\("([A-Z_]+)"', source))
    names.add("ELEARN_CONFIG")
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"Document these settings in README.md: {missing}"
    assert len(names) > 15


@pytest.mark.parametrize("base_url", ["", "http://learn.example.org"])
def test_production_needs_an_https_base_url(clean_env, tmp_path, base_url):
    clean_env.setenv("SECRET_KEY", "k" * 40)
    clean_env.setenv("DATABASE_URL", "postgresql://elearn@127.0.0.1/elearn")
    clean_env.setenv("MAIL_SERVER", "smtp.example.org")
    clean_env.setenv("BASE_URL", base_url)
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        config_for("production", tmp_path)


def test_a_forked_worker_opens_its_own_database_connections(app):
    """gunicorn --preload forks the workers from a process that made the app: a connection
    the parent holds in its pool must not be used by a child (it is dropped there)."""
    import os

    from sqlalchemy import text

    from elearn import prepare_for_workers
    from elearn.extensions import db

    prepare_for_workers(app)
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        assert db.engine.pool.checkedin() == 1  # the parent's connection, back in its pool
        child = os.fork()
        if child == 0:  # the worker: an empty pool, then a connection of its own that works
            try:
                empty = db.engine.pool.checkedin() == 0
                works = db.session.execute(text("SELECT 1")).scalar() == 1
                os._exit(0 if empty and works else 1)
            except BaseException:
                os._exit(2)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert db.session.execute(text("SELECT 1")).scalar() == 1  # the parent's still works
