"""Organisations, their tree, and the people who belong to them."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)
