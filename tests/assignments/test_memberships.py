"""Assignments as people join and leave organisations and cohorts: newcomers get what is
assigned to their organisation and those above it, leavers lose their open rows, a cohort's
new members get its assignments, and moving within a cohort's organisation keeps them."""

from __future__ import annotations

from datetime import date

from elearn.accounts.models import Role, User
from elearn.cohorts.models import CohortMember
from elearn.extensions import db
from elearn.organisations import services as organisations
from elearn.signals import cohort_members_added
from tests.assignments.conftest import assign, certify, make_cohort, rows_of, user_ids


def test_a_confirmed_newcomer_gets_what_is_assigned_to_their_organisation_and_those_above(
    app, make, county, course_id, second_course_id
):
    county_wide, _ = assign(app, county["isj"], county["manager"], course_id=course_id)
    for_b, _ = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=second_course_id,
        target_organisation_id=county["b"],
    )
    newcomer = make.user(organisation_id=county["a"], membership_confirmed=False).id
    assert rows_of(app, user_id=newcomer) == []
    with app.app_context():
        manager = db.session.get(User, county["school_manager"])
        organisations.confirm_membership(db.session.get(User, newcomer), county["a"], by=manager)
        db.session.commit()
    [row] = rows_of(app, user_id=newcomer)
    assert (row.assignment_id, row.course_id) == (county_wide, course_id)
    assert row.due_on == date(2099, 6, 30)
    assert rows_of(app, user_id=newcomer, assignment_id=for_b) == []


def test_a_person_leaving_loses_the_open_rows_held_through_the_organisation_only(
    app, make, county, course_id, second_course_id
):
    person = make.user(organisation_id=county["kindergarten"], email="leaver@example.org").id
    cohort = make_cohort(app, county["a"], [person])
    county_wide, _ = assign(app, county["isj"], county["manager"], course_id=course_id)
    by_cohort, _ = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=second_course_id,
        target="cohort",
        cohort_id=cohort,
    )
    personal, _ = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=second_course_id,
        target="person",
        email="leaver@example.org",
    )
    certify(app, person, second_course_id)  # meets the cohort's and the personal rows
    with app.app_context():
        manager = db.session.get(User, county["manager"])
        leaver = db.session.get(User, person)
        organisations.reject_membership(leaver, county["kindergarten"], by=manager)
        db.session.commit()
    left = {row.assignment_id: row for row in rows_of(app, user_id=person)}
    assert set(left) == {by_cohort, personal}  # the open county-wide row is gone
    assert left[by_cohort].met_at is not None  # met: kept as history
    assert rows_of(app, assignment_id=county_wide, user_id=county["school_manager"])


def test_rejoining_gives_back_the_open_cycle_of_a_recurring_assignment(
    app, make, county, course_id
):
    person = make.user(organisation_id=county["a"]).id
    assignment_id, _ = assign(
        app, county["isj"], county["manager"], course_id=course_id, recurring=True
    )
    certificate = certify(app, person, course_id)
    assert len(rows_of(app, assignment_id=assignment_id, user_id=person)) == 2
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        by = db.session.get(User, admin.id)
        organisations.set_membership(db.session.get(User, person), county["police"], by=by)
        db.session.commit()
        assert len(rows_of(app, assignment_id=assignment_id, user_id=person)) == 1
        organisations.set_membership(db.session.get(User, person), county["b"], by=by)
        db.session.commit()
    met, again = rows_of(app, assignment_id=assignment_id, user_id=person)
    assert met.met_at is not None and (again.cycle, again.due_on) == (2, certificate.expires_on)


def test_people_added_to_a_cohort_get_its_assignments(app, make, county, course_id):
    cohort = make_cohort(app, county["a"], [])
    assignment_id, people = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="cohort",
        cohort_id=cohort,
    )
    assert people == 0
    newcomer = make.user(organisation_id=county["a"]).id
    with app.app_context():
        db.session.add(CohortMember(cohort_id=cohort, user_id=newcomer))
        cohort_members_added.send(None, cohort_id=cohort, user_ids=[newcomer])
        cohort_members_added.send(None, cohort_id=cohort, user_ids=[newcomer])  # twice: once
        db.session.commit()
    assert user_ids(rows_of(app, assignment_id=assignment_id)) == {newcomer}


def test_a_cohort_member_moving_within_the_county_keeps_the_cohorts_assignment(
    app, make, county, course_id
):
    person = make.user(organisation_id=county["a"]).id
    cohort = make_cohort(app, county["isj"], [person], name="Consilieri școlari")
    assignment_id, _ = assign(
        app,
        county["isj"],
        county["manager"],
        course_id=course_id,
        target="cohort",
        cohort_id=cohort,
    )
    admin = make.user(roles=(Role.LEARNER, Role.ADMIN))
    with app.app_context():
        by, moving = db.session.get(User, admin.id), db.session.get(User, person)
        organisations.change_membership(moving, county["b"])  # a request: pending
        db.session.commit()
        assert rows_of(app, assignment_id=assignment_id) == []
        organisations.set_membership(db.session.get(User, person), county["b"], by=by)
        db.session.commit()
    assert user_ids(rows_of(app, assignment_id=assignment_id)) == {person}
