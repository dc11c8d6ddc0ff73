"""Account secrets used by several requests at the same moment: each works exactly once.

Real parallel requests (threads released together by a barrier, each with its own browser)
need a database that runs transactions side by side. SQLite serialises every writer, so the
race these tests look for cannot happen there: they run on PostgreSQL, as in CI's second pass.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import func, select

from elearn.accounts import services as accounts
from elearn.accounts import views
from elearn.accounts.models import Role, RoleAssignment, User
from elearn.extensions import db
from elearn.mfa import services as mfa
from tests.accounts.test_first_administrator import administrator_form

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"),
    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite runs one writer at a time",
)

BROWSERS = 4


def in_parallel(requests) -> list:
    """Run each callable in its own thread, all released at once; their results, in order."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, request):
        barrier.wait()
        results[index] = request()

    threads = [
        threading.Thread(target=run, args=(index, request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def slowed(monkeypatch, owner, name: str) -> None:
    """Make ``owner.name`` linger before returning, so that every request has done its check
    before the first one commits: the race is then certain, not a matter of luck."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(owner, name, slow)


def browsers_past_the_password(app, person) -> list:
    """Several browsers that each gave the right password and now wait for the second step."""
    browsers = []
    for _ in range(BROWSERS):
        browser = app.test_client()
        response = browser.post(
            "/sign-in", data={"email": person.email, "password": person.password}
        )
        assert response.headers["Location"] == "/sign-in/code"
        browsers.append(browser)
    return browsers


def signed_in(results) -> int:
    return sum(response.status_code == 302 for response in results)


def test_one_authenticator_code_signs_in_one_browser_only(app, make, monkeypatch):
    person = make.user(roles=(Role.LEARNER, Role.ADMIN))
    browsers = browsers_past_the_password(app, person)
    slowed(monkeypatch, views.services, "record_sign_in")
    code = person.totp(app)
    results = in_parallel(
        [lambda b=b: b.post("/sign-in/code", data={"code": code}) for b in browsers]
    )
    assert signed_in(results) == 1, [r.status_code for r in results]


def test_one_recovery_code_signs_in_one_browser_only(app, make, monkeypatch):
    person = make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        codes = mfa._new_recovery_codes(db.session.get(User, person.id))
        db.session.commit()
    browsers = browsers_past_the_password(app, person)
    slowed(monkeypatch, views.services, "record_sign_in")
    results = in_parallel(
        [lambda b=b: b.post("/sign-in/code", data={"code": codes[0]}) for b in browsers]
    )
    assert signed_in(results) == 1, [r.status_code for r in results]


def test_one_authenticator_code_renews_recovery_codes_once(app, make, monkeypatch):
    from tests.conftest import sign_in

    person = make.user(roles=(Role.LEARNER, Role.ADMIN))
    first = app.test_client()
    sign_in(first, person)
    # The same signed-in browser sending from several tabs at once.
    cookie = first.get_cookie("session").value
    browsers = [app.test_client() for _ in range(BROWSERS)]
    for browser in browsers:
        browser.set_cookie("session", cookie)
    code = person.totp(app)
    slowed(monkeypatch, mfa, "_new_recovery_codes")
    results = in_parallel(
        [
            lambda b=b: b.post("/account/second-factor/recovery-codes", data={"code": code})
            for b in browsers
        ]
    )
    renewed = [r for r in results if 'class="recovery-codes"' in r.get_data(as_text=True)]
    assert len(renewed) == 1, [r.status_code for r in results]


def test_the_setup_link_creates_one_administrator_when_used_three_times_at_once(app, monkeypatch):
    with app.app_context():
        token = accounts.first_administrator_token()
    slowed(monkeypatch, views, "accept_notice")
    browsers = [app.test_client() for _ in range(3)]
    results = in_parallel(
        [
            lambda b=b, n=n: b.post(
                f"/setup/{token}", data=administrator_form(email=f"admin{n}@example.org")
            )
            for n, b in enumerate(browsers)
        ]
    )
    with app.app_context():
        administrators = db.session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .where(RoleAssignment.role == Role.ADMIN)
        )
        people = db.session.scalar(select(func.count()).select_from(User))
    assert administrators == 1, [r.status_code for r in results]
    assert people == 1
