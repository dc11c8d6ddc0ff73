"""Accounts: each person's registration, sign-in, password, email address and profile."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
