"""The few domain events one feature sends and a higher one reacts to, without the lower
feature importing the higher (house style: dependencies run one way)."""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# Sent by elearn/privacy when a person erases their account, inside the erasing transaction,
# with ``user_id`` and ``certificate_ids`` (their certificates, kept without the name).
person_erased = _events.signal("person-erased")
