"""Recording, editing and correcting delivered sessions (docs/reach.md).

Plain functions: they raise DomainError for what a person can put right, flush, and never
commit. What the person may record with (their valid certificates, their session plans and
the approved materials) is read in a fixed number of statements, whatever they hold.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.certificates.services import local_day
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.reach import tally
from elearn.reach.catalogue import CourseOption
from elearn.reach.choices import AGE_BANDS, AUDIENCES, EDITABLE_DAYS, SETTINGS
from elearn.reach.models import DeliveredSession, SessionMaterial
from elearn.reference import COUNTIES
from elearn.resources.handed_out import MAX_COPIES, sync_materials

# A session may be recorded ahead so that its code can be shown on the day, up to a year;
# and afterwards up to a year back (older sessions are history, not reach to report).
AHEAD_DAYS = 366
BACK_DAYS = 366
MAX_ATTENDEES = 10_000
# The confirmation code: seven symbols that cannot be mistaken for each other when read from
# a projector or typed on a phone (no 0/O, 1/I/L, 2/Z, 5/S, 8/B): 25**7, about 6 billion.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 7


@dataclass
class SessionInput:
    """What a person fills in for a session; checked by ``check_input``."""

    delivered_on: date
    county: str
    locality: str
    setting: str
    audience: str
    age_band: str | None
    declared_count: int
    course_id: int
    session_plan_key: str | None
    reflection: str | None = None
    materials: dict[int, int] = field(default_factory=dict)  # resource id -> copies


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def confirmation_window(delivered_on: date) -> tuple[datetime, datetime]:
    """From the start of the session's day to the end of the next day, local time (UTC)."""
    zone = _zone()
    opens = datetime.combine(delivered_on, time(), tzinfo=zone)
    closes = datetime.combine(delivered_on + timedelta(days=2), time(), tzinfo=zone)
    return opens, closes


def editable_until(session: DeliveredSession) -> date:
    """The last day a record may be changed: EDITABLE_DAYS after the later of the day it was
    recorded and the day it was held (a session recorded ahead stays editable after it)."""
    return max(local_day(session.created_at), session.delivered_on) + timedelta(days=EDITABLE_DAYS)


def is_editable(session: DeliveredSession, today: date) -> bool:
    return session.replaced_by_id is None and today <= editable_until(session)


