"""`elearn courses ...`: validate, import, export and list content packages."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from elearn.content.loader import load_package
from elearn.content.problems import PackageError, Problem
from elearn.content.schema import Manifest
from elearn.content.source import PackageFiles, read_package
from elearn.courses import media, services
from elearn.courses.models import Course, CourseVersion
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning.versions import learner_counts
from elearn.organisations.models import Organisation
from elearn.paths.loader import FILE_NAME as PATHS_FILE
from elearn.paths.loader import load_paths
from elearn.paths.shipped import import_shipped
from elearn.reference import PROFESSIONS
from elearn.storage import storage

COURSES_DIR = Path(__file__).resolve().parent.parent.parent / "courses"

courses_cli = AppGroup("courses", help="Validate, import, export and list content packages.")


def _load(path: Path):
    """(package, None) or (None, problems) for one folder or zip."""
    try:
        return load_package(read_package(path), professions=set(PROFESSIONS)), None
    except PackageError as error:
        return None, error.problems
    except OSError as error:
        return None, [
            Problem(
                "Cannot read %(path)s: %(detail)s",
                str(path),
                params={"path": str(path), "detail": error.strerror},
            )
        ]


def _load_learning_paths(known_courses: set[str] | None = None):
    """(paths, None) or (None, problems) for courses/paths.yaml; ([], None) without one."""
    path = COURSES_DIR / PATHS_FILE
    if not path.is_file():
        return [], None
    try:
        return load_paths(path, professions=set(PROFESSIONS), known_courses=known_courses), None
    except PackageError as error:
        return None, error.problems


def _echo_path_problems(problems, echo=click.echo) -> None:
    """The learning paths file's problems: each names the file and line itself."""
    for problem in problems:
        label = "warning" if problem.severity == "warning" else "error"
        echo(f"{problem.location()}: {label}: {problem.text()}")


def _echo_problems(path, problems) -> None:
    for problem in problems:
        where = problem.location() or str(path)
        label = "warning" if problem.severity == "warning" else "error"
        click.echo(f"{path}: {where}: {label}: {problem.text()}", err=True)


def package_paths(paths) -> list[Path]:
    """The packages named, or every package folder under courses/ when none is."""
    if paths:
        return [Path(p) for p in paths]
    if not COURSES_DIR.is_dir():
        return []
    return sorted(p for p in COURSES_DIR.iterdir() if (p / "course.yaml").is_file())


@courses_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def validate_command(paths) -> None:
    """Check packages (folders or zips) without touching the database; exit 1 on any error.

    Without arguments: every package under courses/ and the learning paths of
    courses/paths.yaml, whose courses must be among those packages."""
    failed = False
    known: set[str] = set()
    for path in package_paths(paths):
        package, problems = _load(path)
        if package is None:
            failed = True
            _echo_problems(path, problems)
            click.echo(f"{path}: {len([p for p in problems if p.severity == 'error'])} problem(s)")
        else:
            known.add(package.manifest.id)
            _echo_problems(path, package.warnings)
            click.echo(
                f"{path}: valid ({package.manifest.id} {package.manifest.version}, "
                f"{len(package.lessons)} lessons, "
                f"{sum(len(q.questions) for q in package.quizzes)} questions)"
            )
    if not paths:
        # A package that failed has no id to check against: then only the file's own form.
        learning_paths, problems = _load_learning_paths(None if failed else known)
        if learning_paths is None:
            failed = True
            _echo_path_problems(problems)
        elif learning_paths:
            click.echo(f"{COURSES_DIR / PATHS_FILE}: valid ({len(learning_paths)} learning paths)")
    if failed:
        raise SystemExit(1)


