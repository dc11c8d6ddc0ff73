"""The read-only API: the dashboard's figures as JSON for a manager's personal access token.

Two blueprints: ``api`` answers JSON under /api/v1 to a bearer token and never to a cookie;
``tokens`` holds the pages where managers and administrators create, list and revoke their
tokens. This feature sits above reporting (it reads the figures through reporting's public
functions) and no feature imports it; it hears of erasures and data downloads through the
signals of elearn/signals.py.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("tokens", __name__)
