"""(Routes to come: this module is registered by the app factory.)"""

from elearn.reporting import bp  # noqa: F401
