"""The few domain events one feature sends and a higher one reacts to, without the lower
feature importing the higher (house style: dependencies run one way)."""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# Sent by elearn/privacy when a person erases their account, inside the erasing transaction,
# with ``user_id`` and ``certificate_ids`` (their certificates, kept without the name).
person_erased = _events.signal("person-erased")

# Sent by elearn/privacy while it gathers everything held about a person (their download),
# with the person as sender; each receiver returns {file name: JSON-ready document} for what
# its feature holds, so that privacy needs not import the features above it.
personal_data_requested = _events.signal("personal-data-requested")
