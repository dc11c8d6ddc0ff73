"""The `elearn` command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
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
    monkeypatch.setenv("BASE_URL", "https://learn.example.org")
    from elearn.certificates.keys import new_private_pem

    monkeypatch.setenv("CREDENTIAL_SIGNING_KEY", new_private_pem())
    # It refuses before touching the database.
    result = CliRunner().invoke(cli, ["start"])
    assert result.exit_code != 0
    assert "gunicorn" in result.output


def test_start_migrates_prints_a_one_time_setup_link_and_serves(tmp_path):
    """`elearn start` on a fresh SQLite file: schema, first-administrator link, a real server."""
    import os
    import re
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "ELEARN_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "SECRET_KEY": "d" * 40,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "elearn", "start", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = ""
        while "is running at" not in output:
            line = server.stdout.readline()
            assert line, output
            output += line
        link = re.search(rf"http://127\.0\.0\.1:{port}/setup/\S+", output).group(0)
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server never answered")
        with urllib.request.urlopen(link) as response:
            assert response.status == 200
            assert 'name="full_name"' in response.read().decode()
        # SIGTERM stops it as Ctrl+C does (exit status 0, not killed by the signal), so that
        # what runs at exit, the last write of buffered lesson views, runs.
        server.terminate()
        assert server.wait(timeout=10) == 0
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_start_prints_no_setup_link_once_an_administrator_exists(
    app, monkeypatch, migrated_database, make
):
    from elearn import commands

    make.user(roles=(Role.LEARNER, Role.ADMIN))
    served = []
    monkeypatch.setattr(commands, "run_simple", lambda *args, **kwargs: served.append(args))
    result = app.test_cli_runner().invoke(args=["start"])
    assert result.exit_code == 0, result.output
    assert "/setup/" not in result.output
    assert served and served[0][:2] == ("127.0.0.1", 5000)


def test_start_on_another_port_puts_that_port_in_the_links_of_emails_and_certificates(
    app, monkeypatch, migrated_database, make
):
    from elearn import commands
    from elearn.links import external_url

    monkeypatch.delenv("BASE_URL", raising=False)
    make.user(roles=(Role.LEARNER, Role.ADMIN))
    monkeypatch.setattr(commands, "run_simple", lambda *args, **kwargs: None)
    result = app.test_cli_runner().invoke(args=["start", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5123" in result.output
    assert app.config["BASE_URL"] == "http://127.0.0.1:5123"
    with app.app_context():
        # What a password-reset email and a certificate's QR code link to.
        assert external_url("accounts.sign_in") == "http://127.0.0.1:5123/sign-in"
        assert external_url("certificates.verify_code", code="ABCD").startswith(
            "http://127.0.0.1:5123/"
        )


def test_start_keeps_a_base_url_that_is_set(app, monkeypatch, migrated_database, make):
    from elearn import commands

    monkeypatch.setenv("BASE_URL", "https://learn.example.org")
    before = app.config["BASE_URL"]
    make.user(roles=(Role.LEARNER, Role.ADMIN))
    monkeypatch.setattr(commands, "run_simple", lambda *args, **kwargs: None)
    result = app.test_cli_runner().invoke(args=["start", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert app.config["BASE_URL"] == before


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080"),
        ("0.0.0.0", "http://127.0.0.1:8080"),  # noqa: S104 - not bound to
        ("::", "http://127.0.0.1:8080"),
        ("localhost", "http://localhost:8080"),
        ("::1", "http://[::1]:8080"),
    ],
)
def test_the_development_base_url_is_where_the_server_can_be_reached(host, expected):
    from elearn.commands import development_base_url

    assert development_base_url(host, 8080) == expected


def test_the_import_command_in_the_operations_guide_imports_every_shipped_course(app, runner):
    """docs/operations.md's example, run as written (it used to stop on courses/README.md)."""
    import glob
    import re
    import shlex
    from pathlib import Path

    from elearn.courses.commands import package_paths
    from elearn.courses.models import Course

    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "operations.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Courses") :]
    line = next(
        line
        for line in re.search(r"```sh\n(.*?)```", section, re.S).group(1).splitlines()
        if "courses import" in line
    )
    words = shlex.split(line)
    args = words[words.index("courses") :]
    expanded = [  # as a shell would expand a glob
        found
        for word in args
        for found in (sorted(glob.glob(str(root / word))) if "*" in word else [word])
    ]
    result = runner.invoke(args=expanded)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert len(db.session.scalars(select(Course)).all()) == len(package_paths([]))
