"""Assigning courses and paths: who gets a row, when a row is met, recurring cycles, and
what happens as people join and leave organisations and cohorts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import Role, User
from elearn.assignments import queries, services
from elearn.assignments.models import Assignment
from elearn.audit.models import AuditEvent
from elearn.certificates.models import Certificate
from elearn.certificates.renewal import renew_after_pass
from elearn.cohorts.models import Cohort, CohortMember
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.models import Enrolment, LessonCompletion
from elearn.learning.services import enrol
from elearn.organisations.models import Organisation
from elearn.paths.models import LearningPath, LearningPathStep
from tests.assignments.conftest import assign, certify, make_cohort, rows_of, user_ids


def make_path(app, course_ids: list[int], slug="teachers") -> int:
    with app.app_context():
        path = LearningPath(slug=slug, title={"en": "Teachers", "ro": "Profesori"})
        path.steps = [
            LearningPathStep(position=number, course_id=course_id)
            for number, course_id in enumerate(course_ids, start=1)
        ]
        db.session.add(path)
        db.session.commit()
        return path.id


def test_an_organisation_with_everything_below_it_reaches_its_confirmed_active_members(
    app, make, county, course_id
):
    in_kindergarten = make.user(organisation_id=county["kindergarten"]).id
    in_a = make.user(organisation_id=county["a"]).id
    in_b = make.user(organisation_id=county["b"]).id
    make.user(organisation_id=county["police"])
    make.user(organisation_id=county["a"], membership_confirmed=False)
    gone = make.user(organisation_id=county["a"]).id
    with app.app_context():
        db.session.get(User, gone).deactivated_at = utcnow()
        db.session.commit()
    whole, people = assign(app, county["isj"], county["manager"], course_id=course_id)
    expected = {in_kindergarten, in_a, in_b, county["manager"], county["school_manager"]}
    assert user_ids(rows_of(app, assignment_id=whole)) == expected and people == 5
    school, _people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target_organisation_id=county["a"],
    )
    rows = rows_of(app, assignment_id=school)
    assert user_ids(rows) == {in_kindergarten, in_a, county["school_manager"]}
    assert all(r.due_on == date(2099, 6, 30) and r.cycle == 1 and r.met_at is None for r in rows)
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "assignment.created", AuditEvent.target_id == whole
            )
        )
        assert event.actor_id == county["manager"]
        assert event.details["people"] == 5 and event.details["met"] == 0


def test_a_person_is_found_by_email_within_the_tree_only(app, make, county, course_id):
    member = make.user(organisation_id=county["b"], email="ilona.szabo@example.org")
    assignment_id, people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="person",
        email="  Ilona.Szabo@Example.org ",
    )
    assert people == 1 and user_ids(rows_of(app, assignment_id=assignment_id)) == {member.id}
    make.user(organisation_id=county["police"], email="police@example.org")
    make.user(organisation_id=county["a"], email="pending@example.org", membership_confirmed=False)
    for email in ("police@example.org", "pending@example.org", "nobody@example.org"):
        with pytest.raises(DomainError) as refused:
            assign(
                app,
                county["isj"],
                county["manager"],
                course_id=course_id,
                target="person",
                email=email,
            )
        assert refused.value.field == "email"


def test_a_cohort_gives_its_active_members_the_course(app, make, county, course_id):
    first = make.user(organisation_id=county["a"]).id
    second = make.user(organisation_id=county["b"]).id
    make.user(organisation_id=county["b"])  # not in the cohort
    cohort = make_cohort(app, county["isj"], [first, second])
    assignment_id, people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="cohort",
        cohort_id=cohort,
    )
    assert people == 2 and user_ids(rows_of(app, assignment_id=assignment_id)) == {first, second}


def test_a_cohort_with_an_assignment_cannot_be_deleted_and_stays_whole(
    app, make, county, course_id
):
    from elearn.cohorts import services as cohorts

    member = make.user(organisation_id=county["a"]).id
    cohort = make_cohort(app, county["isj"], [member])
    assignment_id, _people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="cohort",
        cohort_id=cohort,
    )
    refused = pytest.raises(DomainError, match="assigned to this cohort")
    with app.app_context(), force_locale("en"), refused:
        cohorts.delete_cohort(db.session.get(Cohort, cohort), by_id=county["manager"])
    with app.app_context():
        assert db.session.get(Cohort, cohort) is not None
        assert db.session.scalars(select(CohortMember.user_id)).all() == [member]
    assert user_ids(rows_of(app, assignment_id=assignment_id)) == {member}


def test_a_path_gives_each_person_one_row_per_published_course(
    app, make, county, course_id, second_course_id
):
    person = make.user(organisation_id=county["b"]).id
    path = make_path(app, [course_id, second_course_id])
    assignment_id, _people = assign(
        app, county["isj"], county["manager"], path_id=path, target_organisation_id=county["b"]
    )
    rows = rows_of(app, assignment_id=assignment_id, user_id=person)
    assert [row.course_id for row in rows] == sorted([course_id, second_course_id])


def test_someone_who_holds_a_valid_certificate_has_met_it_at_once(app, make, county, course_id):
    holder = make.user(organisation_id=county["a"]).id
    revoked = make.user(organisation_id=county["a"]).id
    certificate = certify(app, holder, course_id)
    taken_back = certify(app, revoked, course_id)
    with app.app_context():
        db.session.get(Certificate, taken_back.id).revoked_at = utcnow()
        db.session.commit()
    assignment_id, _people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target_organisation_id=county["a"],
    )
    [met] = rows_of(app, assignment_id=assignment_id, user_id=holder)
    assert met.certificate_id == certificate.id and met.met_at == certificate.issued_at
    [still_open] = rows_of(app, assignment_id=assignment_id, user_id=revoked)
    assert still_open.met_at is None and still_open.certificate_id is None
    with app.app_context():
        assert services.people_and_met(assignment_id) == (3, 1)


def test_an_expired_certificate_does_not_meet_it(app, make, county, course_id):
    person = make.user(organisation_id=county["a"]).id
    with freeze_time("2020-01-10 10:00:00"):
        certify(app, person, course_id)  # valid 24 months: expired in 2022
    assignment_id, _people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target_organisation_id=county["a"],
    )
    [row] = rows_of(app, assignment_id=assignment_id, user_id=person)
    assert row.met_at is None


def test_a_certificate_issued_later_meets_it_on_time_or_late(app, make, county, course_id):
    early = make.user(organisation_id=county["a"]).id
    late = make.user(organisation_id=county["a"]).id
    with freeze_time("2026-11-02 09:00:00"):
        assignment_id, _people = assign(
            app,
            county["isj"],
            county["manager"],
            course_id=course_id,
            target_organisation_id=county["a"],
            due_on=date(2026, 12, 31),
        )
    with freeze_time("2026-12-31 20:00:00"):  # the last day, in Romania
        on_time = certify(app, early, course_id)
    with freeze_time("2027-01-05 09:00:00"):
        after = certify(app, late, course_id)
        [row_early] = rows_of(app, assignment_id=assignment_id, user_id=early)
        [row_late] = rows_of(app, assignment_id=assignment_id, user_id=late)
        [row_manager] = rows_of(app, assignment_id=assignment_id, user_id=county["school_manager"])
        assert (row_early.certificate_id, row_early.met_at) == (on_time.id, on_time.issued_at)
        assert (row_late.certificate_id, row_late.met_at) == (after.id, after.issued_at)
        with app.app_context():
            today = date(2027, 1, 5)
            assert queries.state(row_early, today) == "met_on_time"
            assert queries.state(row_late, today) == "met_late"
            assert queries.state(row_manager, today) == "overdue"
            counts = queries.counts([assignment_id], today)[assignment_id]
    assert counts == queries.Counts(people=3, met=2, overdue=1)


def test_a_recurring_assignment_falls_due_again_on_the_certificates_expiry(
    app, make, county, course_id
):
    person = make.user(organisation_id=county["b"]).id
    with freeze_time("2026-11-02 09:00:00"):
        assignment_id, _people = assign(
            app,
            county["isj"],
            county["manager"],
            course_id=course_id,
            target="person",
            email=db_email(app, person),
            due_on=date(2026, 12, 31),
            recurring=True,
        )
        first = certify(app, person, course_id)
    cycle_one, cycle_two = rows_of(app, assignment_id=assignment_id)
    assert cycle_one.certificate_id == first.id and cycle_two.cycle == 2
    assert cycle_two.due_on == first.expires_on == date(2028, 11, 2)
    assert cycle_two.met_at is None
    # The renewal (round 2) meets the second cycle and opens the third.
    with freeze_time("2028-10-20 09:00:00"), app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == person))
        enrolment.round = 2
        renewed = renew_after_pass(enrolment, quiz_key="final", round_=2, passed_at=utcnow())
        db.session.commit()
        renewed_id, renewed_expiry = renewed.id, renewed.expires_on
    _one, two, three = rows_of(app, assignment_id=assignment_id)
    assert two.certificate_id == renewed_id and three.cycle == 3
    assert three.due_on == renewed_expiry == date(2030, 10, 20) and three.met_at is None


def test_a_recurring_assignment_made_for_a_holder_opens_the_next_cycle_at_once(
    app, make, county, course_id
):
    person = make.user(organisation_id=county["b"]).id
    certificate = certify(app, person, course_id)
    assignment_id, _people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="person",
        email=db_email(app, person),
        recurring=True,
    )
    met, next_cycle = rows_of(app, assignment_id=assignment_id)
    assert met.certificate_id == certificate.id
    assert (next_cycle.cycle, next_cycle.due_on) == (2, certificate.expires_on)
    assert next_cycle.met_at is None


def db_email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def test_removing_an_assignment_keeps_enrolments_and_progress(app, make, county, course_id):
    person = make.user(organisation_id=county["a"]).id
    assignment_id, _ = assign(app, county["isj"], county["manager"], course_id=course_id)
    with app.app_context():
        user = db.session.get(User, person)
        enrolment = enrol(user, db.session.get(Assignment, assignment_id).course)
        db.session.add(
            LessonCompletion(enrolment_id=enrolment.id, lesson_key="welcome", content_hash="x")
        )
        db.session.commit()
        removed = services.remove_assignment(
            db.session.get(Assignment, assignment_id), by=db.session.get(User, county["manager"])
        )
        db.session.commit()
        assert removed == 3
        assert db.session.get(Assignment, assignment_id) is None
        assert db.session.scalar(select(Enrolment).where(Enrolment.user_id == person))
        assert db.session.scalar(select(LessonCompletion.lesson_key)) == "welcome"
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "assignment.removed")
        )
        assert event.details["people"] == 3 and event.details["rows"] == 3
    assert rows_of(app, assignment_id=assignment_id) == []


BAD = [
    ({"due_on": date(2020, 1, 1)}, "due_on"),
    ({"due_on": None}, "due_on"),
    ({"course_id": 999_999}, "course_id"),
    ({"course_id": None}, "what"),
    ({"path_id": 999_999, "course_id": None}, "path_id"),
    ({"target": "planet"}, "whom"),
    ({"target": "cohort", "cohort_id": 999_999}, "cohort_id"),
    ({"target_organisation_id": 999_999}, "target_organisation_id"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    app, county, course_id, change, field
):
    with pytest.raises(DomainError) as refused:
        assign(app, county["isj"], county["manager"], **{"course_id": course_id, **change})
    assert refused.value.field == field
    with app.app_context():
        assert db.session.scalar(select(Assignment.id)) is None


def test_a_path_without_a_published_course_and_a_repeat_are_refused(app, county, course_id):
    empty = make_path(app, [], slug="empty")
    with pytest.raises(DomainError) as refused:
        assign(app, county["isj"], county["manager"], path_id=empty)
    assert refused.value.field == "path_id"
    assign(app, county["isj"], county["manager"], course_id=course_id)
    with pytest.raises(DomainError) as repeated:
        assign(app, county["isj"], county["manager"], course_id=course_id, due_on=date(2099, 1, 1))
    with app.app_context(), force_locale("en"):
        assert "already assigned" in str(repeated.value.message)


def test_a_manager_cannot_assign_outside_their_tree(app, make, county, course_id):
    police = make.user(organisation_id=county["police"], email="in-police@example.org")
    cohort = make_cohort(app, county["police"], [police.id], name="Agenți")
    # The school's manager, on the county's page or to the sibling school: refused.
    with pytest.raises(DomainError):
        assign(app, county["isj"], county["school_manager"], course_id=course_id)
    attempts = [
        {"target_organisation_id": county["b"]},
        {"target_organisation_id": county["isj"]},
        {"target": "person", "email": "in-police@example.org"},
        {"target": "cohort", "cohort_id": cohort},
    ]
    for target in attempts:
        with pytest.raises(DomainError):
            assign(app, county["a"], county["school_manager"], course_id=course_id, **target)
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        assert db.session.scalar(select(Assignment.id)) is None
        # An administrator may assign anywhere.
        police_org = db.session.get(Organisation, county["police"])
        services.assign(
            police_org,
            by=db.session.get(User, admin.id),
            course_id=course_id,
            target="organisation",
            target_organisation_id=county["police"],
            due_on=datetime(2099, 1, 1).date(),
        )
