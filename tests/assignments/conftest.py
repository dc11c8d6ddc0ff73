"""A county inspectorate above two schools, a police inspectorate apart, the published test
course (certificate valid 24 months), and helpers to assign and to issue certificates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.assignments import services
from elearn.assignments.models import LearnerAssignment
from elearn.certificates.models import Certificate
from elearn.certificates.services import issue_for
from elearn.cohorts.models import Cohort, CohortMember
from elearn.courses.models import Course, CourseVersion
from elearn.database import utcnow
from elearn.extensions import db
from elearn.learning.services import enrol
from elearn.organisations import tree
from elearn.organisations.models import Organisation
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import course, import_files

__all__ = ["course"]


def place(app, organisation_id: int, parent_id: int) -> None:
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, organisation_id), parent_id, by_id=None)
        db.session.commit()


@pytest.fixture
def county(app, make):
    """ISJ Bihor above school A (with a kindergarten below it) and school B; IPJ Bihor apart;
    a manager at the ISJ and one at school A (their ids; ``people`` holds them to sign in)."""
    ids = {
        "isj": make.organisation(name="Inspectoratul Școlar Județean Bihor"),
        "a": make.organisation(name="Școala Gimnazială nr. 11 Oradea"),
        "b": make.organisation(name="Liceul Teoretic Beiuș"),
        "kindergarten": make.organisation(name="Grădinița nr. 3 Oradea"),
        "police": make.organisation(name="Inspectoratul de Poliție Județean Bihor", kind="police"),
    }
    place(app, ids["a"], ids["isj"])
    place(app, ids["b"], ids["isj"])
    place(app, ids["kindergarten"], ids["a"])
    managers = {
        "manager": make.user(
            full_name="Maria Manager",
            roles=(Role.LEARNER, Role.MANAGER),
            organisation_id=ids["isj"],
            language="en",
        ),
        "school_manager": make.user(
            full_name="Sándor Manager",
            roles=(Role.LEARNER, Role.MANAGER),
            organisation_id=ids["a"],
            language="en",
        ),
    }
    ids.update((key, person.id) for key, person in managers.items())
    ids["people"] = managers
    return ids


@pytest.fixture
def course_id(app, course):
    with app.app_context():
        return db.session.get(CourseVersion, course).course_id


@pytest.fixture
def second_course_id(app, course):
    """Another published course (the same package under another id)."""
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    files = edit(files, "course.yaml", "id: test-course", "id: second-course")
    files = edit(files, "course.yaml", "en: Test course", "en: Second course")
    version_id = import_files(app, files)
    with app.app_context():
        return db.session.get(CourseVersion, version_id).course_id


def assign(app, organisation_id: int, by_id: int, **kwargs):
    """Assign through the service and commit; returns (assignment id, people)."""
    kwargs.setdefault("target", "organisation")
    if kwargs["target"] == "organisation":
        kwargs.setdefault("target_organisation_id", organisation_id)
    kwargs.setdefault("due_on", date(2099, 6, 30))
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        assigned = services.assign(organisation, by=db.session.get(User, by_id), **kwargs)
        db.session.commit()
        return assigned.assignment.id, assigned.people


def rows_of(app, **filters) -> list[LearnerAssignment]:
    with app.app_context():
        query = select(LearnerAssignment).filter_by(**filters)
        order = (LearnerAssignment.user_id, LearnerAssignment.course_id, LearnerAssignment.cycle)
        rows = db.session.scalars(query.order_by(*order)).all()
        db.session.expunge_all()
        return rows


def certify(app, user_id: int, course_id: int) -> Certificate:
    """Issue the course's real certificate to the person now (enrolled, completed), through
    the certificates feature, as a completion would."""
    with app.app_context():
        user = db.session.get(User, user_id)
        enrolment = enrol(user, db.session.get(Course, course_id))
        enrolment.completed_at = utcnow()
        enrolment.completed_version_id = enrolment.version_id
        certificate = issue_for(enrolment)
        db.session.commit()
        db.session.expunge(certificate)
        return certificate


def user_ids(rows) -> set[int]:
    return {row.user_id for row in rows}


def make_cohort(app, organisation_id: int, members: list[int], name="Diriginți 2026") -> int:
    with app.app_context():
        cohort = Cohort(organisation_id=organisation_id, name=name)
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=m) for m in members)
        db.session.commit()
        return cohort.id