def new_code() -> str:
    """A confirmation code no session holds yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.scalar(
            select(DeliveredSession.id).where(DeliveredSession.confirm_code == code)
        )
        if taken is None:
            return code


def normalise_code(text: str | None) -> str | None:
    """The code someone typed (any case, spaces and hyphens ignored), or None when it
    cannot be one."""
    if not text or len(text) > 40:
        return None
    cleaned = "".join(ch for ch in text.upper() if ch not in " -")
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def check_input(data: SessionInput, options: list[CourseOption], today: date) -> CourseOption:
    """Refuse what cannot be recorded, next to the field concerned; the chosen course."""
    if data.delivered_on > today + timedelta(days=AHEAD_DAYS):
        raise DomainError(_l("A session can be planned up to a year ahead."), field="delivered_on")
    if data.delivered_on < today - timedelta(days=BACK_DAYS):
        raise DomainError(
            _l("Sessions held more than a year ago cannot be recorded."), field="delivered_on"
        )
    if data.county not in COUNTIES:
        raise DomainError(_l("Choose a county from the list."), field="county")
    if data.setting not in SETTINGS:
        raise DomainError(_l("Choose where the session took place."), field="setting")
    if data.audience not in AUDIENCES:
        raise DomainError(_l("Choose who the session was for."), field="audience")
    if data.audience == "pupils" and data.age_band not in AGE_BANDS:
        raise DomainError(_l("Choose the pupils' age band."), field="age_band")
    if data.audience != "pupils" and data.age_band:
        raise DomainError(
            _l("An age band is only for sessions with pupils: leave it empty."), field="age_band"
        )
    if not 1 <= data.declared_count <= MAX_ATTENDEES:
        raise DomainError(
            _l("Enter how many people attended, from 1 to 10,000."), field="declared_count"
        )
    option = next((o for o in options if o.course_id == data.course_id), None)
    if option is None:
        raise DomainError(
            _l("Choose a course you hold a valid certificate for."), field="course_id"
        )
    if data.session_plan_key and data.session_plan_key not in dict(option.plans):
        raise DomainError(
            _l("This session plan is not part of the course you chose."),
            field="session_plan_key",
        )
    if any(not 0 <= copies <= MAX_COPIES for copies in data.materials.values()):
        raise DomainError(_l("Enter a number of copies from 0 to 100,000."))
    return option


def _apply(session: DeliveredSession, data: SessionInput, option: CourseOption) -> None:
    for name in ("delivered_on", "county", "setting", "audience", "declared_count"):
        setattr(session, name, getattr(data, name))
    session.locality = " ".join(data.locality.split())
    session.age_band = data.age_band if data.audience == "pupils" else None
    session.course_id = option.course_id
    session.version_id = option.version_id
    session.version_label = option.version_label
    session.session_plan_key = data.session_plan_key or None
    session.reflection = (data.reflection or "").strip() or None
    _set_materials(session, data.materials)


def _set_materials(session: DeliveredSession, materials: dict[int, int]) -> None:
    sync_materials(
        session,
        materials,
        lambda rid, copies: SessionMaterial(resource_id=rid, quantity=copies),
    )


def record_session(
    user: User, data: SessionInput, options: list[CourseOption], now: datetime | None = None
) -> DeliveredSession:
    """A new row of the ledger with its confirmation code; the person's profession and
    confirmed organisation are copied in. Raises DomainError for what must be put right."""
    now = now or utcnow()
    option = check_input(data, options, local_day(now))
    session = DeliveredSession(
        user_id=user.id,
        organisation_id=user.confirmed_organisation_id,
        profession=user.profession,
        confirmed_count=0,
        created_at=now,
        updated_at=now,
        confirm_code=new_code(),
        confirm_open_until=confirmation_window(data.delivered_on)[1],
    )
    _apply(session, data, option)
    db.session.add(session)
    db.session.flush()
    tally.count(session, 1)
    return session


def update_session(
    session: DeliveredSession,
    data: SessionInput,
    options: list[CourseOption],
    now: datetime | None = None,
) -> None:
    """Change a record inside its editing window; the count confirmed is kept, so the
    declared count cannot go below it."""
    now = now or utcnow()
    today = local_day(now)
    # As it is now, and held until the commit: a confirmation made since it was read is
    # counted in the figures where the record was, and leaves with it.
    db.session.refresh(session, with_for_update=True)
    if not is_editable(session, today):
        raise DomainError(_l("This record can no longer be changed: record a correction."))
    option = check_input(data, options, today)
    if data.declared_count < session.confirmed_count:
        raise DomainError(
            _l(
                "%(count)d people have already confirmed their presence: the number cannot "
                "be lower.",
                count=session.confirmed_count,
            ),
            field="declared_count",
        )
    if data.delivered_on != session.delivered_on and session.confirm_code:
        session.confirm_open_until = confirmation_window(data.delivered_on)[1]
    tally.count(session, -1)
    _apply(session, data, option)
    session.updated_at = now
    db.session.flush()
    tally.count(session, 1)


def correct_session(
    user: User,
    session: DeliveredSession,
    data: SessionInput,
    options: list[CourseOption],
    now: datetime | None = None,
) -> DeliveredSession:
    """A new record replacing one whose editing window is over: the old one points to it and
    leaves the figures. Confirmations stay counted (the new row carries their number, capped
    at its declared count); the confirmation window is long closed, so it has no code."""
    now = now or utcnow()
    today = local_day(now)
    db.session.refresh(session, with_for_update=True)  # as in update_session
    if session.replaced_by_id is not None:
        raise DomainError(_l("This record was already corrected: correct the newer one."))
    if is_editable(session, today):
        raise DomainError(_l("This record can still be changed: edit it instead."))
    option = check_input(data, options, today)
    correction = DeliveredSession(
        user_id=user.id,
        organisation_id=session.organisation_id,
        profession=session.profession,
        confirmed_count=min(session.confirmed_count, data.declared_count),
        created_at=now,
        updated_at=now,
        confirm_code=None,
        confirm_open_until=None,
    )
    _apply(correction, data, option)
    db.session.add(correction)
    db.session.flush()
    tally.count(session, -1)
    session.replaced_by_id = correction.id
    session.updated_at = now
    db.session.flush()
    tally.count(correction, 1)
    return correction


def own_session(user_id: int, session_id: int) -> DeliveredSession | None:
    """The person's own session, or None (someone else's is "not found")."""
    session = db.session.get(DeliveredSession, session_id)
    if session is None or session.user_id != user_id:
        return None
    return session


def input_of(session: DeliveredSession) -> SessionInput:
    """A record's values, to start a correction from."""
    return SessionInput(
        delivered_on=session.delivered_on,
        county=session.county,
        locality=session.locality,
        setting=session.setting,
        audience=session.audience,
        age_band=session.age_band,
        declared_count=session.declared_count,
        course_id=session.course_id or 0,
        session_plan_key=session.session_plan_key,
        reflection=session.reflection,
        materials={m.resource_id: m.quantity for m in session.materials},
    )
