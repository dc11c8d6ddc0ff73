"""Importing the shipped paths: upsert by id, what the browser changed is kept until the file
changes, a missing course is reported (not a crash), and the commands import and check
courses/paths.yaml."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from elearn.courses import commands
from elearn.extensions import db
from elearn.paths import services
from elearn.paths.loader import parse_paths
from elearn.paths.models import LearningPath
from elearn.paths.shipped import import_shipped
from elearn.reference import PROFESSIONS
from tests.content.helpers import VALID
from tests.paths.conftest import add_path

FILE = """\
format: 1
paths:
  - id: teachers
    profession: teacher
    title: {ro: Parcursul cadrelor didactice, en: The teachers' path, hu: A pedagógusok útja}
    courses: [core, school]
"""


def shipped(text: str = FILE):
    return parse_paths(text, file="paths.yaml", professions=set(PROFESSIONS))


def path_named(slug: str) -> LearningPath | None:
    return db.session.scalar(select(LearningPath).where(LearningPath.slug == slug))


def slugs_of(path: LearningPath) -> list[str]:
    return [step.course.slug for step in path.steps]


def test_an_import_creates_then_leaves_an_unchanged_path_alone(app, courses):
    with app.app_context():
        outcomes, warnings = import_shipped(shipped())
        assert [(o.slug, o.state) for o in outcomes] == [("teachers", "created")]
        assert warnings == []
        path = path_named("teachers")
        assert slugs_of(path) == ["core", "school"] and path.profession == "teacher"
        assert path.shipped_hash and path.created_by_id is None
        outcomes, _ = import_shipped(shipped())
        assert outcomes[0].state == "unchanged"


def test_a_change_in_the_browser_is_kept_until_the_files_definition_changes(app, courses):
    with app.app_context():
        import_shipped(shipped())
        path = path_named("teachers")
        services.add_course(path, courses["extra"], by_id=None)
        services.update_path(
            path, title={"en": "Ours"}, summary={}, profession="teacher", by_id=None
        )
        assert import_shipped(shipped())[0][0].state == "unchanged"
        assert slugs_of(path) == ["core", "school", "extra"] and path.title == {"en": "Ours"}
        changed = FILE.replace("[core, school]", "[core, extra]")
        assert import_shipped(shipped(changed))[0][0].state == "updated"
        db.session.expire_all()
        path = path_named("teachers")
        assert slugs_of(path) == ["core", "extra"] and path.title["en"] == "The teachers' path"


def test_a_deleted_shipped_path_stays_deleted_until_the_file_changes(app, courses):
    with app.app_context():
        import_shipped(shipped())
        services.delete_path(path_named("teachers"), by_id=None)
        assert import_shipped(shipped())[0][0].state == "kept removed"
        assert path_named("teachers") is None
        changed = FILE.replace("A pedagógusok útja", "A pedagógusok képzési útja")
        assert import_shipped(shipped(changed))[0][0].state == "created"
        assert path_named("teachers") is not None


def test_a_course_that_is_not_installed_is_reported_and_left_out(app, courses):
    with app.app_context():
        text = FILE.replace("[core, school]", "[core, missing, school]")
        outcomes, [warning] = import_shipped(shipped(text))
        assert outcomes[0].state == "created"
        assert slugs_of(path_named("teachers")) == ["core", "school"]
        assert (warning.file, warning.line, warning.severity) == ("paths.yaml", 6, "warning")
        assert "'missing', which is not installed" in warning.text()
        # Once the course is installed, the next import brings it in.
        from tests.paths.conftest import add_course

        add_course("missing")
        assert import_shipped(shipped(text))[0][0].state == "updated"
        db.session.expire_all()
        assert slugs_of(path_named("teachers")) == ["core", "missing", "school"]


def test_a_path_none_of_whose_courses_is_installed_is_left_out(app, courses):
    with app.app_context():
        text = FILE.replace("[core, school]", "[gone, lost]")
        outcomes, warnings = import_shipped(shipped(text))
        assert outcomes[0].state == "left out" and path_named("teachers") is None
        assert "None of the courses of the path 'teachers'" in warnings[-1].text()


def test_a_path_made_in_the_browser_is_never_overwritten(app, courses):
    with app.app_context():
        path_id = add_path([courses["extra"]], title={"en": "Teachers"})
        assert db.session.get(LearningPath, path_id).slug == "teachers"
        outcomes, [warning] = import_shipped(shipped())
        assert outcomes[0].state == "left out"
        assert "made in the browser already has the id 'teachers'" in warning.text()
        assert slugs_of(db.session.get(LearningPath, path_id)) == ["extra"]


def test_the_import_command_imports_courses_paths_yaml(app, runner):
    """`elearn courses import` (as `elearn start` runs it) imports the shipped paths with the
    shipped courses, in the same transaction; a second run changes nothing."""
    result = runner.invoke(args=["courses", "import", "--publish"])
    assert result.exit_code == 0, result.output
    assert "learning path teachers: created" in result.output
    with app.app_context():
        teachers = path_named("teachers")
        assert slugs_of(teachers) == ["understanding-trafficking", "for-teachers"]
        assert teachers.title["hu"] == "A pedagógusok képzési útja"
        assert len(db.session.scalars(select(LearningPath)).all()) == 9
    again = runner.invoke(args=["courses", "import", "--publish"])
    assert again.exit_code == 0 and "learning path teachers: unchanged" in again.output


def _library(tmp_path, paths_yaml: str):
    """A courses folder holding the valid test package and ``paths_yaml``."""
    shutil.copytree(VALID, tmp_path / "test-course")
    (tmp_path / "paths.yaml").write_text(paths_yaml, encoding="utf-8")
    return tmp_path


PATHS_OF_TEST_COURSE = """\
format: 1
paths:
  - id: teachers
    profession: teacher
    title: {en: Teachers}
    courses: [test-course]
"""


def test_validate_checks_the_paths_file_against_the_packages(app, runner, tmp_path, monkeypatch):
    library = _library(tmp_path, PATHS_OF_TEST_COURSE)
    monkeypatch.setattr(commands, "COURSES_DIR", library)
    result = runner.invoke(args=["courses", "validate"])
    assert result.exit_code == 0, result.output
    assert "paths.yaml: valid (1 learning paths)" in result.output
    (library / "paths.yaml").write_text(
        PATHS_OF_TEST_COURSE.replace("[test-course]", "[test-course, for-bakers]")
    )
    result = runner.invoke(args=["courses", "validate"])
    assert result.exit_code == 1
    assert f"{library / 'paths.yaml'}:6: error: The path 'teachers' names the course" in (
        result.output
    )


def test_a_bad_paths_file_stops_the_import_before_anything_is_imported(
    app, runner, tmp_path, monkeypatch
):
    library = _library(tmp_path, PATHS_OF_TEST_COURSE.replace("teacher\n", "baker\n"))
    monkeypatch.setattr(commands, "COURSES_DIR", library)
    result = runner.invoke(args=["courses", "import", "--publish"])
    assert result.exit_code == 1
    assert "paths.yaml:4: error: Unknown profession 'baker'" in result.output
    assert "Nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalars(select(LearningPath)).all() == []


def test_a_missing_course_in_the_paths_file_is_a_warning_at_import(
    app, runner, tmp_path, monkeypatch
):
    text = PATHS_OF_TEST_COURSE.replace("[test-course]", "[core-course, test-course]")
    monkeypatch.setattr(commands, "COURSES_DIR", _library(tmp_path, text))
    result = runner.invoke(args=["courses", "import", "--publish"])
    assert result.exit_code == 0, result.output
    assert "paths.yaml:6: warning: The path 'teachers' names the course 'core-course'" in (
        result.output
    )
    assert "learning path teachers: created" in result.output
