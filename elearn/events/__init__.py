"""Events: the workshops, seminars, round tables, network meetings, information sessions and
trainings the NGO and partner organisations hold, with registration, a waiting list,
attendance taken on the day and certificates of attendance (docs/events.md)."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
