"""The base of the errors services raise when a request cannot be carried out."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the platform refused a change; ``message`` is shown to the person.

    ``field`` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
