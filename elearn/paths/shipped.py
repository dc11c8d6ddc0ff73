"""Writing the shipped learning paths (courses/paths.yaml, read by elearn/paths/loader.py) to
the database: upserted by their id in the caller's transaction, wherever the shipped courses
are imported.

What an administrator did in the browser wins until the file changes: each shipped path keeps
the fingerprint of the definition last imported (``LearningPath.shipped_hash``). An import
writes a path only when the file's definition of it — its title, summary, profession and the
courses of it that are installed — differs from that fingerprint. So an unchanged file never
undoes a change made in the browser, a changed definition replaces it, a shipped path an
administrator deleted stays deleted until its definition changes, and a path made in the
browser is never overwritten (a shipped path with the same id is then left out, and said so).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import delete, select

from elearn.audit.services import record
from elearn.content.problems import N_, Problem
from elearn.courses.models import Course
from elearn.database import utcnow
from elearn.extensions import db
from elearn.paths.loader import ShippedPath
from elearn.paths.models import LearningPath, RemovedShippedPath
from elearn.paths.services import replace_steps


@dataclass(frozen=True)
class Outcome:
    slug: str
    # "created", "updated", "unchanged", "kept removed" or "left out"
    state: str


def fingerprint(shipped: ShippedPath, installed: list[str]) -> str:
    """The definition as it would be imported: the courses it names that are installed."""
    definition = {
        "title": shipped.title,
        "summary": shipped.summary,
        "profession": shipped.profession,
        "courses": installed,
    }
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _warning(message: str, shipped: ShippedPath, line: int | None, **params) -> Problem:
    return Problem(message, shipped.file, line, params, severity="warning")


def import_shipped(definitions: list[ShippedPath]) -> tuple[list[Outcome], list[Problem]]:
    """Upsert the shipped paths; (what happened to each, warnings). Never commits.

    A course that is not installed is left out of its path with a warning (and the path is
    imported again once it is installed, since the fingerprint then changes); a path none of
    whose courses is installed is left out.
    """
    slugs = [shipped.slug for shipped in definitions]
    existing = {
        path.slug: path
        for path in db.session.scalars(select(LearningPath).where(LearningPath.slug.in_(slugs)))
    }
    removed = dict(
        db.session.execute(
            select(RemovedShippedPath.slug, RemovedShippedPath.shipped_hash).where(
                RemovedShippedPath.slug.in_(slugs)
            )
        ).all()
    )
    wanted = {course for shipped in definitions for course in shipped.courses}
    course_ids = dict(
        db.session.execute(select(Course.slug, Course.id).where(Course.slug.in_(wanted))).all()
    )
    outcomes, warnings = [], []
    for shipped in definitions:
        installed = []
        for course, line in zip(shipped.courses, shipped.course_lines, strict=True):
            if course in course_ids:
                installed.append(course)
            else:
                warnings.append(
                    _warning(
                        N_(
                            "The path '%(id)s' names the course '%(course)s', which is not "
                            "installed: the path is imported without it."
                        ),
                        shipped,
                        line,
                        id=shipped.slug,
                        course=course,
                    )
                )
        state = _upsert(shipped, installed, existing, removed, course_ids, warnings)
        outcomes.append(Outcome(shipped.slug, state))
    db.session.flush()
    return outcomes, warnings


def _upsert(shipped, installed, existing, removed, course_ids, warnings) -> str:
    if not installed:
        warnings.append(
            _warning(
                N_("None of the courses of the path '%(id)s' is installed: it is left out."),
                shipped,
                shipped.line,
                id=shipped.slug,
            )
        )
        return "left out"
    digest = fingerprint(shipped, installed)
    path = existing.get(shipped.slug)
    if path is None:
        if removed.get(shipped.slug) == digest:
            return "kept removed"
        db.session.execute(
            delete(RemovedShippedPath).where(RemovedShippedPath.slug == shipped.slug)
        )
        path = LearningPath(slug=shipped.slug)
        db.session.add(path)
        state = "created"
    elif path.shipped_hash is None:
        warnings.append(
            _warning(
                N_(
                    "A path made in the browser already has the id '%(id)s': the shipped "
                    "path is left out. Give it another id in the file."
                ),
                shipped,
                shipped.line,
                id=shipped.slug,
            )
        )
        return "left out"
    elif path.shipped_hash == digest:
        return "unchanged"
    else:
        path.updated_at = utcnow()
        state = "updated"
    path.title = dict(shipped.title)
    path.summary = dict(shipped.summary)
    path.profession = shipped.profession
    path.shipped_hash = digest
    replace_steps(path, [course_ids[course] for course in installed])
    record(
        "path.imported",
        target_type="learning_path",
        target_id=path.id,
        slug=path.slug,
        state=state,
        courses=installed,
    )
    return state
