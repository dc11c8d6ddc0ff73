"""Invitations: managers and administrators invite people into an organisation by email, one
at a time or from a spreadsheet."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)
