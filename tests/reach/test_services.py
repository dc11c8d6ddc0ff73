"""Recording, editing and correcting sessions: the rules the services keep."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.reach import catalogue, services
from elearn.reach.models import DeliveredSession, SessionMaterial
from elearn.resources.models import ResourceStatus
from tests.reach.conftest import PLAN, add_resource, course_id_of, record, session_row

NOON = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)  # 12:00 in Bucharest


def data(app, version_id, **changes) -> services.SessionInput:
    values = {
        "delivered_on": date(2027, 3, 10),
        "county": "BH",
        "locality": "  Oradea  ",
        "setting": "school",
        "audience": "pupils",
        "age_band": "13-15",
        "declared_count": 28,
        "course_id": course_id_of(app, version_id),
        "session_plan_key": PLAN,
        "reflection": "",
    }
    values.update(changes)
    return services.SessionInput(**values)


def attempt(app, person, version_id, **changes):
    with app.app_context():
        user = db.session.get(User, person.id)
        options = catalogue.course_options(person.id, date(2027, 3, 10), "en")
        session = services.record_session(user, data(app, version_id, **changes), options, NOON)
        db.session.commit()
        return session.id


def test_a_recorded_session_copies_profession_and_organisation_and_gets_a_code(
    app, teacher, course_with_plan
):
    session = session_row(app, attempt(app, teacher, course_with_plan))
    assert session.user_id == teacher.id
    assert session.organisation_id == teacher.organisation_id
    assert session.profession == "teacher"
    assert session.locality == "Oradea"
    assert session.version_id == course_with_plan and session.version_label == "1.0.0"
    assert session.session_plan_key == PLAN
    assert session.reflection is None  # empty stays empty
    assert len(session.confirm_code) == 7
    assert set(session.confirm_code) <= set(services.CODE_ALPHABET)
    # Open until the end of the next day in Bucharest: 12 March 00:00 local is 22:00 UTC.
    assert session.confirm_open_until == datetime(2027, 3, 11, 22, 0, tzinfo=UTC)


def test_the_course_options_name_the_session_plan_by_its_lesson_title(
    app, teacher, course_with_plan
):
    with app.app_context():
        (option,) = catalogue.course_options(teacher.id, date(2027, 3, 10), "en")
        assert option.title == "Test course"
        assert [key for key, _title in option.plans] == [PLAN]
        assert catalogue.course_options(teacher.id, date(2030, 1, 1), "en") == []  # expired


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"age_band": None}, "age_band"),
        ({"audience": "parents", "age_band": "13-15"}, "age_band"),
        ({"audience": "aliens", "age_band": None}, "audience"),
        ({"setting": "moon"}, "setting"),
        ({"county": "XX"}, "county"),
        ({"declared_count": 0}, "declared_count"),
        ({"declared_count": 10_001}, "declared_count"),
        ({"session_plan_key": "welcome-nope"}, "session_plan_key"),
        ({"course_id": 999_999}, "course_id"),
        ({"delivered_on": date(2028, 3, 12)}, "delivered_on"),
        ({"delivered_on": date(2026, 3, 8)}, "delivered_on"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    app, teacher, course_with_plan, changes, field
):
    with pytest.raises(DomainError) as refused:
        attempt(app, teacher, course_with_plan, **changes)
    assert refused.value.field == field
    with app.app_context():
        db.session.rollback()
        assert db.session.scalar(select(func.count(DeliveredSession.id))) == 0


def test_parents_need_no_age_band(app, teacher, course_with_plan):
    session = session_row(
        app, attempt(app, teacher, course_with_plan, audience="parents", age_band=None)
    )
    assert session.audience == "parents" and session.age_band is None


def test_someone_without_a_valid_certificate_cannot_record(app, make, course_with_plan):
    person = make.user()
    with pytest.raises(DomainError) as refused:
        attempt(app, person, course_with_plan)
    assert refused.value.field == "course_id"


def test_only_approved_materials_can_be_handed_out(app, teacher, course_with_plan):
    approved = add_resource(app, "poster-signs")
    draft = add_resource(app, "flyer-draft", ResourceStatus.DRAFT)
    session_id = attempt(app, teacher, course_with_plan, materials={approved: 30})
    with app.app_context():
        material = db.session.scalar(select(SessionMaterial))
        assert (material.session_id, material.resource_id, material.quantity) == (
            session_id,
            approved,
            30,
        )
    # The copies in all, kept on the row for the figures, follow every change.
    assert session_row(app, session_id).materials_count == 30
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        options = catalogue.course_options(teacher.id, date(2027, 3, 10), "en")
        changed = data(app, course_with_plan, materials={approved: 12})
        services.update_session(session, changed, options, NOON)
        db.session.commit()
    assert session_row(app, session_id).materials_count == 12
    with pytest.raises(DomainError):
        attempt(app, teacher, course_with_plan, materials={draft: 5})


def test_a_session_planned_ahead_stays_editable_thirty_days_after_it_was_held(
    app, teacher, course_with_plan
):
    held = date(2027, 4, 20)
    session_id = attempt(app, teacher, course_with_plan, delivered_on=held)
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        assert services.editable_until(session) == held + timedelta(days=30)
        assert services.is_editable(session, held + timedelta(days=30))
        assert not services.is_editable(session, held + timedelta(days=31))


def test_an_edit_moves_the_confirmation_window_and_keeps_the_code(app, teacher, course_with_plan):
    session_id = attempt(app, teacher, course_with_plan)
    before = session_row(app, session_id)
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        options = catalogue.course_options(teacher.id, date(2027, 3, 10), "en")
        changed = data(app, course_with_plan, delivered_on=date(2027, 3, 12), declared_count=30)
        services.update_session(session, changed, options, NOON)
        db.session.commit()
    after = session_row(app, session_id)
    assert after.confirm_code == before.confirm_code
    assert after.declared_count == 30
    assert after.confirm_open_until == datetime(2027, 3, 13, 22, 0, tzinfo=UTC)


def test_the_declared_count_cannot_go_below_the_confirmations(app, teacher, course_with_plan):
    session_id = attempt(app, teacher, course_with_plan)
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        session.confirmed_count = 20
        db.session.commit()
        options = catalogue.course_options(teacher.id, date(2027, 3, 10), "en")
        with pytest.raises(DomainError) as refused:
            services.update_session(
                session, data(app, course_with_plan, declared_count=19), options, NOON
            )
        assert refused.value.field == "declared_count"


def test_after_thirty_days_a_correction_replaces_the_record(app, teacher, course_with_plan):
    session_id = attempt(app, teacher, course_with_plan)
    later = NOON + timedelta(days=31)
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        session.confirmed_count = 12
        options = catalogue.course_options(teacher.id, date(2027, 4, 10), "en")
        with pytest.raises(DomainError):
            services.update_session(session, data(app, course_with_plan), options, later)
        user = db.session.get(User, teacher.id)
        correction = services.correct_session(
            user, session, data(app, course_with_plan, declared_count=10), options, later
        )
        db.session.commit()
        assert session.replaced_by_id == correction.id
        assert correction.confirmed_count == 10  # capped at the corrected count
        assert correction.confirm_code is None
        with pytest.raises(DomainError):
            services.correct_session(user, session, data(app, course_with_plan), options, later)


def test_a_record_still_editable_is_edited_not_corrected(app, teacher, course_with_plan):
    session_id = attempt(app, teacher, course_with_plan)
    with app.app_context():
        session = db.session.get(DeliveredSession, session_id)
        user = db.session.get(User, teacher.id)
        options = catalogue.course_options(teacher.id, date(2027, 3, 10), "en")
        with pytest.raises(DomainError):
            services.correct_session(user, session, data(app, course_with_plan), options, NOON)


def test_codes_are_read_forgivingly():
    assert services.normalise_code(" acd-efgh ") == "ACDEFGH"
    assert services.normalise_code("ACDEFGHJ") is None  # eight symbols
    assert services.normalise_code("acd efg h") == "ACDEFGH"
    assert services.normalise_code("ACDEFG0") is None  # 0 is not in the alphabet
    assert services.normalise_code("") is None
    assert services.normalise_code(None) is None


def test_record_helper_uses_todays_date(app, teacher, course_with_plan):
    session = session_row(app, record(app, teacher.id, course_with_plan))
    assert session.declared_count == 28
