"""A spreadsheet of people to invite: checked whole and kept (``InvitationUpload``) until the
manager imports it, or imports its good rows and skips the bad ones.

What importing does to each person, decided against the database when the preview is shown
and again when the import runs (``plan``):

- a confirmed member of the organisation or of one below it is not invited: they are added
  to the row's cohort (cohorts' own service), or left as they are;
- an invitation to that address that is still waiting is left waiting (its cohort is set
  when the row names one); one that expired is renewed and sent again;
- everyone else gets an invitation (an account with that address is invited to join, never
  duplicated). The invitations are written by one multi-row INSERT, with sent_at empty:
  `elearn notify` sends them (elearn/invitations/notify.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select, text, update

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.cohorts import services as cohorts
from elearn.database import insert_statement, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.invitations import services
from elearn.invitations.models import _OPEN, Invitation, InvitationUpload
from elearn.invitations.roster import Problem, check_roster
from elearn.organisations import tree
from elearn.text import fold


def check_upload(organisation_id: int, filename: str, data: bytes, *, by_id: int):
    """Check the file and keep the result for the preview, replacing the manager's earlier
    upload for this organisation. Returns (upload, roster)."""
    professions, counties = services.vocabularies()
    roster = check_roster(data, professions=professions, counties=counties)
    db.session.execute(
        delete(InvitationUpload).where(
            InvitationUpload.organisation_id == organisation_id,
            InvitationUpload.uploaded_by_id == by_id,
        )
    )
    upload = InvitationUpload(
        organisation_id=organisation_id,
        uploaded_by_id=by_id,
        filename=(filename or "")[:255],
        rows=[person.as_dict() for person in roster.people],
        problems=[problem.as_dict() for problem in roster.problems],
    )
    db.session.add(upload)
    db.session.flush()
    record(
        "invitations.uploaded",
        actor_id=by_id,
        target_type="invitation_upload",
        target_id=upload.id,
        organisation_id=organisation_id,
        rows=len(roster.people),
        problems=len(roster.problems),
    )
    return upload, roster


def upload_of(organisation_id: int, upload_id: int, by_id: int) -> InvitationUpload | None:
    """The manager's own upload for that organisation (nobody else's)."""
    upload = db.session.get(InvitationUpload, upload_id)
    if upload is None or upload.organisation_id != organisation_id:
        return None
    return upload if upload.uploaded_by_id == by_id else None


def discard(upload: InvitationUpload, *, by_id: int) -> None:
    """The manager decided not to import: the file's rows go at once."""
    record(
        "invitations.upload_discarded",
        actor_id=by_id,
        target_type="invitation_upload",
        target_id=upload.id,
        organisation_id=upload.organisation_id,
    )
    db.session.delete(upload)
    db.session.flush()


def problems_of(upload: InvitationUpload) -> list[Problem]:
    return [Problem(**problem) for problem in upload.problems]


def bad_line_count(upload: InvitationUpload) -> int:
    return len({problem["line"] for problem in upload.problems if problem["line"] is not None})


def is_importable(upload: InvitationUpload) -> bool:
    """Rows to import, and no problem with the whole file."""
    return bool(upload.rows) and all(problem["line"] is not None for problem in upload.problems)


@dataclass
class Plan:
    """What importing the rows would do, person by person (each a row dict)."""

    invite: list[dict] = field(default_factory=list)  # no account
    invite_to_join: list[dict] = field(default_factory=list)  # an account elsewhere
    renew: list[tuple[dict, int]] = field(default_factory=list)  # (row, invitation id)
    waiting: list[tuple[dict, int]] = field(default_factory=list)
    to_cohort: list[tuple[dict, int]] = field(default_factory=list)  # (row, user id)
    members: list[dict] = field(default_factory=list)  # members here, no cohort named
    new_cohorts: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(value) for name, value in vars(self).items() if name != "new_cohorts"} | {
            "new_cohorts": len(self.new_cohorts)
        }


def plan(organisation_id: int, rows: list[dict], now: datetime) -> Plan:
    """Sort the rows by what importing them does; a fixed number of queries however many."""
    emails = [row["email"] for row in rows]
    subtree = set(db.session.scalars(tree.subtree_ids(organisation_id)))
    accounts = {
        row.email: row
        for row in db.session.execute(
            select(
                User.email,
                User.id,
                User.organisation_id,
                User.organisation_confirmed_at,
                User.deactivated_at,
                User.erased_at,
            ).where(User.email.in_(emails))
        )
    }
    invitations = {
        row.email: row
        for row in db.session.execute(
            select(Invitation.email, Invitation.id, Invitation.expires_at).where(
                Invitation.organisation_id == organisation_id,
                Invitation.email.in_(emails),
                services.is_open(),
            )
        )
    }
    named = {fold(row["cohort"]): row["cohort"] for row in rows if row["cohort"]}
    existing = cohorts.find_by_names(organisation_id, named.values())
    result = Plan(new_cohorts=sorted((n for k, n in named.items() if k not in existing), key=fold))
    for row in rows:
        person = accounts.get(row["email"])
        invitation = invitations.get(row["email"])
        if person is not None and _member_within(person, subtree):
            if row["cohort"]:
                result.to_cohort.append((row, person.id))
            else:
                result.members.append(row)
        elif invitation is not None and invitation.expires_at > now:
            result.waiting.append((row, invitation.id))
        elif invitation is not None:
            result.renew.append((row, invitation.id))
        elif person is not None:
            result.invite_to_join.append(row)
        else:
            result.invite.append(row)
    return result


