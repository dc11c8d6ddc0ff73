"""The platform's own commands: `elearn start` and `elearn users ...`."""

from __future__ import annotations

import os
import signal

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup, pass_script_info, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from elearn.accounts import services as accounts
from elearn.accounts.models import Role, RoleAssignment
from elearn.backup import BackupError, create_backup, restore_backup
from elearn.content.loader import load_package
from elearn.content.source import PackageFiles
from elearn.courses.commands import courses_cli, import_paths
from elearn.courses.services import rerender_stale_lessons
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import LANGUAGES
from elearn.privacy.services import purge
from elearn.reference import COUNTIES, OUTSIDE_ROMANIA, PROFESSIONS
from elearn.security import password_problem
from elearn.translations_cli import translations_cli

users_cli = AppGroup("users", help="Manage accounts from the command line.")


def development_base_url(host: str, port: int) -> str:
    """The address `elearn start` serves at, as links in emails and PDFs should use it: a
    server listening on every interface is reached on this machine at 127.0.0.1."""
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104 - compared, not bound to
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_script_info
def start_command(info, host: str, port: int) -> None:
    """Bring the database up to date and serve the platform for development."""
    app = info.load_app()
    if app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "`elearn start` runs the development server. In production run "
            "`elearn db upgrade` and serve wsgi:app with gunicorn (see docs/operations.md)."
        )
    if not os.environ.get("BASE_URL"):
        # Emails, certificates' QR codes and credentials then point at this very server.
        app.config["BASE_URL"] = development_base_url(host, port)
    with app.app_context():
        click.echo("Bringing the database up to date…")
        upgrade()
        click.echo("Importing the courses under courses/…")
        import_paths([], publish=True, organisation_id=None)
        rerender_stale_lessons(
            lambda files: load_package(PackageFiles("stored", files), professions=set(PROFESSIONS))
        )
        db.session.commit()
        if not accounts.administrators_exist():
            token = accounts.first_administrator_token()
            click.echo(
                "\nNo administrator exists yet. Create the first one here (link valid once):"
            )
            click.secho(f"  http://{host}:{port}/setup/{token}\n", bold=True)
    click.echo(f"elearn is running at http://{host}:{port} (press Ctrl+C to stop).")
    # A SIGTERM (a service manager, `docker stop`) stops it as Ctrl+C does, so that what runs
    # at exit runs: the last write of the lesson views still buffered (page_views.py).
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        # Flask's app.run() refuses to run inside its own CLI; Werkzeug's server is what it calls.
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(_signal, _frame) -> None:
    raise SystemExit(0)


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email address.")
@click.option(
    "--name", "full_name", prompt="Full name", help="As it should appear on certificates."
)
@click.option(
    "--profession", type=click.Choice(list(PROFESSIONS)), default="other", show_default=True
)
@click.option(
    "--county", type=click.Choice(list(COUNTIES)), default=OUTSIDE_ROMANIA, show_default=True
)
@click.option("--language", type=click.Choice(list(LANGUAGES)), default="ro", show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given; prefer the prompt, which keeps it out of the shell history.",
)
def create_admin_command(email, full_name, profession, county, language, password) -> None:
    """Create an administrator, or make an existing account one."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    existing = accounts.user_by_email(email)
    if existing is not None:
        if not existing.has_role(Role.ADMIN):
            existing.role_assignments.append(RoleAssignment(role=Role.ADMIN))
            db.session.commit()
        click.echo(f"{existing.email} is an administrator.")
        return
    problem = password_problem(password, user_inputs=[email, full_name])
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    try:
        user = accounts.register_user(
            email=email,
            full_name=" ".join(full_name.split()),
            password=password,
            profession=profession,
            county=county,
            preferred_language=language,
            roles=(Role.LEARNER, Role.ADMIN),
            email_confirmed=True,
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Created the administrator {user.email}.")
    current_app.logger.info("Administrator %s created from the command line", user.id)


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Apply the retention periods (for cron). Safe to run as often as you like."""
    removed = purge()
    db.session.commit()
    for what, count in removed.items():
        click.echo(f"{what}: {count} removed")


@click.command("notify")
@with_appcontext
def notify_command() -> None:
    """Send the reminders, weekly digests and queued invitations that are due (for cron). Safe
    to run as often as you like, also twice at the same moment: each email goes out once."""
    from elearn.assignments.notify import send_assignment_reminders
    from elearn.authoring.announcements import send_queued as send_announcements
    from elearn.certificates.notify import send_reminders
    from elearn.events.notify import send_event_reminders
    from elearn.invitations.notify import send_queued
    from elearn.reach.notify import send_invitations
    from elearn.reporting.digest import send_digests

    counts = send_reminders()
    click.echo(", ".join(f"{what}: {count}" for what, count in counts.items()))
    counts = send_assignment_reminders()
    click.echo(
        "assignment reminders: " + ", ".join(f"{what}: {count}" for what, count in counts.items())
    )
    counts = send_digests()
    click.echo("weekly digests: " + ", ".join(f"{what}: {count}" for what, count in counts.items()))
    counts = send_queued()
    click.echo("invitations: " + ", ".join(f"{what}: {count}" for what, count in counts.items()))
    counts = send_announcements()
    click.echo("announcements: " + ", ".join(f"{what}: {count}" for what, count in counts.items()))
    counts = send_invitations()
    click.echo(
        "session invitations: " + ", ".join(f"{what}: {count}" for what, count in counts.items())
    )
    counts = send_event_reminders()
    click.echo(
        "event reminders: " + ", ".join(f"{what}: {count}" for what, count in counts.items())
    )


backup_cli = AppGroup("backup", help="Back up the database, or restore a backup into an empty one.")


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup_create_command(target: str) -> None:
    """Write a backup of the whole database to TARGET."""
    url = db.engine.url.render_as_string(hide_password=False)
    try:
        create_backup(url, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {target}.")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def backup_restore_command(source: str) -> None:
    """Restore SOURCE into the configured database, which must be empty."""
    try:
        restore_backup(db.engine, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo("Backup restored. Run `elearn db upgrade` if the code is newer than the backup.")


def init_app(app) -> None:
    app.cli.add_command(start_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(purge_command)
    app.cli.add_command(notify_command)
    from elearn.certificates.commands import certificates_cli

    app.cli.add_command(certificates_cli)
    from elearn.reach.commands import reach_cli

    app.cli.add_command(reach_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(courses_cli)
