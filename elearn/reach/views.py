"""(Routes to come: this module is registered by the app factory.)"""

from elearn.reach import bp  # noqa: F401
