"""Links that leave the site (emails, PDFs, credentials) are built from BASE_URL only.

Building them from the request would let anyone who can send a forged Host header put their
own domain into a password-reset email.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` on this platform, under BASE_URL (also from a
    command such as `elearn notify`, which has no request)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"] + path
