"""Security defaults: passwords, redirects, headers, CSRF and rate limits."""

from __future__ import annotations

import os
import re
import uuid

import pytest

from elearn.accounts.models import Role
from elearn.audit.services import email_fingerprint
from elearn.extensions import db
from elearn.security import CONTENT_SECURITY_POLICY, is_safe_redirect, password_problem
from tests.conftest import PASSWORD, Client, page_text, sign_in


@pytest.mark.parametrize(
    ("password", "acceptable"),
    [
        ("short", False),
        ("123456789012", False),
        ("password1234", False),
        ("qwertyuiopasdf", False),
        ("aaaaaaaaaaaaaaaa", False),
        ("x" * 257, False),
        ("mariaionescu1", False),  # the person's own name
        ("Maria.Ionescu2026", False),
        ("plum orchard violin 42", True),
        ("Ștefan merge la Oradea cu trenul", True),
        ("correct horse battery staple", True),
        ("x7#Kq!m2Lp9@", True),
    ],
)
def test_password_policy(app, password, acceptable):
    with app.test_request_context():
        problem = password_problem(
            password, user_inputs=["Maria Ionescu", "maria.ionescu@example.org"]
        )
    assert (problem is None) is acceptable, problem


def test_password_minimum_length_is_configurable(app):
    app.config["PASSWORD_MIN_LENGTH"] = 30
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert password_problem(PASSWORD) == "Use at least 30 characters."


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/", True),
        ("/account?tab=2#x", True),
        ("/admin/people/", True),
        (None, False),
        ("", False),
        ("account", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("/\r\nLocation: https://evil.example", False),
        ("/\tevil", False),
    ],
)
def test_only_paths_on_this_site_are_safe_redirects(target, safe):
    assert is_safe_redirect(target) is safe


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY  # no third-party origin
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_and_no_third_party_request(client, make):
    sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN)))
    for url in ("/", "/register", "/account", "/admin/people/", "/accessibility"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html
        assert " style=" not in html and "<style" not in html
        assert "http://" not in html.replace("http://localhost", "")
        assert "https://" not in html


def test_signed_in_pages_are_not_cached_by_shared_computers(client, make):
    sign_in(client, make.user())
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_production_cookies_are_secure(migrated_database, monkeypatch):
    from elearn import create_app

    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", migrated_database)
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("BASE_URL", "https://learn.example.org")
    from elearn.certificates.keys import new_private_pem

    monkeypatch.setenv("CREDENTIAL_SIGNING_KEY", new_private_pem())
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    with app.app_context():
        db.engine.dispose()


class TestCSRF:
    def test_a_form_post_without_a_token_is_refused_and_changes_nothing(self, app, client, make):
        person = make.user()
        response = client.post(
            "/sign-in",
            data={"email": person.email, "password": person.password},
            csrf=False,
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 400
        assert "This form could not be accepted" in page_text(response)
        assert client.get("/account").status_code == 302

    def test_a_token_from_another_session_is_refused(self, app, client, make):
        person = make.user()
        other = app.test_client()
        token = other.csrf_token()
        response = client.post(
            "/sign-in",
            csrf=False,
            data={"email": person.email, "password": person.password, "csrf_token": token},
        )
        assert response.status_code == 400

    def test_every_state_changing_route_is_protected(self, app, client, make):
        """Each POST route answers 400 without a token, whoever asks."""
        sign_in(client, make.user(roles=(Role.LEARNER, Role.ADMIN, Role.MANAGER, Role.TRAINER)))
        posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
        assert posts
        for rule in posts:
            url = re.sub(r"<int:\w+>", "1", rule.rule)
            url = re.sub(r"<\w+>", "x", url)
            assert client.post(url, data={}, csrf=False).status_code == 400, rule.rule

    def test_the_token_does_not_expire_during_a_long_lesson(self, app):
        assert app.config["WTF_CSRF_TIME_LIMIT"] is None


@pytest.mark.parametrize(
    "config_overrides",
    [
        {
            "RATELIMIT_ENABLED": True,
            "SIGNIN_LIMIT_PER_ACCOUNT": "3 per minute",
            "SIGNIN_LIMIT_PER_ADDRESS": "10 per minute",
        }
    ],
    indirect=True,
)
class TestSignInRateLimits:
    def attempt(self, client, email, password="wrong password here", ip="10.0.0.1"):
        return client.post(
            "/sign-in",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": ip},
            headers={"Accept-Language": "en"},
        )

    def test_failed_attempts_on_one_account_are_limited_whatever_the_address(self, client, make):
        """For browsers that never signed in to the account; its owner's own browsers have
        their own limit (tests/accounts/test_lockout.py)."""
        person = make.user()
        for n in range(3):
            assert self.attempt(client, person.email, ip=f"10.0.0.{n}").status_code == 200
        blocked = self.attempt(client, person.email, ip="10.0.0.99")
        assert blocked.status_code == 429
        assert "Too many attempts" in page_text(blocked)
        # Even the right password waits, from an unknown browser.
        assert (
            self.attempt(client, person.email, person.password, ip="10.0.0.98").status_code == 429
        )

    def test_a_classroom_on_one_network_can_all_sign_in(self, app, make):
        people = [make.user() for _ in range(12)]
        for person in people:
            browser = app.test_client()
            assert self.attempt(browser, person.email, person.password).status_code == 302

    def test_failed_attempts_from_one_address_are_limited_across_accounts(self, client, make):
        for n in range(10):
            assert self.attempt(client, f"guess{n}@example.org").status_code == 200
        assert self.attempt(client, "another@example.org").status_code == 429

    def test_a_get_of_the_sign_in_page_is_not_limited(self, client):
        for _ in range(15):
            assert client.get("/sign-in").status_code == 200


@pytest.mark.parametrize(
    "config_overrides",
    [
        {
            "RATELIMIT_ENABLED": True,
            "RESET_LIMIT_PER_ACCOUNT": "2 per hour",
            "REGISTER_LIMIT_PER_ADDRESS": "2 per hour",
        }
    ],
    indirect=True,
)
def test_reset_requests_and_registrations_are_limited(client, make, outbox):
    person = make.user()
    for _ in range(2):
        assert client.post("/password/forgot", data={"email": person.email}).status_code == 200
    assert client.post("/password/forgot", data={"email": person.email}).status_code == 429
    assert len(outbox) == 2
    for _ in range(2):
        assert client.post("/register", data={"email": "x"}).status_code == 200
    assert client.post("/register", data={"email": "x"}).status_code == 429


REDIS_URL = os.environ.get("ELEARN_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="set ELEARN_TEST_REDIS_URL (CI does) to use Redis")
def test_limits_are_counted_in_redis_when_configured(migrated_database, make):
    """With Redis configured, the counters live there, where every gunicorn worker sees them."""
    import redis

    from elearn import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_SWALLOW_ERRORS": False,
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,
            "SIGNIN_LIMIT_PER_ACCOUNT": "3 per minute",
        }
    )
    # A fresh address, so that no earlier run's counters apply.
    person = make.user(email=f"{uuid.uuid4().hex}@example.org")
    with app.app_context():
        # The per-account counters are keyed by a keyed hash of the address, not the address.
        key = email_fingerprint(person.email)
    server = redis.Redis.from_url(REDIS_URL)
    try:
        app.test_client_class = Client
        data = {"email": person.email, "password": "wrong password here"}
        statuses = [app.test_client().post("/sign-in", data=data).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert list(server.scan_iter(f"*{key}*")), "no counter in Redis"
    finally:
        for name in server.scan_iter(f"*{key}*"):
            server.delete(name)
        server.close()
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    ("config_overrides", "blocked"),
    [
        # No trusted proxy: a forged X-Forwarded-For does not change the counted address.
        ({"RATELIMIT_ENABLED": True, "SIGNIN_LIMIT_PER_ADDRESS": "2 per minute"}, True),
        # One trusted proxy: its X-Forwarded-For names the client, so two clients are counted apart.
        (
            {
                "RATELIMIT_ENABLED": True,
                "SIGNIN_LIMIT_PER_ADDRESS": "2 per minute",
                "TRUSTED_PROXIES": 1,
            },
            False,
        ),
    ],
    indirect=["config_overrides"],
)
def test_the_client_address_comes_from_forwarded_headers_only_behind_a_trusted_proxy(
    client, blocked
):
    def attempt(forwarded_for):
        return client.post(
            "/sign-in",
            data={"email": "nobody@example.org", "password": "wrong password here"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code

    assert [attempt("192.0.2.1"), attempt("192.0.2.1")] == [200, 200]
    assert (attempt("192.0.2.2") == 429) is blocked


def test_a_form_opened_five_hours_ago_is_still_accepted(client, make):
    from freezegun import freeze_time

    person = make.user()
    with freeze_time("2026-11-29 08:00:00"):
        token = client.csrf_token()
    with freeze_time("2026-11-29 13:00:00"):
        response = client.post(
            "/sign-in",
            data={"email": person.email, "password": person.password, "csrf_token": token},
        )
    assert response.status_code == 302
