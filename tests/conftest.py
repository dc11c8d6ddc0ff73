"""Fixtures for the whole suite.

The database is built once per run by the real migrations, on SQLite (a temporary file) or,
when TEST_DATABASE_URL is set, on PostgreSQL. Each test gets a fresh app and empty tables.
Requests made by the test client carry a valid CSRF token unless a test says otherwise, so
CSRF stays switched on everywhere.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine

from config import normalise_database_url
from elearn import create_app
from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.audit.triggers import SQLITE_NO_DELETE
from elearn.database import utcnow
from elearn.extensions import db
from elearn.mfa import services as mfa
from elearn.mfa.models import SecondFactor
from elearn.organisations import services as organisations
from elearn.privacy.notice import accept_notice
from tests import compiled_once  # noqa: F401 - shares compiled routes and templates between apps

PASSWORD = "plum orchard violin 42"


@event.listens_for(Engine, "connect")
def _no_waiting_for_the_disk(dbapi_connection, _connection_record) -> None:
    """The suite's databases are thrown away after the run, so a commit need not wait for the
    disk: SQLite without fsync, PostgreSQL without waiting for its WAL flush. What a commit
    means to other connections is unchanged (only durability after a crash is given up). The
    benchmark and the production-front tests run the app in gunicorn, without this."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
    else:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET synchronous_commit = off")
        dbapi_connection.commit()
    cursor.close()


class Client(FlaskClient):
    """The Flask test client, adding the session's CSRF token to every POST by default."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as Flask-WTF does
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf and not kwargs.get("json"):
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """The suite's database. Under pytest-xdist (``-n auto``) each worker has its own: a file
    of its own on SQLite, and on PostgreSQL a database named after TEST_DATABASE_URL's and the
    worker, made for the run and dropped after it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'elearn-test.sqlite3'}"
        return
    url = normalise_database_url(url)
    if worker_id == "master":
        yield url
        return
    base, _, name = url.rpartition("/")
    own = f"{name}_{worker_id}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{own}"'))
    yield f"{base}/{own}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(database_url) -> str:
    """Build the schema once, through every migration, on an empty database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _drop_everything()
        upgrade()
        _empty_tables()  # every test starts alike, the first included (ids from 1)
        db.engine.dispose()
    return database_url


def _drop_everything() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _empty_tables() -> None:
    """Empty every table between tests, audit log included (the one place outside
    `elearn purge` that lifts its append-only triggers)."""
    tables = [table.name for table in db.metadata.sorted_tables]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: emptying 50 nearly empty tables takes PostgreSQL about 2 ms
            # this way and 100 ms by TRUNCATE, which gives each table a new file.
            connection.execute(text("SET LOCAL elearn.audit_retention = 'on'"))
            deletes = "; ".join(f'DELETE FROM "{name}"' for name in reversed(tables))  # noqa: S608 - our own table names
            connection.execute(text(deletes))
            # Every test starts its ids at 1 (as SQLite does after the DELETEs), so that the
            # same fixtures give the same ids: tests/snapshots.py depends on it.
            connection.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
            )
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
            # The organisation tree refers to itself: loosen it before emptying it.
            connection.execute(text("UPDATE organisations SET parent_id = NULL"))
            for name in reversed(tables):
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - our own table names
            connection.execute(text(SQLITE_NO_DELETE))


@pytest.fixture
def config_overrides(request) -> dict:
    """Settings for this test's app; set them with
    ``@pytest.mark.parametrize("config_overrides", [{...}], indirect=True)``."""
    return getattr(request, "param", {})


@pytest.fixture
def app(migrated_database, config_overrides, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "EXPORT_DIR": str(tmp_path / "exports"),
            "MEDIA_STORAGE_PATH": str(tmp_path / "media"),
            **config_overrides,
        }
    )
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app) -> list:
    """Messages sent during the test (Flask-Mailman's memory backend)."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


@dataclass
class Person:
    id: int
    email: str
    full_name: str
    password: str = PASSWORD
    totp_secret: str | None = None

    def totp(self, app) -> str:
        """A code the platform will accept now: the next step if this one was used already."""
        import pyotp

        with app.app_context():
            factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == self.id))
            totp = pyotp.TOTP(factor.secret)
            step = totp.timecode(utcnow())
            if factor.last_used_step is not None and factor.last_used_step >= step:
                step = factor.last_used_step + 1
            return totp.generate_otp(step)


def make_organisation(
    app, name="Școala Gimnazială nr. 11 Oradea", kind="school", county="BH"
) -> int:
    with app.app_context():
        organisation = organisations.create_organisation(name=name, kind=kind, county=county)
        db.session.commit()
        return organisation.id