def import_paths(paths, *, publish: bool, organisation_id: int | None, echo=click.echo) -> bool:
    """Validate every package, then import them all in one transaction. True on success.

    Without ``paths`` (the shipped library), the learning paths of courses/paths.yaml are
    checked first and imported after the courses, in the same transaction."""
    loaded = []
    ok = True
    learning_paths = []
    if not paths:
        learning_paths, problems = _load_learning_paths()
        if learning_paths is None:
            _echo_path_problems(problems, echo)
            ok = False
    for path in package_paths(paths):
        package, problems = _load(path)
        if package is None:
            _echo_problems(path, problems)
            ok = False
        else:
            _echo_problems(path, package.warnings)
            loaded.append((path, package))
    if not ok:
        echo("Nothing was imported: fix the problems above first.")
        return False
    with click.progressbar(
        loaded,
        label="Importing",
        show_pos=True,
        item_show_func=lambda item: str(item[0]) if item else "",
    ) as bar:
        results = []
        for path, package in bar:
            try:
                results.append(
                    (
                        path,
                        services.import_package(
                            package,
                            organisation_id=organisation_id,
                            by_id=None,
                            publish=publish,
                            operator=True,
                        ),
                    )
                )
            except DomainError as error:
                db.session.rollback()
                echo(f"{path}: {error.message}")
                echo("Nothing was imported.")
                return False
    outcomes, warnings = import_shipped(learning_paths) if learning_paths else ([], [])
    db.session.commit()
    _echo_path_problems(warnings, echo)
    for path, result in results:
        state = "imported" if result.created else "unchanged"
        echo(
            f"{path}: {state}: {result.version.course.slug} {result.version.label} "
            f"({result.version.status})"
        )
        with force_locale("en"):  # the command line speaks English, as its other messages
            for warning in result.warnings:
                echo(f"{path}: warning: {warning}")
    for outcome in outcomes:
        echo(f"{COURSES_DIR / PATHS_FILE}: learning path {outcome.slug}: {outcome.state}")
    return True


@courses_cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--publish", is_flag=True, help="Publish at once (the operator's own review).")
@click.option("--organisation", help="The organisation that owns new courses (its exact name).")
def import_command(paths, publish: bool, organisation: str | None) -> None:
    """Validate, then import packages in one transaction (default: every one under courses/)."""
    organisation_id = None
    if organisation:
        found = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        if found is None:
            raise click.BadParameter(
                f"no organisation is named {organisation!r}", param_hint="--organisation"
            )
        organisation_id = found.id
    if not import_paths(paths, publish=publish, organisation_id=organisation_id):
        raise SystemExit(1)


@courses_cli.command("export")
@click.argument("course")
@click.option("--version", "label", help="The version label (default: the newest).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(course: str, label: str | None, output: str) -> None:
    """Write a course version's package, exactly as imported, to a zip."""
    found = services.course_by_slug(course)
    if found is None or not found.versions:
        raise click.ClickException(f"no course {course!r}")
    versions = [v for v in found.versions if label is None or v.label == label]
    if not versions:
        raise click.ClickException(f"{course} has no version {label!r}")
    with Path(output).open("wb") as target:
        services.export_zip(versions[-1], target)
    click.echo(f"Wrote {course} {versions[-1].label} to {output}")


@courses_cli.command("list")
def list_command() -> None:
    """Courses, their versions, languages and learner counts."""
    counts = learner_counts()
    rows = db.session.execute(
        select(Course.slug, CourseVersion)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .order_by(Course.slug, CourseVersion.id)
    ).all()
    if not rows:
        click.echo("No courses yet.")
    for slug, version in rows:
        click.echo(
            f"{slug}  {version.label:<10} {version.status:<10} "
            f"{','.join(version.languages):<9} {counts.get(version.id, 0)} learner(s)"
        )


@courses_cli.command("rerender")
@click.option(
    "--all",
    "every_version",
    is_flag=True,
    help="Every version, to clean media stored before the current metadata cleaning.",
)
def rerender_command(every_version: bool) -> None:
    """Render lessons again after the contacts directory changed (run after upgrading)."""
    count = services.rerender_stale_lessons(
        lambda files: load_package(PackageFiles("stored", files), professions=set(PROFESSIONS)),
        every_version=every_version,
    )
    db.session.commit()
    click.echo(f"{count} version(s) rendered again with the current contacts directory.")
    _forget_unused_files()


def _forget_unused_files() -> None:
    """Delete the copies that cleaner ones replaced: a location must not stay on the disk."""
    for sha256 in media.unused_blobs():
        key = media.delete_blob(sha256)
        db.session.commit()  # the row first: a file is never missing under a row
        if key:
            storage().delete(key)
        click.echo(f"{sha256}: no longer used, deleted")


@courses_cli.command("move-media")
def move_media_command() -> None:
    """Move course files kept in the database (before the media storage) into the storage."""
    moved = 0
    for sha256 in media.blobs_to_move():
        size = media.move_blob_to_storage(sha256)
        db.session.commit()  # one file per transaction: a long run can stop and start again
        db.session.expunge_all()
        moved += 1
        click.echo(f"{sha256}: {size} bytes moved")
    click.echo(f"{moved} file(s) moved into the media storage.")


@courses_cli.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True))
def schema_command(output: str | None) -> None:
    """The JSON Schema of course.yaml, for editors that validate as you type."""
    schema = json.dumps(Manifest.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        Path(output).write_text(schema, encoding="utf-8")
    else:
        click.echo(schema)
