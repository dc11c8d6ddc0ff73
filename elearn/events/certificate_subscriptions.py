"""(Receivers to come: init_app is called by the app factory.)"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect this feature's receivers (none yet)."""
