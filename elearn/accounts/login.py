"""Flask-Login: how a session cookie becomes a person, and where others are sent.

Every signed-in request needs the person, their roles and their session's server-side
record. Loading them through the ORM (a statement joining four tables, then a ``User`` with
its role assignments and organisation built from the rows) was the largest part of what a
signed-in request costs beyond an anonymous one. So each worker keeps the people it has
loaded (a bounded cache, ``PERSON_CACHE_SIZE``, by person and session record), and a
request for a kept person sends one narrow statement instead: the session record (still
open? when last seen? kept signed in?) and the person's ``revision``. Database triggers
bump the revision at every change of the person's row or roles, whatever writes it
(migration e3f7a9c1d5b2), so a changed role, a deactivated or erased account or a new
session generation is seen on the next request, in every worker; a revision that moved
means the person is loaded afresh. The session record is read at every request, never
kept: ending it (sign-out, idle timeout, a password changed) closes every copy of the
cookie at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload, make_transient_to_detached

from elearn.accounts.models import Role, User, UserSession
from elearn.caches import process_cache
from elearn.extensions import db, login_manager


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    # "basic" keeps the session when a phone moves between networks; "strong" would not.
    login_manager.session_protection = "basic"


@dataclass(slots=True)
class SessionRecord:
    """What a request needs of its session's server-side record (UserSession)."""

    id: str
    last_seen_at: datetime
    remember: bool


@dataclass(frozen=True, slots=True)
class Person:
    """A person as loaded at one revision: their row's values and their roles."""

    revision: int
    values: dict
    roles: frozenset[Role]

    def attach(self) -> User:
        """A ``User`` for this request's session, made from the cached values without SQL,
        as if just loaded: changes to it are flushed as usual, and what was not cached (the
        organisation, the role assignments) loads when first used."""
        found = db.session.identity_map.get((User, (self.values["id"],), None))
        if found is not None:  # already loaded in this request: that one is current
            return found
        user = _user_manager().new_instance()
        user.__dict__.update(self.values)
        make_transient_to_detached(user)
        db.session.add(user)
        user.known_roles = self.roles
        return user


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Accept a session only if it carries the account's current session generation and
    points at a server-side session record that has not been ended.

    The session cookie and the "keep me signed in" cookie both carry this id, so both die
    when the record ends (sign-out, idle timeout, password change). One statement per
    request: the person's revision with the record when the worker has the person cached,
    else the person, their roles and the record.
    """
    identifier, generation, record_id = [*user_id.split(":"), "", ""][:3]
    if not identifier.isdigit() or not generation.isdigit() or not record_id:
        return None
    people = process_cache("people", "PERSON_CACHE_SIZE")
    # Kept by person and session record: a record belongs to one person for good, so an
    # entry can never be taken for another person, even one given a freed id.
    person = people.get((int(identifier), record_id))
    record = None
    if person is not None:
        row = (
            db.session.connection()
            .execute(_check_statement(), {"user_id": int(identifier), "record_id": record_id})
            .first()
        )
        if row is None:
            return None
        revision, last_seen_at, remember = row
        record = SessionRecord(record_id, last_seen_at, remember)
        if revision == person.revision:
            user = person.attach()
        else:
            person = None
    if person is None:
        user, record = _load(int(identifier), record_id, people)
        if user is None:
            return None
    if user.session_generation != int(generation) or not user.is_active:
        return None
    user.session_record = record
    return user


def _load(user_id: int, record_id: str, people) -> tuple[User | None, SessionRecord | None]:
    """The person, their roles and the open record, through the ORM; the person is kept."""
    row = (
        db.session.execute(_person_statement(), {"user_id": user_id, "record_id": record_id})
        .unique()
        .first()
    )
    if row is None:
        return None, None
    user, record = row
    values = {attribute.key: user.__dict__[attribute.key] for attribute in _columns()}
    people.put((user_id, record_id), Person(user.revision, values, frozenset(user.roles)))
    return user, SessionRecord(record.id, record.last_seen_at, record.remember)


@cache
def _person_statement():
    """The statement of a person not cached, built once per process: building it anew cost
    more than sending it."""
    return (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            UserSession.id == bindparam("record_id"),
            UserSession.revoked_at.is_(None),
        )
        .options(joinedload(User.role_assignments))
    )


@cache
def _check_statement():
    """The statement of a cached person: the revision and the open record, three columns."""
    return (
        select(User.revision, UserSession.last_seen_at, UserSession.remember)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.id == bindparam("record_id"),
            UserSession.user_id == bindparam("user_id"),
            UserSession.revoked_at.is_(None),
        )
    )


@cache
def _columns():
    return tuple(inspect(User).column_attrs)


@cache
def _user_manager():
    return inspect(User).class_manager
