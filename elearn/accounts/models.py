"""People and the roles they hold."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db
from elearn.organisations.models import Organisation
from elearn.text import fold


class Role(enum.StrEnum):
    """What a person may do. Everyone who registers is a learner; the rest are granted."""

    LEARNER = "learner"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "administrator"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored in lower case, so that addresses are unique without regard to case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str] = mapped_column(String(32))
    county: Mapped[str] = mapped_column(String(8))
    preferred_language: Mapped[str] = mapped_column(String(2))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    # Choosing an organisation only asks to join it: until a manager of that organisation or an
    # administrator confirms, the membership is pending and gives its managers nothing.
    organisation_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Name and email without diacritics or case, so that a search for "stefan" finds "Ștefan".
    search_key: Mapped[str] = mapped_column(String(460), default="")
    # Bumped when a password changes or an account is deactivated; a session cookie that
    # carries an older generation no longer signs anyone in.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped by database triggers at every change of this row or of the person's roles
    # (migration e3f7a9c1d5b2), whatever writes it: a worker keeps the signed-in person
    # between requests and checks only this number (elearn/accounts/login.py). Never set it.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person erased their account; the row stays, stripped of personal data, so
    # that aggregate statistics keep counting it.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Managers get a weekly email with their organisation's figures unless they untick this
    # on their profile (elearn/reporting/digest.py); it means nothing for other roles.
    weekly_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleAssignment.user_id",
    )

    @validates("full_name", "email")
    def _refresh_search_key(self, key: str, value: str) -> str:
        name = value if key == "full_name" else self.full_name
        email = value if key == "email" else self.email
        self.search_key = fold(f"{name or ''} {email or ''}")
        return value

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None and self.erased_at is None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def confirmed_organisation_id(self) -> int | None:
        """The organisation this person is a confirmed member of, if any."""
        return self.organisation_id if self.organisation_confirmed_at is not None else None

    # The roles as they were when the person was cached (elearn/accounts/login.py): used
    # until something loads role_assignments, and forgotten when the ORM expires the
    # person, like every other loaded value.
    known_roles = None

    @property
    def roles(self) -> set[Role]:
        if self.known_roles is not None and "role_assignments" not in self.__dict__:
            return set(self.known_roles)
        return {assignment.role for assignment in self.role_assignments}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    # The server-side record of the session this object was loaded for (elearn/accounts/login.py).
    session_record = None

    def get_id(self) -> str:
        """What the session cookie (and a "keep me signed in" cookie) carries: the account, its
        session generation and the server-side session record, all three checked at every
        request, so that ending the record on the server kills every copy of the cookie."""
        record = self.session_record
        return f"{self.id}:{self.session_generation}:{record.id if record else ''}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"


@event.listens_for(User, "expire")
def _forget_known_roles(user: User, _attributes) -> None:
    user.known_roles = None


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (user_id, role) index also serves lookups by user.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda roles: [role.value for role in roles],
        )
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="role_assignments", foreign_keys=[user_id])


class FormDraft(db.Model):
    """What a person was typing when their session ended for inactivity, kept until they sign
    in again and reopen the page (never passwords or tokens)."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserSession(db.Model):
    """One signed-in browser, as the server knows it.

    The cookie only points here: signing out, an idle timeout, a password change or reset and
    deactivation end the record, and a copy of the cookie made before then opens nothing.
    "Keep me signed in" is a property of the record, never inferred from what a browser sends.
    """

    __tablename__ = "user_sessions"

    # 256 random bits, URL-safe; the session cookie (signed) carries it.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Refreshed at most every minute or so, not at every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OneTimeClaim(db.Model):
    """A thing that may happen once only, claimed by inserting its key (the primary key makes
    a second, simultaneous claim fail): today, creating the first administrator."""

    __tablename__ = "one_time_claims"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
