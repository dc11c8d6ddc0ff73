"""Reporting: completion figures for managers, read-only. It queries the other features'
tables and no feature imports it (see docs/reporting.md for what every figure means)."""

from flask import Blueprint

bp = Blueprint("reporting", __name__)
