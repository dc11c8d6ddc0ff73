"""The resource library: posters, flyers, guides, session kits and presentations for each
audience and language, uploaded by trainers, reviewed, and linked from sessions, events and
courses by key (docs/resources.md)."""

from flask import Blueprint

bp = Blueprint("resources", __name__, url_prefix="/resources")
