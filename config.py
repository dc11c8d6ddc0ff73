"""Settings for each environment, read from environment variables when the app is created.

Every variable read here is listed, with its default, in the README ("Settings"); a test keeps
the two in step. Production refuses to start without a real secret key, a database and a mail
server, and says which variable to set.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

ENVIRONMENTS = ("development", "testing", "production")

# Values that people paste from tutorials; a production key must be none of them.
_WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "please-change-me", "development"}
MIN_SECRET_LENGTH = 32
MAX_REMEMBER_DAYS = 14

# The values an installation starts with until its administrator sets their own: shown in the
# footer, the privacy notice and the emails, so each is a setting to change before going live
# (docs/operations.md, "First run").
DEFAULT_SITE_NAME = "elearn"
DEFAULT_CONTACT_EMAIL = "contact@example.org"
DEFAULT_DATA_CONTROLLER = "the organisation that runs this platform"
DEFAULT_MAIL_SENDER = "elearn <no-reply@localhost>"


class ConfigurationError(RuntimeError):
    """The environment does not hold what this configuration needs to start safely."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}.")


def _env_share(name: str) -> float | None:
    """A fraction from 0 to 1, or None when the variable is not set."""
    raw = _env(name)
    if raw is None:
        return None
    try:
        share = float(raw)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise ConfigurationError(f"{name} must be a fraction from 0 to 1, not {raw!r}.")
    return share


def _env_days(name: str, default: str) -> tuple[int, ...]:
    raw = _env(name, default)
    try:
        days = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be whole numbers of days separated by commas, not {raw!r}."
        ) from None
    if not days or days[-1] < 1:
        raise ConfigurationError(f"{name} must list at least one number of days, each 1 or more.")
    return tuple(days)


def _pem(value: str | None) -> str | None:
    return value.replace("\\n", "\n") if value else value


_TESTING_KEY: list[str] = []
_TESTING_MEDIA: list[str] = []


