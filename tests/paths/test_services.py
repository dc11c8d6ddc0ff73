"""Declaring paths: the rules a path keeps, its courses in order, the audit trail, and the
refusal to delete a path an assignment uses."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from elearn.assignments.models import Assignment
from elearn.audit.models import AuditEvent
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.paths import services
from elearn.paths.models import LearningPath, LearningPathStep, RemovedShippedPath
from tests.paths.conftest import add_path


def steps(path_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(LearningPathStep.course_id)
            .where(LearningPathStep.path_id == path_id)
            .order_by(LearningPathStep.position)
        )
    )


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_path_keeps_its_courses_in_order_and_is_audited(app, courses):
    with app.app_context():
        path_id = add_path([courses["core"], courses["school"]])
        db.session.commit()
        path = db.session.get(LearningPath, path_id)
        assert path.slug == "teachers-path"
        assert path.title == {"en": "Teachers' path", "ro": "Parcursul profesorilor"}
        assert [step.position for step in path.steps] == [1, 2]
        assert steps(path_id) == [courses["core"], courses["school"]]
        assert actions() == ["path.created"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": {"ro": "  ", "en": ""}}, "title_ro", "title in at least one language"),
        ({"profession": "baker"}, "profession", "profession from the list"),
        ({"course_ids": []}, "course_id", "at least one course"),
        ({"course_ids": "twice"}, "course_id", "only once"),
        ({"course_ids": [999_999]}, "course_id", "course from the list"),
    ],
)
def test_a_path_without_a_title_or_with_bad_courses_is_refused(app, courses, changes, field, words):
    values = {
        "title": {"en": "Path"},
        "summary": {},
        "profession": None,
        "course_ids": [courses["core"]],
        "by_id": None,
    }
    values.update(changes)
    if values["course_ids"] == "twice":
        values["course_ids"] = [courses["core"], courses["core"]]
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(DomainError) as refused:
            services.create_path(**values)
        assert refused.value.field == field
        assert words in str(refused.value.message)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(LearningPath)) == 0


def test_titles_keep_only_the_platforms_languages_and_slugs_stay_unique(app, courses):
    with app.app_context():
        first = services.create_path(
            title={"ro": " Școală   și comunitate ", "de": "Schule"},
            summary={"hu": "  Összefoglaló  "},
            profession="",
            course_ids=[courses["core"]],
            by_id=None,
        )
        second = services.create_path(
            title={"ro": "Școală și comunitate"},
            summary=None,
            profession="teacher",
            course_ids=[courses["core"]],
            by_id=None,
        )
        assert first.title == {"ro": "Școală și comunitate"}
        assert first.summary == {"hu": "Összefoglaló"}
        assert first.profession is None  # for everyone
        assert (first.slug, second.slug) == ("scoala-si-comunitate", "scoala-si-comunitate-2")


def test_add_move_and_remove_courses(app, courses):
    core, school, extra = courses["core"], courses["school"], courses["extra"]
    with app.app_context():
        path = db.session.get(LearningPath, add_path([core]))
        services.add_course(path, school, by_id=None)
        services.add_course(path, extra, by_id=None)
        assert steps(path.id) == [core, school, extra]
        services.move_course(path, extra, "up", by_id=None)
        assert steps(path.id) == [core, extra, school]
        services.move_course(path, core, "down", by_id=None)
        assert steps(path.id) == [extra, core, school]
        services.remove_course(path, core, by_id=None)
        assert steps(path.id) == [extra, school]
        assert [s.position for s in path.steps] == [1, 2]
        assert path.updated_at is not None
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.details["before"] == [extra, core, school]
        assert event.details["after"] == [extra, school]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda path, c: services.add_course(path, c["core"], by_id=None), "already in"),
        (lambda path, c: services.remove_course(path, c["extra"], by_id=None), "not in the path"),
        (lambda path, c: services.move_course(path, c["core"], "up", by_id=None), "further"),
        (lambda path, c: services.move_course(path, c["school"], "down", by_id=None), "further"),
        (lambda path, c: services.move_course(path, c["core"], "sideways", by_id=None), "further"),
    ],
)
def test_changes_that_make_no_sense_are_refused_and_change_nothing(app, courses, change, words):
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        path = db.session.get(LearningPath, add_path([courses["core"], courses["school"]]))
        with pytest.raises(DomainError) as refused:
            change(path, courses)
        assert words in str(refused.value.message)
        assert steps(path.id) == [courses["core"], courses["school"]]


def test_the_last_course_cannot_be_removed(app, courses):
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        path = db.session.get(LearningPath, add_path([courses["core"]]))
        with pytest.raises(DomainError, match="at least one course"):
            services.remove_course(path, courses["core"], by_id=None)


def test_update_changes_texts_and_profession_and_records_which(app, courses):
    with app.app_context():
        path = db.session.get(LearningPath, add_path([courses["core"]]))
        assert not services.update_path(
            path, title=dict(path.title), summary=dict(path.summary), profession="teacher", by_id=1
        )
        assert services.update_path(
            path, title={"hu": "Út"}, summary={}, profession="police_officer", by_id=1
        )
        assert (path.title, path.summary, path.profession) == ({"hu": "Út"}, {}, "police_officer")
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "path.changed"
        assert event.details["fields"] == ["title", "summary", "profession"]


def test_a_path_an_assignment_uses_cannot_be_deleted(app, courses, make):
    organisation_id = make.organisation()
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        path_id = add_path([courses["core"], courses["school"]])
        db.session.add(
            Assignment(
                organisation_id=organisation_id,
                path_id=path_id,
                target_organisation_id=organisation_id,
                due_on=date(2027, 1, 31),
            )
        )
        db.session.commit()
        path = db.session.get(LearningPath, path_id)
        with pytest.raises(DomainError, match="assigned to people"):
            services.delete_path(path, by_id=None)
        # The savepoint was undone; the session goes on and the path is whole.
        db.session.commit()
        assert steps(path_id) == [courses["core"], courses["school"]]
        assert "path.deleted" not in actions()


def test_deleting_a_path_removes_its_steps_and_remembers_a_shipped_one(app, courses):
    with app.app_context():
        path = db.session.get(LearningPath, add_path([courses["core"]]))
        path.shipped_hash = "a" * 64
        slug = path.slug
        services.delete_path(path, by_id=None)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(LearningPathStep)) == 0
        assert db.session.get(RemovedShippedPath, slug).shipped_hash == "a" * 64
        assert actions()[-1] == "path.deleted"
        # A later path made in the browser does not take the removed shipped path's id.
        again = services.create_path(
            title={"en": "Teachers' path"},
            summary={},
            profession=None,
            course_ids=[courses["core"]],
            by_id=None,
        )
        assert again.slug == "teachers-path-2"


def test_a_professions_paths_come_first_then_those_for_everyone(app, courses):
    with app.app_context():
        everyone = add_path([courses["core"]], profession=None, title={"en": "All"})
        teachers = add_path([courses["core"], courses["school"]], profession="teacher")
        add_path([courses["core"]], profession="police_officer", title={"en": "Police"})
        found = services.paths_for_profession("teacher")
        assert [path.id for path in found] == [teachers, everyone]
        assert [path.id for path in services.paths_for_profession(None)] == [everyone]
