"""Organisations: the schools, inspectorates, directorates and NGOs people work for, in a tree
(a county school inspectorate above its schools, a county police inspectorate above its
stations, the NGO above its branches)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from elearn.database import UTCDateTime, utcnow
from elearn.extensions import db


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(8))
    # The organisation above this one; None for a root. Never a cycle (services.set_parent).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"