def _member_within(person, subtree: set[int]) -> bool:
    return (
        person.deactivated_at is None
        and person.erased_at is None
        and person.organisation_confirmed_at is not None
        and person.organisation_id in subtree
    )


def import_upload(upload: InvitationUpload, *, skip_bad: bool, language: str, by) -> Plan:
    """Import the checked rows: set-based writes, then the upload is deleted. Raises
    DomainError when the file cannot be imported, or has bad rows and ``skip_bad`` is off."""
    if not is_importable(upload):
        raise DomainError(_l("Nothing in this file can be imported. Upload a corrected file."))
    if upload.problems and not skip_bad:
        raise DomainError(
            _l("Some rows have problems: correct the file, or choose to skip those rows.")
        )
    now = utcnow()
    organisation_id = upload.organisation_id
    result = plan(organisation_id, upload.rows, now)
    cohort_ids = _cohorts_for(organisation_id, upload.rows, by_id=by.id)
    by_cohort = defaultdict(list)
    for row, user_id in result.to_cohort:
        by_cohort[cohort_ids[fold(row["cohort"])]].append(user_id)
    for cohort_id, user_ids in by_cohort.items():
        cohorts.add_members(cohorts.cohort_of(organisation_id, cohort_id), user_ids, by_id=by.id)
    _set_cohorts(
        [(invitation_id, cohort_ids[fold(r["cohort"])]) for r, invitation_id in result.waiting
         if r["cohort"]]
    )  # fmt: skip
    _renew(result.renew, cohort_ids, language, by_id=by.id, now=now)
    _insert(
        organisation_id, result.invite + result.invite_to_join, cohort_ids, language, by.id, now
    )
    record(
        "invitations.imported",
        actor_id=by.id,
        target_type="invitation_upload",
        target_id=upload.id,
        organisation_id=organisation_id,
        skipped_lines=bad_line_count(upload),
        **result.counts(),
    )
    db.session.delete(upload)
    db.session.flush()
    return result


def _cohorts_for(organisation_id: int, rows: list[dict], *, by_id: int) -> dict[str, int]:
    """Folded cohort name -> id, creating the cohorts the file names that do not exist."""
    named = {fold(row["cohort"]): row["cohort"] for row in rows if row["cohort"]}
    existing = cohorts.find_by_names(organisation_id, named.values())
    ids = {key: cohort.id for key, cohort in existing.items()}
    for key, name in named.items():
        if key not in ids:
            ids[key] = cohorts.create_cohort(organisation_id, name, by_id=by_id).id
    return ids


def _details(row: dict, cohort_ids: dict[str, int], language: str) -> dict:
    return {
        "full_name": row["full_name"],
        "profession": row["profession"],
        "county": row["county"],
        "cohort_id": cohort_ids[fold(row["cohort"])] if row["cohort"] else None,
        "language": language,
    }


def _set_cohorts(pairs: list[tuple[int, int]]) -> None:
    if pairs:
        db.session.execute(
            update(Invitation.__table__)
            .where(Invitation.__table__.c.id == bindparam("invitation_id"))
            .values(cohort_id=bindparam("new_cohort_id")),
            [{"invitation_id": i, "new_cohort_id": c} for i, c in pairs],
        )


def _renew(pairs, cohort_ids, language, *, by_id: int, now: datetime) -> None:
    """Expired invitations get a new period and go back in the sending queue, with a hash
    nobody has the secret of: the old link stays dead, `elearn notify` makes the new one."""
    if not pairs:
        return
    table = Invitation.__table__
    values = {name: bindparam(f"new_{name}") for name in _details(pairs[0][0], cohort_ids, "")}
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("invitation_id"))
        .values(
            **values,
            token_hash=bindparam("new_token_hash"),
            expires_at=services.expiry(now),
            sent_at=None,
            invited_by_id=by_id,
        ),
        [
            {
                "invitation_id": invitation_id,
                "new_token_hash": services.new_secret()[1],
                **{f"new_{k}": v for k, v in _details(row, cohort_ids, language).items()},
            }
            for row, invitation_id in pairs
        ],
    )


def _insert(organisation_id, rows, cohort_ids, language, by_id: int, now: datetime) -> None:
    """One multi-row INSERT; a person invited by someone else meanwhile is left as they are."""
    if not rows:
        return
    statement = insert_statement(db.session)(Invitation).on_conflict_do_nothing(
        index_elements=["organisation_id", "email"], index_where=text(_OPEN)
    )
    db.session.execute(
        statement,
        [
            {
                "organisation_id": organisation_id,
                "email": row["email"],
                **_details(row, cohort_ids, language),
                "token_hash": services.new_secret()[1],
                "invited_by_id": by_id,
                "created_at": now,
                "send_count": 0,
                "expires_at": services.expiry(now),
            }
            for row in rows
        ],
    )
