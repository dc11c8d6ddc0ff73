"""Signed-in sessions for the generated learners, made without signing in through HTTP.

Signing in costs a deliberately slow password hash; the page measurements are about pages,
so their learners get their session cookie from the app itself, exactly as the sign-in view
makes it (elearn.accounts.views.start_session). The classroom burst, in contrast, signs in
for real.
"""

from __future__ import annotations

from flask import g, session
from flask_wtf.csrf import generate_csrf

from elearn.accounts.models import User
from elearn.accounts.views import start_session
from elearn.extensions import db
from elearn.privacy.notice import CURRENT_VERSION


def session_cookies(
    app, user_ids: list[int], *, address: str | None = None, user_agent: str | None = None
) -> dict[int, tuple[str, str]]:
    """user id -> (session cookie value, CSRF token), signed with the app's secret key.

    ``address`` and ``user_agent``: the client the requests will come from (Flask-Login ties
    a session to them; by default the Flask test client's)."""
    serializer = app.session_interface.get_signing_serializer(app)
    environ = {}
    if address:
        environ["REMOTE_ADDR"] = address
    if user_agent:
        environ["HTTP_USER_AGENT"] = user_agent
    cookies = {}
    for user_id in user_ids:
        with app.test_request_context("/", base_url=app.config["BASE_URL"], environ_base=environ):
            start_session(db.session.get(User, user_id))
            session["privacy_accepted"] = CURRENT_VERSION
            g.pop("csrf_token", None)  # g outlives this request: the app context is shared
            token = generate_csrf()
            cookies[user_id] = (serializer.dumps(dict(session)), token)
    db.session.commit()  # the sessions' records on the server, without which no cookie works
    return cookies
