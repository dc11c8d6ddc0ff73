"""The `elearn` command: Flask's CLI bound to the app factory, so FLASK_APP is never needed."""

from __future__ import annotations

from flask.cli import FlaskGroup

from elearn import create_app


def _create_app():
    return create_app()


cli = FlaskGroup(create_app=_create_app, help="elearn: run, migrate and manage the platform.")


def main() -> None:
    cli.main(prog_name="elearn")