def make_user(
    app,
    *,
    email: str | None = None,
    full_name: str = "Ștefan Gyöngyi Popescu",
    roles: tuple[Role, ...] = (Role.LEARNER,),
    organisation_id: int | None = None,
    language: str = "ro",
    profession: str = "teacher",
    county: str = "BH",
    email_confirmed: bool = True,
    membership_confirmed: bool = True,
    accepted_notice: bool = True,
    second_factor: bool | None = None,
) -> Person:
    """A person as they are after registering and doing what the platform asks: address
    confirmed, notice accepted, membership confirmed and, for managers and administrators,
    a second factor. Each can be turned off."""
    with app.app_context():
        email = email or f"person{_next_number()}@example.org"
        user = accounts.register_user(
            email=email,
            full_name=full_name,
            password=PASSWORD,
            profession=profession,
            county=county,
            preferred_language=language,
            organisation_id=organisation_id,
            roles=roles,
            email_confirmed=email_confirmed,
        )
        if organisation_id and membership_confirmed:
            user.organisation_confirmed_at = utcnow()
        if accepted_notice:
            accept_notice(user)
        if second_factor is None:
            second_factor = bool(set(roles) & mfa.PRIVILEGED_ROLES)
        secret = None
        if second_factor:
            factor = mfa.start_setup(user)
            factor.confirmed_at = utcnow()
            secret = factor.secret
        db.session.commit()
        return Person(id=user.id, email=user.email, full_name=user.full_name, totp_secret=secret)


_counter = iter(range(1, 1_000_000))


def _next_number() -> int:
    return next(_counter)


def sign_in(client, person: Person, *, remember: bool = False):
    """Sign in through the real forms, second step included when the person has one."""
    response = client.post(
        "/sign-in",
        data={
            "email": person.email,
            "password": person.password,
            "remember": "y" if remember else "",
        },
    )
    if response.status_code == 303 and response.headers["Location"] == "/sign-in/code":
        response = client.post("/sign-in/code", data={"code": person.totp(client.application)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def signed_in_client(app, person: Person) -> Client:
    """A test client holding ``person``'s session, made as the sign-in view makes it
    (elearn.accounts.views.start_session, second factor passed) without the forms' round
    trips: for tests about what a signed-in person may do, not about signing in."""
    from bench.sessions import session_cookies

    with app.app_context():
        cookie, _token = session_cookies(app, [person.id])[person.id]
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client


@pytest.fixture
def make(app):
    """Factories bound to the test's app: make.user(...), make.organisation(...)."""

    class Factories:
        @staticmethod
        def user(**kwargs) -> Person:
            return make_user(app, **kwargs)

        @staticmethod
        def organisation(**kwargs) -> int:
            return make_organisation(app, **kwargs)

    return Factories


@pytest.fixture
def as_role(app, client, make):
    """Sign the test client in as a new person holding ``role`` (None: stay anonymous)."""

    def sign_in_as(role: Role | None, **kwargs) -> Person | None:
        if role is None:
            return None
        roles = (Role.LEARNER,) if role == Role.LEARNER else (Role.LEARNER, role)
        person = make.user(roles=roles, **kwargs)
        sign_in(client, person)
        return person

    return sign_in_as


def forget_cached_contents(app) -> None:
    """Empty the app's per-process caches (elearn/caches.py: versions' outlines, lessons'
    texts), as in a worker that has just started."""
    for name in [name for name in app.extensions if name.startswith("elearn_cache_")]:
        del app.extensions[name]


def statements_made(app, request) -> list[str]:
    """The SQL statements ``request()`` makes (its answer must not be an error), each with its
    whitespace collapsed; the per-process caches as they are."""
    from sqlalchemy import event

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def listener(*args):
        statements.append(" ".join(args[2].split()))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = request()
        assert response.status_code < 400, response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return statements


def count_queries(app, request) -> int:
    """How many SQL statements ``request()`` makes, counted as a worker that has just started
    would make them: with the per-process caches empty, so that reading them in is counted
    too, in the same number of statements whatever the data."""
    forget_cached_contents(app)
    return len(statements_made(app, request))


def count_statements(app, work) -> int:
    """How many SQL statements ``work()`` makes, run inside an app context (for services
    and commands, where count_queries is for requests)."""
    from sqlalchemy import event

    statements = []

    def listener(*args):
        statements.append(args[2])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            work()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def conformance_dir() -> Path:
    """The shared conformance files written by others (GIFT, Open Badges), read in place.

    They live beside the repository, in ../shared/conformance; ELEARN_CONFORMANCE_DIR points
    elsewhere. Without them the tests that need them are skipped, except in CI, which sets
    ELEARN_REQUIRE_CONFORMANCE=1 so that a missing folder fails instead.
    """
    candidates = [
        os.environ.get("ELEARN_CONFORMANCE_DIR"),
        Path(__file__).resolve().parents[2] / "shared" / "conformance",
        "/work/shared/conformance",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "gift").is_dir():
            return Path(candidate)
    if os.environ.get("ELEARN_REQUIRE_CONFORMANCE") == "1":
        raise AssertionError(f"conformance files not found in {candidates}")
    pytest.skip("the shared conformance files are not beside this checkout")


def page_text(response) -> str:
    """The visible text of an HTML response, tags removed and spaces collapsed."""
    markup = response.get_data(as_text=True)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# A test that asks for one of these (itself or through another fixture) uses the database.
DATABASE_FIXTURES = frozenset({"app", "migrated_database", "database_url"})


def uses_database(item) -> bool:
    """Whether a test touches the test database: through a fixture, or (marked ``database``)
    by reading TEST_DATABASE_URL itself, as the benchmark's test does."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & DATABASE_FIXTURES) or item.get_closest_marker("database") is not None


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, skip the tests that use no database: their result cannot differ from
    the SQLite pass, which runs them (the pure cores: the package loader, grading, the text
    helpers...). CI runs both passes."""
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        return
    ran = pytest.mark.skip(reason="uses no database: runs in the SQLite pass")
    for item in items:
        if not uses_database(item):
            item.add_marker(ran)
