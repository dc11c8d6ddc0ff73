"""Assignments: a course or a learning path given to people with a due date."""

from flask import Blueprint

bp = Blueprint("assignments", __name__)
