"""`elearn notify` sends the invitations a spreadsheet import queued (sent_at empty).

Why a queue and not "after the response": an import of 5,000 people would keep a web worker
busy for minutes after its response, where a restart or the worker timeout would drop the
rest silently. The queue is in the database: each batch is claimed by one conditional UPDATE
(sent_at set where it is still empty, so two runs at once never take the same invitation),
each claimed invitation gets its link's secret only now (its hash replaces the placeholder
stored at import), the claim is committed, and then the mail goes out. A message the mail
server refuses puts its invitation back in the queue for the next run; a run that stops on
the mail server's failures leaves the rest for the next run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from elearn.database import utcnow
from elearn.extensions import db
from elearn.invitations import emails
from elearn.invitations.models import Invitation
from elearn.invitations.services import is_open, new_secret, purge_uploads

BATCH = 100


def send_queued(now: datetime | None = None, *, batch: int = BATCH) -> dict[str, int]:
    """Send every queued invitation, ``batch`` at a time; returns how many were sent and how
    many failed (those wait for the next run)."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0}
    last_id = 0
    while True:
        claimed = _claim(last_id, now, batch)
        if not claimed:
            break
        last_id = max(claimed)
        failed = []
        for invitation_id, secret in claimed.items():
            invitation = db.session.get(Invitation, invitation_id)
            if emails.send_invitation(invitation, secret):
                counts["sent"] += 1
            else:
                failed.append(invitation_id)
        if failed:
            db.session.execute(
                update(Invitation)
                .where(Invitation.id.in_(failed), Invitation.sent_at == now)
                .values(sent_at=None, send_count=Invitation.send_count - 1)
                .execution_options(synchronize_session=False)
            )
            counts["failed"] += len(failed)
        db.session.commit()
        if len(failed) == len(claimed):
            break  # the mail server is down: the next run tries again
    # Spreadsheets hold people's details: none is kept undecided for more than a day, which
    # this hourly run keeps to within the hour (`elearn purge` does it daily too).
    purge_uploads(now)
    db.session.commit()
    return counts


def _claim(after_id: int, now: datetime, batch: int) -> dict[int, str]:
    """Claim up to ``batch`` queued invitations (committed); their ids with new secrets."""
    candidates = select(Invitation.id).where(
        Invitation.id > after_id,
        Invitation.sent_at.is_(None),
        is_open(),
        Invitation.expires_at > now,
    )
    ids = list(db.session.scalars(candidates.order_by(Invitation.id).limit(batch)))
    if not ids:
        return {}
    taken = db.session.scalars(
        update(Invitation)
        .where(Invitation.id.in_(ids), Invitation.sent_at.is_(None), is_open())
        .values(sent_at=now, send_count=Invitation.send_count + 1)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).all()
    secrets = {invitation_id: new_secret() for invitation_id in sorted(taken)}
    if secrets:
        db.session.execute(
            update(Invitation),
            [{"id": i, "token_hash": token_hash} for i, (_s, token_hash) in secrets.items()],
        )
    db.session.commit()
    if not taken:  # another run took them all: look further on
        return _claim(max(ids), now, batch)
    return {invitation_id: secret for invitation_id, (secret, _h) in secrets.items()}
