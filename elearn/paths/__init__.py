"""Learning paths: an ordered list of courses declared for a profession."""

from flask import Blueprint

bp = Blueprint("paths", __name__, url_prefix="/manage/paths")
