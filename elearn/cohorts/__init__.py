"""Cohorts: named groups of people inside an organisation, managed by its managers."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
