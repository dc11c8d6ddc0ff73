"""What the API's tokens do when something happens below them (elearn/signals.py): an
erasure deletes the person's tokens; a data download lists them."""

from __future__ import annotations

from elearn.api.services import forget_tokens, tokens_in_download
from elearn.signals import person_erased, personal_data_requested


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    person_erased.connect(forget_tokens)
    personal_data_requested.connect(tokens_in_download)
