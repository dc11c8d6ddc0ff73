"""Importing packages: versions, unchanged re-imports, ownership, export round trips."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from elearn.content.loader import load_package
from elearn.content.source import PackageFiles, read_zip
from elearn.courses import services
from elearn.courses.models import Blob, CourseVersion, Lesson, Question, VersionStatus
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.models import Enrolment, LessonCompletion
from elearn.learning.versions import move_learners
from elearn.reference import PROFESSIONS
from tests.content.helpers import edit, valid_files


def package(files=None):
    return load_package(PackageFiles("test", files or valid_files()), professions=set(PROFESSIONS))


def changed(files=None, label="1.1.0"):
    files = edit(files or valid_files(), "course.yaml", 'version: "1.0.0"', f'version: "{label}"')
    return edit(files, "lessons/closing.en.md", "Thank you.", "Thank you very much.")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_importing_stores_every_part_of_the_package(app):
    with app.app_context():
        result = services.import_package(package(), organisation_id=None, by_id=None)
        db.session.commit()
        version = result.version
        assert result.created and version.status == VersionStatus.DRAFT
        assert [lesson.key for lesson in version.lessons] == ["welcome", "media-lesson", "closing"]
        assert version.lessons[0].html["ro"].startswith("<h2>Despre curs</h2>")
        assert count(Question) == 12
        assert version.duration_minutes == 10 + 15 + 5 + 10 + 15
        assert len(version.files) == len(valid_files())


def test_importing_the_same_content_again_changes_nothing(app):
    with app.app_context():
        first = services.import_package(package(), organisation_id=None, by_id=None)
        db.session.commit()
        before = (count(CourseVersion), count(Lesson), count(Blob))
        again = services.import_package(package(), organisation_id=None, by_id=None)
        db.session.commit()
        assert not again.created and again.version.id == first.version.id
        assert (count(CourseVersion), count(Lesson), count(Blob)) == before


def test_changed_content_becomes_a_new_version_and_shares_unchanged_files(app):
    with app.app_context():
        services.import_package(package(), organisation_id=None, by_id=None)
        blobs = count(Blob)
        result = services.import_package(package(changed()), organisation_id=None, by_id=None)
        db.session.commit()
        assert result.created and result.version.label == "1.1.0"
        assert count(CourseVersion) == 2
        assert count(Blob) == blobs + 2  # only course.yaml and the changed lesson are new


def test_a_version_label_reused_for_other_content_is_refused(app):
    with app.app_context(), force_locale("en_GB"):
        services.import_package(package(), organisation_id=None, by_id=None)
        with pytest.raises(DomainError, match="already exists with other content"):
            services.import_package(
                package(changed(label="1.0.0")), organisation_id=None, by_id=None
            )


def test_another_organisation_cannot_import_over_a_course(app, make):
    first, second = make.organisation(), make.organisation(name="Asociația B", kind="ngo")
    with app.app_context(), force_locale("en_GB"):
        services.import_package(package(), organisation_id=first, by_id=None)
        db.session.commit()
        with pytest.raises(DomainError, match="belongs to another organisation"):
            services.import_package(package(changed()), organisation_id=second, by_id=None)
        # The owner can, and so can the operator's command line.
        services.import_package(package(changed()), organisation_id=first, by_id=None)
        services.import_package(
            package(changed(label="1.2.0")), organisation_id=None, by_id=None, operator=True
        )


def test_export_writes_a_package_that_reimports_to_exactly_the_same_content(app):
    with app.app_context():
        version = services.import_package(package(), organisation_id=None, by_id=None).version
        db.session.commit()
        exported = services.export_zip(version)
        reloaded = load_package(read_zip(io.BytesIO(exported)), professions=set(PROFESSIONS))
        assert reloaded.content_hash == version.content_hash
        again = services.import_package(reloaded, organisation_id=None, by_id=None)
        assert not again.created


def test_a_learner_on_the_old_version_stays_there_when_a_new_one_arrives(app, make):
    person = make.user()
    with app.app_context():
        old = services.import_package(
            package(), organisation_id=None, by_id=None, publish=True
        ).version
        db.session.add(Enrolment(user_id=person.id, course_id=old.course_id, version_id=old.id))
        db.session.commit()
        services.import_package(package(changed()), organisation_id=None, by_id=None, publish=True)
        db.session.commit()
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.version_id == old.id


def test_withdrawing_moves_learners_keeping_credit_for_unchanged_lessons(app, make):
    person = make.user()
    with app.app_context(), force_locale("en_GB"):
        old = services.import_package(
            package(), organisation_id=None, by_id=None, publish=True
        ).version
        new = services.import_package(
            package(changed()), organisation_id=None, by_id=None, publish=True
        ).version
        enrolment = Enrolment(user_id=person.id, course_id=old.course_id, version_id=old.id)
        for lesson in old.lessons:
            enrolment.lessons_done.append(
                LessonCompletion(lesson_key=lesson.key, content_hash=lesson.content_hash)
            )
        db.session.add(enrolment)
        db.session.commit()
        with pytest.raises(DomainError, match="choose the version to move them to"):
            services.withdraw_version(old, replacement=None, reason="wrong number", by_id=person.id)
        services.withdraw_version(
            old, replacement=new, reason="A wrong phone number.", by_id=person.id
        )
        db.session.commit()
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.version_id == new.id
        kept = {done.lesson_key for done in enrolment.lessons_done}
        assert kept == {"welcome", "media-lesson"}  # "closing" changed, so its credit goes
        assert old.status == VersionStatus.WITHDRAWN and old.replacement_id == new.id
        assert move_learners(old, new) == 0


def test_a_changed_help_number_reaches_stored_lessons_once_rerendered(app, tmp_path, monkeypatch):
    from elearn.content import contacts

    with app.app_context():
        version = services.import_package(package(), organisation_id=None, by_id=None).version
        db.session.commit()
        assert "0800 800 678" in version.lessons[0].html["ro"]
        changed_directory = tmp_path / "contacts.yaml"
        changed_directory.write_text(
            contacts.DIRECTORY.read_text(encoding="utf-8").replace(
                '"0800 800 678"', '"0800 111 222"'
            ),
            encoding="utf-8",
        )
        monkeypatch.setattr(contacts, "DIRECTORY", changed_directory)

        try:
            count = services.rerender_stale_lessons(lambda files: package(files))
            db.session.commit()
            assert count == 1
            assert "0800 111 222" in version.lessons[0].html["ro"]
            assert services.rerender_stale_lessons(lambda files: package(files)) == 0
        finally:
            contacts._load.cache_clear()
