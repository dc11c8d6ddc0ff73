"""Assigning to 20,000 people is a handful of set-based statements, not a loop over people."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import event, func, insert, select

from elearn.accounts.models import User
from elearn.assignments import services
from elearn.assignments.models import LearnerAssignment
from elearn.database import utcnow
from elearn.extensions import db
from elearn.organisations.models import Organisation

MANY = 20_000


def add_members(organisation_id: int, count: int, prefix: str) -> None:
    """Confirmed members, written in one bulk insert (as a big county would hold them)."""
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {
                "email": f"{prefix}{number}@example.org",
                "full_name": f"Persoana {prefix} {number}",
                "search_key": f"persoana {prefix} {number}",
                "password_hash": "!",
                "profession": "teacher",
                "county": "BH",
                "preferred_language": "ro",
                "organisation_id": organisation_id,
                "organisation_confirmed_at": now,
                "created_at": now,
                "session_generation": 0,
                "weekly_digest": False,
            }
            for number in range(count)
        ],
    )
    db.session.commit()


def statements_of(work) -> tuple[int, float, object]:
    """How many SQL statements ``work()`` makes, how long it takes, and its result."""
    seen = []

    def listener(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    started = time.perf_counter()
    try:
        result = work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen), time.perf_counter() - started, result


def test_assigning_to_twenty_thousand_people_takes_as_many_statements_as_for_a_few(
    app, county, course_id
):
    with app.app_context():
        add_members(county["kindergarten"], 20, "few")
        add_members(county["b"], MANY - 22, "many")  # with the two managers: 20,000
        manager = db.session.get(User, county["manager"])

        def assign_to(organisation_id):
            organisation = db.session.get(Organisation, county["isj"])
            db.session.expire_all()
            return services.assign(
                organisation,
                by=manager,
                course_id=course_id,
                target="organisation",
                target_organisation_id=organisation_id,
                due_on=date(2099, 6, 30),
            )

        few_statements, _seconds, few = statements_of(lambda: assign_to(county["kindergarten"]))
        db.session.commit()
        many_statements, seconds, many = statements_of(lambda: assign_to(county["isj"]))
        db.session.commit()
        assert (few.people, many.people) == (20, MANY)
        assert many_statements == few_statements
        assert seconds < 10, seconds
        written = db.session.scalar(
            select(func.count()).where(LearnerAssignment.assignment_id == many.assignment.id)
        )
        assert written == MANY
