"""The `elearn` command line."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.extensions import db
from tests.conftest import PASSWORD


def test_create_admin_makes_an_administrator(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "Admin@Example.org",
            "--name",
            "Ștefan  Pop",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "admin@example.org"
        assert user.full_name == "Ștefan Pop"
        assert user.roles == {Role.LEARNER, Role.ADMIN}


def test_create_admin_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "a@example.org", "--name", "Ana Pop"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_create_admin_refuses_a_weak_password_and_a_bad_email(app, runner):
    weak = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "a@example.org",
            "--name",
            "Ana Pop",
            "--password",
            "password",
        ]
    )
    assert weak.exit_code != 0
    assert "--password" in weak.output
    bad = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "not an email",
            "--name",
            "Ana Pop",
            "--password",
            PASSWORD,
        ]
    )
    assert bad.exit_code != 0
    assert "--email" in bad.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_create_admin_promotes_an_existing_account(app, runner, make):
    person = make.user(email="teacher@example.org")
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "TEACHER@example.org",
            "--name",
            "x",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, person.id).roles == {Role.LEARNER, Role.ADMIN}


def test_the_elearn_command_needs_no_flask_app_variable():
    result = subprocess.run(
        [sys.executable, "-m", "elearn", "--help"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "ELEARN_CONFIG": "testing"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for command in ("run", "db", "routes", "start", "users", "translations"):
        assert command in result.stdout


def test_start_refuses_production(monkeypatch, migrated_database):
    from click.testing import CliRunner

    from elearn.cli import cli

    monkeypatch.setenv("ELEARN_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", migrated_database)
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    result = CliRunner().invoke(cli, ["start"])
    assert result.exit_code != 0
    assert "gunicorn" in result.output


def test_start_migrates_prints_a_one_time_setup_link_and_serves(monkeypatch, tmp_path):
    """`elearn start` on a fresh SQLite file: schema, first-administrator link, server."""
    import re

    from click.testing import CliRunner
    from flask import Flask

    from elearn.cli import cli

    served = []
    monkeypatch.setattr(Flask, "run", lambda self, **kwargs: served.append(kwargs))
    monkeypatch.setenv("ELEARN_CONFIG", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "d" * 40)
    result = CliRunner().invoke(cli, ["start"])
    assert result.exit_code == 0, result.output
    assert served == [{"host": "127.0.0.1", "port": 5000, "debug": False, "use_reloader": False}]
    link = re.search(r"http://127\.0\.0\.1:5000(/setup/\S+)", result.output).group(1)

    from elearn import create_app

    app = create_app("development")
    client = app.test_client()
    assert client.get(link).status_code == 200
    response = client.post(
        link,
        data={
            "csrf_token": _csrf(client),
            "full_name": "Admin",
            "email": "admin@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "profession": "other",
            "organisation_id": "0",
            "county": "BH",
            "preferred_language": "ro",
        },
    )
    assert response.status_code == 302
    # With an administrator in place, a second start prints no link.
    again = CliRunner().invoke(cli, ["start"])
    assert again.exit_code == 0, again.output
    assert "/setup/" not in again.output


def _csrf(client) -> str:
    import re

    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
