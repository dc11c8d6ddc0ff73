"""(Routes to come: this module is registered by the app factory.)"""

from elearn.events import bp  # noqa: F401
