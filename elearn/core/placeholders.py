"""Settings that still hold the values they ship with: a fresh installation works, but its
footer, privacy notice or emails would name a placeholder. Production warns at start
(`create_app`), and the administrators' first-run checklist lists them (setup_check.py)."""

from __future__ import annotations

from config import DEFAULT_DATA_CONTROLLER, DEFAULT_SITE_NAME

_PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "localhost")


def _placeholder_address(address: str | None) -> bool:
    domain = (address or "").rstrip(">").rpartition("@")[2].strip().lower()
    return not domain or domain in _PLACEHOLDER_DOMAINS


def placeholder_settings(config) -> list[tuple[str, str]]:
    """(variable, what to do) for each setting still holding the value it ships with.

    ``config`` is a Flask app's config (anything read with ``[name]``). Not an
    error: the platform works, but the footer, the privacy notice or the emails would name
    a placeholder, so production warns at start and the administrators' home page lists them.
    """
    read = config.__getitem__
    found = []
    if read("SITE_NAME") == DEFAULT_SITE_NAME:
        found.append(("SITE_NAME", "the platform's name, shown in the footer, emails and PDFs"))
    if _placeholder_address(read("CONTACT_EMAIL")):
        found.append(("CONTACT_EMAIL", "the address people write to, shown in the footer"))
    if read("DATA_CONTROLLER") == DEFAULT_DATA_CONTROLLER:
        found.append(
            ("DATA_CONTROLLER", "the organisation responsible for personal data, in the notice")
        )
    if not read("MAIL_SERVER") or _placeholder_address(read("MAIL_DEFAULT_SENDER")):
        found.append(
            (
                "MAIL_SERVER, MAIL_DEFAULT_SENDER",
                "the SMTP server and a real sender address, so that emails arrive",
            )
        )
    return found


def warn_about_placeholders(config, logger) -> None:
    """Log one warning per setting still holding its shipped value (production, at start)."""
    for variable, meaning in placeholder_settings(config):
        logger.warning(
            "%s still holds its placeholder: set %s (docs/operations.md, First run).",
            variable,
            meaning,
        )
