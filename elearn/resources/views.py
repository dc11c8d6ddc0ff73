"""(Routes to come: this module is registered by the app factory.)"""

from elearn.resources import bp  # noqa: F401
