"""Versions of the privacy notice.

The text of each version lives in templates/privacy/notices/<version>.<language>.html. To
publish a change: add the new version's three files, add its date here, and every person is
shown it at their next sign-in and asked to accept it.

Accepting it is part of creating an account, so this module sits with accounts (below the
features), apart from the data rights in elearn/privacy/services.py.
"""

from __future__ import annotations

from sqlalchemy import select

from elearn.database import insert_once, utcnow
from elearn.extensions import db
from elearn.privacy.models import PrivacyAcceptance

# Oldest first; the last is the one in force.
# 2026-12-06: session records on the server and the device cookie (issue 10).
# 2026-12-07: invitations (what an organisation gives us, nothing created until accepted,
# deleted after); managers' weekly summaries and personal API tokens (issues 12 and 13).
# 2026-12-08: sessions delivered and their anonymous confirmations, events, the resource
# library (issue 16).
VERSIONS = ("2026-11-29", "2026-12-06", "2026-12-07", "2026-12-08")
CURRENT_VERSION = VERSIONS[-1]


def has_accepted_current_notice(user) -> bool:
    return (
        db.session.scalar(
            select(PrivacyAcceptance.id).where(
                PrivacyAcceptance.user_id == user.id,
                PrivacyAcceptance.version == CURRENT_VERSION,
            )
        )
        is not None
    )


def accept_notice(user, version: str | None = None) -> None:
    """Record that ``user`` accepted ``version`` of the notice, by default the one in force
    (once per version)."""
    version = version or CURRENT_VERSION
    insert_once(
        db.session,
        PrivacyAcceptance,
        ("user_id", "version"),
        user_id=user.id,
        version=version,
        accepted_at=utcnow(),
    )
