"""The reach ledger: the sessions people trained here deliver to pupils, parents, colleagues
and communities, declared by them and confirmed by the people present (docs/reach.md)."""

from flask import Blueprint

bp = Blueprint("reach", __name__, url_prefix="/reach")