def normalise_database_url(url: str) -> str:
    """Point plain ``postgres://`` and ``postgresql://`` URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.INSTANCE_PATH = str(instance_path)
        self.SECRET_KEY = _env("SECRET_KEY")
        database_url = _env("DATABASE_URL")
        self.SQLALCHEMY_DATABASE_URI = (
            normalise_database_url(database_url) if database_url else None
        )
        # No pre-ping: a dropped connection is found by its first statement and the request
        # runs again once (elearn/connections.py), which saves three round trips a request.
        self.SQLALCHEMY_ENGINE_OPTIONS = {}

        # Languages and time.
        self.LANGUAGES = ("ro", "en", "hu")
        self.BABEL_DEFAULT_LOCALE = "ro"
        self.BABEL_DEFAULT_TIMEZONE = _env("ELEARN_TIMEZONE", "Europe/Bucharest")

        # Sessions, cookies and CSRF.
        remember_days = _env_int("REMEMBER_COOKIE_DAYS", MAX_REMEMBER_DAYS)
        if not 1 <= remember_days <= MAX_REMEMBER_DAYS:
            raise ConfigurationError(
                f"REMEMBER_COOKIE_DAYS must be between 1 and {MAX_REMEMBER_DAYS}, "
                f"not {remember_days}."
            )
        self.REMEMBER_COOKIE_DURATION = timedelta(days=remember_days)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
        # A token lives as long as the session: a learner who spends two hours on a lesson
        # must not lose the form they submit at the end of it.
        self.WTF_CSRF_TIME_LIMIT = None
        self.WTF_CSRF_SSL_STRICT = True

        # Request size: forms are small; course packages have their own, larger, limit.
        self.MAX_CONTENT_LENGTH = _env_int("MAX_REQUEST_MB", 16) * 1024 * 1024
        self.PACKAGE_MAX_BYTES = _env_int("PACKAGE_MAX_MB", 200) * 1024 * 1024

        # Passwords and account links.
        self.PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 12)
        self.PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - an algorithm's name, not a password
        self.PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
        self.SETUP_LINK_MAX_AGE = _env_int("SETUP_LINK_MAX_AGE", 24 * 3600)

        # Rate limits. A whole class may sign in from one school network, so the limit per
        # address is generous and the limit per account is strict.
        redis_url = _env("REDIS_URL")
        self.REDIS_URL = redis_url
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", redis_url or "memory://")
        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = "elearn"
        # Failed sign-ins (docs/security-accounts.md): a browser that signed in to the account
        # before has its own limit; failures from elsewhere never block it.
        self.SIGNIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = _env(
            "SIGNIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "5 per minute; 30 per hour"
        )
        self.SIGNIN_LIMIT_PER_ACCOUNT = _env("SIGNIN_LIMIT_PER_ACCOUNT", "100 per hour")
        self.SIGNIN_LIMIT_PER_DEVICE = _env("SIGNIN_LIMIT_PER_DEVICE", "5 per minute; 30 per hour")
        self.SIGNIN_LIMIT_PER_ADDRESS = _env("SIGNIN_LIMIT_PER_ADDRESS", "150 per minute")
        self.REGISTER_LIMIT_PER_ADDRESS = _env("REGISTER_LIMIT_PER_ADDRESS", "60 per hour")
        self.RESET_LIMIT_PER_ACCOUNT = _env("RESET_LIMIT_PER_ACCOUNT", "3 per hour")
        self.RESET_LIMIT_PER_ADDRESS = _env("RESET_LIMIT_PER_ADDRESS", "30 per hour")
        # Public certificate checks: plenty for an employer checking a stack of certificates,
        # far too few to guess codes (which are 80 random bits anyway).
        self.VERIFY_LIMIT_PER_ADDRESS = _env(
            "VERIFY_LIMIT_PER_ADDRESS", "30 per minute; 300 per hour"
        )
        # Downloads of one library file counted per address (more are served, not counted):
        # a class on one school network counts, a loop does not (docs/resources.md).
        self.RESOURCE_COUNT_LIMIT_PER_ADDRESS = _env(
            "RESOURCE_COUNT_LIMIT_PER_ADDRESS", "40 per hour; 100 per day"
        )
        # The read-only API, per token (docs/api.md): enough for a report refreshed every
        # minute and a full people download, not for hammering the database.
        self.API_RATE_LIMIT = _env("API_RATE_LIMIT", "60 per minute; 1000 per hour")

        # Reports: the memory PostgreSQL may use per sort or hash in a dashboard's statement
        # (SET LOCAL, that transaction only; elearn/reporting/figures.py).
        self.REPORTING_WORK_MEM = _env("REPORTING_WORK_MEM", "64MB")
        # How long a dashboard's figures are kept and shown again (0: computed on every view).
        # The page says when they were computed. Kept in Redis when there is one, shared by
        # every worker; otherwise in each process's memory.
        self.REPORTING_CACHE_SECONDS = _env_int("REPORTING_CACHE_SECONDS", 300)
        self.CACHE_TYPE = "RedisCache" if redis_url else "SimpleCache"
        self.CACHE_REDIS_URL = redis_url
        self.CACHE_KEY_PREFIX = "elearn-cache:"
        self.CACHE_DEFAULT_TIMEOUT = 300

        # Mail. Without a server, messages go to the console (development only).
        self.MAIL_SERVER = _env("MAIL_SERVER")
        self.MAIL_PORT = _env_int("MAIL_PORT", 587)
        self.MAIL_USERNAME = _env("MAIL_USERNAME")
        self.MAIL_PASSWORD = _env("MAIL_PASSWORD")
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
        self.MAIL_TIMEOUT = 30
        self.MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", DEFAULT_MAIL_SENDER)
        self.MAIL_BACKEND = "smtp" if self.MAIL_SERVER else "console"
        self.MAIL_AFTER_CLOSE = True

        # How many reverse proxies in front of the app may set X-Forwarded-For and -Proto.
        # 0 trusts none: the client address is the connection's, whatever headers say.
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

        # Every link in an email, a PDF or a credential starts with this, never with the Host
        # header of the request that caused it.
        self.BASE_URL = (_env("BASE_URL") or "").rstrip("/") or None

        # Sessions on shared computers, and retention periods applied by `elearn purge`.
        self.IDLE_TIMEOUT_MINUTES = _env_int("IDLE_TIMEOUT_MINUTES", 30)
        self.UNCONFIRMED_ACCOUNT_DAYS = _env_int("UNCONFIRMED_ACCOUNT_DAYS", 7)
        self.FORM_DRAFT_HOURS = _env_int("FORM_DRAFT_HOURS", 24)
        self.AUDIT_RETENTION_DAYS = _env_int("AUDIT_RETENTION_DAYS", 730)
        # Invitations (docs/invitations.md): how many days an invitation's link works, and how
        # many days one that was accepted, withdrawn or left to expire is kept before
        # `elearn purge` deletes it (spreadsheets waiting for a decision: one day).
        self.INVITATION_VALID_DAYS = _env_int("INVITATION_VALID_DAYS", 14)
        self.INVITATION_RETENTION_DAYS = _env_int("INVITATION_RETENTION_DAYS", 30)
        self.EMAIL_CHANGE_MAX_AGE = _env_int("EMAIL_CHANGE_MAX_AGE", 24 * 3600)
        self.SECOND_FACTOR_LIMIT = _env("SECOND_FACTOR_LIMIT", "5 per minute; 20 per hour")

        # Certificates: reminders before expiry (days, largest first), sent by `elearn notify`,
        # and how many days before expiry a learner may renew.
        self.CERTIFICATE_REMINDER_DAYS = _env_days("CERTIFICATE_REMINDER_DAYS", "60,30,7")
        self.RECERTIFICATION_WINDOW_DAYS = _env_int("RECERTIFICATION_WINDOW_DAYS", 90)
        # How many certificates' QR codes each process keeps drawn (about 450 bytes each; the
        # same certificate is often printed again, in another language). 0 keeps none.
        self.CERTIFICATE_QR_CACHE_SIZE = _env_int("CERTIFICATE_QR_CACHE_SIZE", 256)
        # How many course versions' outlines (lessons and quizzes, without their text) and as
        # many manifests, and as many built outline sidebars, each process keeps for the learner
        # pages (elearn/learning/contents.py, outline.py; a few KB, 15-20 KB and ~5 KB each).
        self.VERSION_CONTENTS_CACHE_SIZE = _env_int("VERSION_CONTENTS_CACHE_SIZE", 200)
        # How many published lessons' texts (HTML and objectives, one language each) each
        # process keeps for the lesson page (elearn/courses/lesson_text.py; 5-20 KB each).
        self.LESSON_TEXT_CACHE_SIZE = _env_int("LESSON_TEXT_CACHE_SIZE", 300)
        # How many signed-in people (their account's values and roles, about 1 KB each) each
        # process keeps between requests, checked at each request against the revision the
        # database bumps at every change (elearn/accounts/login.py). 0 loads them every time.
        self.PERSON_CACHE_SIZE = _env_int("PERSON_CACHE_SIZE", 1000)
        # Lesson page views (the time on each lesson, "where I stopped") are kept in each
        # worker's memory and written together every this many seconds, and when the worker
        # stops (elearn/learning/page_views.py); 0 writes each view in its request.
        self.LESSON_VIEWS_FLUSH_SECONDS = _env_int("LESSON_VIEWS_FLUSH_SECONDS", 5)
        # Whether each worker runs the thread that writes them (the tests write them when
        # they choose, with page_views.flush).
        self.LESSON_VIEWS_FLUSHER = True
        # Where they are kept: in Redis when there is one (every worker sees every view at
        # once, and a worker killed outright loses none) unless LESSON_VIEWS_IN_REDIS=0, else
        # in each worker's memory.
        in_redis = _env_bool("LESSON_VIEWS_IN_REDIS", True)
        self.LESSON_VIEWS_REDIS_URL = redis_url if in_redis else None
        self.LESSON_VIEWS_REDIS_PREFIX = "elearn:lesson-views:"
        # The share of a lesson's stated duration it must be open before it can be marked
        # complete, for every course (docs/learning-time.md). Unset: each course's own share;
        # 0 switches the rule off (demonstrations, automated walk-throughs).
        self.MIN_LESSON_TIME_SHARE = _env_share("MIN_LESSON_TIME_SHARE")
        # Managers' weekly digest, also sent by `elearn notify`: from this ISO weekday (1 is
        # Monday, 0 switches the digest off) at this hour, local time (ELEARN_TIMEZONE).
        self.REPORT_DIGEST_WEEKDAY = _env_int("REPORT_DIGEST_WEEKDAY", 1)
        if not 0 <= self.REPORT_DIGEST_WEEKDAY <= 7:
            raise ConfigurationError(
                "REPORT_DIGEST_WEEKDAY must be 1 (Monday) to 7 (Sunday), or 0 for no digest."
            )
        self.REPORT_DIGEST_HOUR = _env_int("REPORT_DIGEST_HOUR", 7)
        if not 0 <= self.REPORT_DIGEST_HOUR <= 23:
            raise ConfigurationError("REPORT_DIGEST_HOUR must be an hour from 0 to 23.")
        # Open Badges credentials are signed with this Ed25519 key (PEM; "\n" may stand for the
        # line breaks); keys retired from signing stay published so old credentials verify.
        self.CREDENTIAL_SIGNING_KEY = _pem(_env("CREDENTIAL_SIGNING_KEY"))
        self.CREDENTIAL_RETIRED_KEYS = _pem(_env("CREDENTIAL_RETIRED_KEYS")) or ""
        # Where managers' bulk exports are built and kept for a week (not a setting of its own).
        self.EXPORT_DIR = str(Path(instance_path) / "exports")

        # Where the bytes of course files (media above all) live; the database keeps an index.
        # "local": a folder; "s3": an S3-compatible bucket (needs the s3 extra, boto3).
        self.MEDIA_STORAGE = _env("MEDIA_STORAGE", "local")
        if self.MEDIA_STORAGE not in ("local", "s3"):
            raise ConfigurationError(
                f"MEDIA_STORAGE must be local or s3, not {self.MEDIA_STORAGE!r}."
            )
        self.MEDIA_STORAGE_PATH = _env("MEDIA_STORAGE_PATH", str(Path(instance_path) / "media"))
        self.MEDIA_S3_BUCKET = _env("MEDIA_S3_BUCKET")
        self.MEDIA_S3_PREFIX = _env("MEDIA_S3_PREFIX", "")
        self.MEDIA_S3_ENDPOINT_URL = _env("MEDIA_S3_ENDPOINT_URL")
        self.MEDIA_S3_REGION = _env("MEDIA_S3_REGION")
        self.MEDIA_S3_ACCESS_KEY_ID = _env("MEDIA_S3_ACCESS_KEY_ID")
        self.MEDIA_S3_SECRET_ACCESS_KEY = _env("MEDIA_S3_SECRET_ACCESS_KEY")
        if self.MEDIA_STORAGE == "s3" and not self.MEDIA_S3_BUCKET:
            raise ConfigurationError("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET.")

        # Shown in the footer, the accessibility statement and the privacy notice.
        self.SITE_NAME = _env("SITE_NAME", DEFAULT_SITE_NAME)
        self.CONTACT_EMAIL = _env("CONTACT_EMAIL", DEFAULT_CONTACT_EMAIL)
        # Who is responsible for the personal data on this installation (the controller).
        self.DATA_CONTROLLER = _env("DATA_CONTROLLER", DEFAULT_DATA_CONTROLLER)

    def validate(self) -> None:
        """Raise ConfigurationError when this environment cannot start safely."""


class DevelopmentConfig(Config):
    """A laptop: SQLite under instance/, mail on the console, a secret generated once."""

    ENV_NAME = "development"

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        super().__init__(instance_path)
        if not self.SQLALCHEMY_DATABASE_URI:
            db_file = Path(instance_path) / "elearn.sqlite3"
            self.SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret(Path(instance_path))
        if not self.CREDENTIAL_SIGNING_KEY:
            from elearn.certificates.keys import instance_key

            self.CREDENTIAL_SIGNING_KEY = instance_key(Path(instance_path))
        self.BASE_URL = self.BASE_URL or "http://127.0.0.1:5000"


class TestingConfig(Config):
    """The test suite: cheap password hashing, mail kept in memory, no real rate limits."""

    ENV_NAME = "testing"

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        super().__init__(instance_path)
        self.TESTING = True
        self.SECRET_KEY = "testing-only-" + "x" * 40
        url = _env("TEST_DATABASE_URL")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(url) if url else "sqlite://"
        self.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - cheap parameters for tests
        if not self.CREDENTIAL_SIGNING_KEY:  # one key per test process, never written to disk
            from elearn.certificates.keys import new_private_pem

            if not _TESTING_KEY:
                _TESTING_KEY.append(new_private_pem())
            self.CREDENTIAL_SIGNING_KEY = _TESTING_KEY[0]
        self.MAIL_BACKEND = "locmem"
        # Figures computed on every view, so that a test sees what it just wrote; the tests
        # of the cache itself switch it on.
        self.REPORTING_CACHE_SECONDS = 0
        self.CACHE_TYPE = "SimpleCache"
        # Servers send mail once the response has gone (WSGI close); the test client does not
        # close responses, so in tests it goes as soon as the response is finished.
        self.MAIL_AFTER_CLOSE = False
        if not _env("MEDIA_STORAGE_PATH"):  # the app fixture gives each test its own folder
            if not _TESTING_MEDIA:
                _TESTING_MEDIA.append(tempfile.mkdtemp(prefix="elearn-test-media-"))
            self.MEDIA_STORAGE_PATH = _TESTING_MEDIA[0]
        self.RATELIMIT_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        # Tests mark lessons complete the moment they open them; the tests of the minimum
        # time itself set it back to None (tests/learning/test_lesson_time.py).
        self.MIN_LESSON_TIME_SHARE = 0.0
        # Views are buffered as in production, and written when a test flushes them.
        self.LESSON_VIEWS_FLUSHER = False
        self.LESSON_VIEWS_REDIS_URL = None  # the tests of Redis set it, with a prefix of their own
        self.SERVER_NAME = None
        self.BASE_URL = "http://localhost"


class ProductionConfig(Config):
    """PostgreSQL behind gunicorn: every secret comes from the environment."""

    ENV_NAME = "production"

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        super().__init__(instance_path)
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        self.PREFERRED_URL_SCHEME = "https"

    def validate(self) -> None:
        problems = []
        key = self.SECRET_KEY or ""
        if key.lower() in _WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH:
            problems.append(
                f"SECRET_KEY: set it to a random string of at least {MIN_SECRET_LENGTH} "
                "characters, for example the output of: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if not self.SQLALCHEMY_DATABASE_URI:
            problems.append(
                "DATABASE_URL: set it to the PostgreSQL database, "
                "for example postgresql://elearn@127.0.0.1:5432/elearn"
            )
        if not self.BASE_URL or not self.BASE_URL.startswith("https://"):
            problems.append(
                "BASE_URL: set the public https address of the platform, for example "
                "https://learn.example.org; every emailed link is built from it"
            )
        if not self.CREDENTIAL_SIGNING_KEY:
            problems.append(
                "CREDENTIAL_SIGNING_KEY: set the Ed25519 private key (PEM) that signs Open Badges "
                "credentials; make one with: elearn certificates new-key"
            )
        else:
            from elearn.certificates.keys import load_private

            try:
                load_private(self.CREDENTIAL_SIGNING_KEY)
            except ValueError:
                problems.append(
                    "CREDENTIAL_SIGNING_KEY: this is not an Ed25519 private key in PEM form; make "
                    "one with: elearn certificates new-key"
                )
        if not self.MAIL_SERVER:
            problems.append(
                "MAIL_SERVER: set the SMTP server that sends password-reset links "
                "(and MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER as it needs)"
            )
        if problems:
            raise ConfigurationError(
                "The production configuration cannot start. Set these environment variables:\n  - "
                + "\n  - ".join(problems)
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None, instance_path: str | os.PathLike[str]) -> Config:
    """Build the configuration named by ``name`` or by ELEARN_CONFIG (default: development)."""
    name = name or _env("ELEARN_CONFIG", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"ELEARN_CONFIG must be one of {', '.join(ENVIRONMENTS)}, not {name!r}."
        ) from None
    config = cls(instance_path)
    config.validate()
    return config


def _instance_secret(instance_path: Path) -> str:
    """Create, once, a random key kept in instance/secret_key (development only)."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()
