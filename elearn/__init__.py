"""elearn: multiplier training in human-trafficking prevention."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, config_for
from elearn.connections import RetryingFlask
from elearn.core.placeholders import warn_about_placeholders

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | Config | dict | None = None) -> Flask:
    """Build the application.

    ``config`` is an environment name ("development", "testing", "production"), a Config
    object, or a dict of overrides on top of the testing configuration. Without it,
    ELEARN_CONFIG chooses (development by default). The factory never touches the database
    schema, imports content or calls the network: those are CLI commands.
    """
    app = RetryingFlask(__name__, instance_relative_config=True)
    overrides = config if isinstance(config, dict) else None
    if isinstance(config, Config):
        settings = config
    else:
        settings = config_for("testing" if overrides is not None else config, app.instance_path)
    app.config.from_object(settings)
    if overrides:
        app.config.update(overrides)

    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    register_subscriptions(app)
    if app.config.get("ENV_NAME") == "production":
        # Not a refusal: the platform works, but would name a placeholder to its users.
        warn_about_placeholders(app.config, app.logger)
    return app


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address and scheme from them."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    from elearn import connections, i18n, storage
    from elearn import mail as deferred_mail
    from elearn.accounts import login
    from elearn.certificates import pdf
    from elearn.extensions import babel, cache, csrf, db, limiter, mail, migrate
    from elearn.security import refuse_nul_characters

    db.init_app(app)
    with app.app_context():
        connections.init_app(app, db.engine)  # reads without a transaction; no pre-ping
    storage.init_app(app)
    # Before CSRFProtect reads the form: an uploaded package may be larger than other requests.
    app.before_request(_allow_package_uploads)
    # Next, before every other hook: nothing may read, keep or store a request holding a NUL.
    app.before_request(refuse_nul_characters)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    i18n.init_app(app, babel)
    mail.init_app(app)
    deferred_mail.init_app(app)  # messages go out after the response
    limiter.init_app(app)
    cache.init_app(app)
    login.init_app(app)
    pdf.init_app(app)  # the size of the process's QR cache


def _allow_package_uploads() -> None:
    from flask import current_app, request

    # A package, a draft's whole zip, one media file of a draft, or a library resource's
    # files: the package's limit.
    if request.endpoint in (
        "courses.upload",
        "authoring.import_zip",
        "authoring.upload_media",
        "resources.create",  # a resource's files, one per language
        "resources.edit",
    ):
        request.max_content_length = current_app.config["PACKAGE_MAX_BYTES"]
    elif request.endpoint == "invitations.upload":
        from elearn.invitations.spreadsheet import MAX_BYTES

        # The spreadsheet's own limit, and room for the form around it: larger or smaller
        # than MAX_REQUEST_MB, only here.
        request.max_content_length = MAX_BYTES + 64 * 1024


def register_blueprints(app: Flask) -> None:
    from elearn.accounts import bp as accounts_bp
    from elearn.accounts import profile_views, views  # noqa: F401 - they add routes to accounts_bp
    from elearn.api import bp as api_bp
    from elearn.api import endpoints as _endpoints  # noqa: F401 - routes on its bp
    from elearn.api import tokens_bp
    from elearn.api import views as _tokens  # noqa: F401 - routes on its bp
    from elearn.assignments import bp as assignments_bp
    from elearn.assignments import views as _assignment_views  # noqa: F401 - routes on its bp
    from elearn.audit.views import bp as audit_bp
    from elearn.authoring import bp as authoring_bp
    from elearn.authoring import routes as _authoring  # noqa: F401 - routes on its bp
    from elearn.certificates import admin_views, export_views  # noqa: F401 - routes on its bp
    from elearn.certificates.views import bp as certificates_bp
    from elearn.cohorts import bp as cohorts_bp
    from elearn.cohorts import views as _cohort_views  # noqa: F401 - routes on its bp
    from elearn.core.views import bp as core_bp
    from elearn.courses.views import bp as courses_bp
    from elearn.events import (  # noqa: F401 - on its bp
        attendance_views,
        certificate_views,
        material_views,
    )
    from elearn.events import bp as events_bp
    from elearn.events import models as _event_models  # noqa: F401 - its tables
    from elearn.events import views as _event_views  # noqa: F401 - routes on its bp
    from elearn.invitations import accept_views, upload_views  # noqa: F401 - routes on its bp
    from elearn.invitations import bp as invitations_bp
    from elearn.invitations import views as _invitation_views  # noqa: F401 - routes on its bp
    from elearn.learning.views import bp as learning_bp
    from elearn.mfa.views import bp as mfa_bp
    from elearn.organisations import bp as organisations_bp
    from elearn.organisations import member_views as _members  # noqa: F401 - routes on its bp
    from elearn.organisations import views as _organisations  # noqa: F401 - routes on its bp
    from elearn.paths import bp as paths_bp
    from elearn.paths import views as _paths  # noqa: F401 - routes on its bp
    from elearn.privacy.views import bp as privacy_bp
    from elearn.quizzes.views import bp as quizzes_bp
    from elearn.reach import bp as reach_bp
    from elearn.reach import confirm_views  # noqa: F401 - routes on its bp
    from elearn.reach import models as _reach_models  # noqa: F401 - its tables
    from elearn.reach import views as _reach_views  # noqa: F401 - routes on its bp
    from elearn.reporting import bp as reporting_bp
    from elearn.reporting import course_views as _course  # noqa: F401 - routes on its bp
    from elearn.reporting import digest as _digest  # noqa: F401 - its table; forgets the erased
    from elearn.reporting import donor_views as _donor  # noqa: F401 - routes on its bp
    from elearn.reporting import reach_views as _reach  # noqa: F401 - routes on its bp
    from elearn.reporting import views as _reporting  # noqa: F401 - routes on its bp
    from elearn.resources import bp as resources_bp
    from elearn.resources import models as _resource_models  # noqa: F401 - its tables
    from elearn.resources import views as _resource_views  # noqa: F401 - routes on its bp
    from elearn.users.views import bp as users_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        mfa_bp,
        privacy_bp,
        users_bp,
        organisations_bp,
        cohorts_bp,
        invitations_bp,
        audit_bp,
        courses_bp,
        authoring_bp,
        paths_bp,
        learning_bp,
        quizzes_bp,
        reporting_bp,
        certificates_bp,
        assignments_bp,
        resources_bp,
        reach_bp,
        events_bp,
        tokens_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from elearn.core.errors import init_app

    init_app(app)


def register_hooks(app: Flask) -> None:
    from elearn.access import ignore_cookies
    from elearn.accounts.idle import enforce_idle_timeout, offer_draft
    from elearn.core.context import init_app as init_context
    from elearn.learning import page_views
    from elearn.privacy.views import require_current_acceptance
    from elearn.security import set_security_headers

    # In this order: the API's routes ignore cookies; an idle session ends before anything
    # else looks at it.
    app.before_request(ignore_cookies)
    app.before_request(enforce_idle_timeout)
    app.before_request(require_current_acceptance)
    app.before_request(offer_draft)
    app.after_request(set_security_headers)
    init_context(app)
    page_views.init_app(app)


def register_commands(app: Flask) -> None:
    from elearn.commands import init_app

    init_app(app)


def register_subscriptions(app: Flask) -> None:
    """Features react to the events of the features below them (elearn/signals.py)."""
    from elearn.api.subscriptions import init_app as api
    from elearn.assignments.subscriptions import init_app as assignments
    from elearn.certificates.subscriptions import init_app as certificates
    from elearn.cohorts.subscriptions import init_app as cohorts
    from elearn.events.certificate_subscriptions import init_app as attendance_certificates
    from elearn.events.subscriptions import init_app as events
    from elearn.invitations.subscriptions import init_app as invitations
    from elearn.quizzes.subscriptions import init_app as quizzes
    from elearn.reach.subscriptions import init_app as reach
    from elearn.resources.subscriptions import init_app as resources

    cohorts(app)
    invitations(app)
    quizzes(app)
    certificates(app)
    assignments(app)
    resources(app)
    reach(app)
    events(app)
    attendance_certificates(app)
    api(app)


def prepare_for_workers(app: Flask) -> None:
    """What a production server's entry point (wsgi.py) does once the app is made, before any
    request: parse the certificate fonts now rather than during the first certificate, and,
    when the server forks its workers from a process that made the app (gunicorn --preload,
    docs/operations.md), give each worker its own database connections: a connection opened
    before the fork is dropped, never closed, in the child, so that two processes never share
    one. (Redis clients already reconnect in a new process by themselves.)"""
    import os

    from elearn.certificates.pdf_fonts import warm
    from elearn.extensions import db

    warm()
    with app.app_context():
        engine = db.engine
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
