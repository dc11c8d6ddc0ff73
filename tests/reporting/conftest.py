"""A county inspectorate above two schools, with people at every stage of the test course."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import delete, select

from elearn.accounts.models import Role, User
from elearn.certificates.services import today
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning import summary
from elearn.learning.models import Enrolment, LessonTime
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from tests.assignments.factories import assign
from tests.certificates.conftest import complete_course
from tests.conftest import sign_in
from tests.learning.conftest import course  # noqa: F401 - the published test course
from tests.snapshots import built_once


def place(app, organisation_id, parent_id):
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, organisation_id), parent_id, by_id=None)
        db.session.commit()


def learner(app, make, organisation, *, name, profession="teacher", **kwargs):
    person = make.user(
        organisation_id=organisation, full_name=name, profession=profession, **kwargs
    )
    browser = app.test_client()
    sign_in(browser, person)
    return person, browser


def shift_enrolment(app, person, *, days_before_completion: int, seconds: int):
    """Make the person's enrolment start ``days`` before it was completed, with lesson time."""
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id))
        enrolment.enrolled_at = enrolment.completed_at - timedelta(days=days_before_completion)
        db.session.execute(delete(LessonTime).where(LessonTime.enrolment_id == enrolment.id))
        for key in ("welcome", "media-lesson"):
            db.session.add(
                LessonTime(enrolment_id=enrolment.id, lesson_key=key, seconds=seconds // 2)
            )
        db.session.flush()
        summary.recount([enrolment.id])  # rows written here directly: count them again
        db.session.commit()


@pytest.fixture
def county(request, app, make, course):  # noqa: F811 - the fixture imported above
    """ISJ Bihor above two schools; in school A someone enrolled only, someone started,
    someone completed and someone not enrolled; in school B a completer; and people who
    must never be counted (a pending request, a deactivated account). Built through the
    views once per test worker, then put back (tests/snapshots.py)."""
    return built_once(request, app, lambda: _county(app, make))


def _county(app, make):
    isj = make.organisation(name="Inspectoratul Școlar Județean Bihor")
    school_a = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    school_b = make.organisation(name="Liceul Teoretic Beiuș")
    place(app, school_a, isj)
    place(app, school_b, isj)
    _enrolled, browser = learner(app, make, school_a, name="Ana Enrolled")
    browser.post("/courses/test-course/enrol")
    _started, browser = learner(app, make, school_a, name="Bogdan Started")
    browser.post("/courses/test-course/enrol")
    browser.post("/courses/test-course/lessons/welcome/complete")
    done_a, browser = learner(app, make, school_a, name="Csilla Completed")
    complete_course(browser, app)
    learner(app, make, school_a, name="Dan Notenrolled")
    done_b, browser = learner(app, make, school_b, name="Elena Police", profession="police_officer")
    complete_course(browser, app)
    _pending, browser = learner(
        app, make, school_a, name="Pending Person", membership_confirmed=False
    )
    browser.post("/courses/test-course/enrol")
    gone, browser = learner(app, make, school_a, name="Gone Person")
    complete_course(browser, app)
    with app.app_context():
        db.session.get(User, gone.id).deactivated_at = utcnow()
        db.session.commit()
    shift_enrolment(app, done_a, days_before_completion=10, seconds=1200)
    shift_enrolment(app, done_b, days_before_completion=20, seconds=2400)
    return {"isj": isj, "a": school_a, "b": school_b}


def manager_of(app, make, organisation):
    client = app.test_client()
    sign_in(
        client,
        make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=organisation, language="en"),
    )
    return client


@pytest.fixture
def assigned(app, county):
    """The test course assigned in the county: Ana and Dan overdue (Dan never enrolled),
    Bogdan due in eight days (so not yet overdue at the next Monday's digest, whatever the
    day of the week today), Csilla met it on time, Elena late; Pending and Gone Person
    overdue but never counted."""
    with app.app_context():
        day = today()
        course_id = db.session.execute(
            db.text("SELECT id FROM courses WHERE slug = 'test-course'")
        ).scalar()
        people = {u.full_name: u.id for u in db.session.scalars(select(User))}
        assign(people["Ana Enrolled"], course_id, day - timedelta(days=3))
        assign(people["Dan Notenrolled"], course_id, day - timedelta(days=40))
        assign(people["Bogdan Started"], course_id, day + timedelta(days=8))
        assign(
            people["Csilla Completed"],
            course_id,
            day - timedelta(days=1),
            met_at=moment(day - timedelta(days=2), 10),
        )
        assign(
            people["Elena Police"],
            course_id,
            day - timedelta(days=10),
            met_at=moment(day - timedelta(days=4), 10),
        )
        assign(people["Pending Person"], course_id, day - timedelta(days=3))
        assign(people["Gone Person"], course_id, day - timedelta(days=3))
        db.session.commit()
    return {**county, "course": course_id}


def moment(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)
