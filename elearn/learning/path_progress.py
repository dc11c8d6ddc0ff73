"""Learning paths as a learner sees them: each course's state for them and the next one.

Paths (the layer below) declare the steps and never read enrolments; this module combines
those steps with the learner's enrolments and the prerequisites in the courses' manifests.
Every function makes a fixed number of queries, however many paths, steps and courses there
are (tests/paths/test_learner_display.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from elearn.courses.models import Course, CourseVersion
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.learning.services import latest_published
from elearn.paths.models import LearningPath
from elearn.paths.services import paths_for_profession

COMPLETED = "completed"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
# Its prerequisites are not all completed yet.
LOCKED = "locked"
# No version of it is published (yet, or any more).
NOT_OPEN = "not_open"


@dataclass
class CourseRef:
    course: Course
    # The version whose title is shown: the newest published one, else the newest one.
    version: CourseVersion | None

    def title(self, language: str) -> str:
        return self.version.text("title", language) if self.version else self.course.slug


@dataclass
class Step(CourseRef):
    state: str = NOT_STARTED
    needs: list[CourseRef] = field(default_factory=list)  # unmet prerequisites, when locked
    is_next: bool = False


@dataclass
class PathProgress:
    path: LearningPath
    steps: list[Step]

    @property
    def completed(self) -> int:
        return sum(step.state == COMPLETED for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if step.is_next), None)


class Learner:
    """What the states are worked out from: newest published versions, the learner's
    enrolments and the courses prerequisites name. Four queries, whatever the data; a page
    that shows paths and prerequisites together (the catalogue) makes one and passes it to
    both."""

    def __init__(self, user, versions: dict | None = None) -> None:
        self.versions = latest_published() if versions is None else versions
        self.enrolments: dict[int, Enrolment] = {}
        if user is not None and user.is_authenticated:
            self.enrolments = {
                e.course_id: e
                for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id))
            }
        wanted = {
            slug
            for version in self.versions.values()
            for slug in version.manifest.get("prerequisites") or []
        }
        self.by_slug: dict[str, Course] = (
            {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(wanted)))}
            if wanted
            else {}
        )

    def completed(self, course_id: int) -> bool:
        enrolment = self.enrolments.get(course_id)
        return enrolment is not None and enrolment.completed_at is not None

    def prerequisites(self, course_id: int) -> list[Course]:
        """The courses the newest published version builds on (those that exist here)."""
        version = self.versions.get(course_id)
        wanted = (version.manifest.get("prerequisites") or []) if version else []
        return [self.by_slug[slug] for slug in wanted if slug in self.by_slug]

    def unmet(self, course_id: int) -> list[CourseRef]:
        """The prerequisites of the course the learner has not completed."""
        return [
            CourseRef(course, self.versions.get(course.id))
            for course in self.prerequisites(course_id)
            if not self.completed(course.id)
        ]

    def step(self, course: Course) -> Step:
        enrolment = self.enrolments.get(course.id)
        version = self.versions.get(course.id)
        if enrolment is not None:
            state = COMPLETED if enrolment.completed_at else IN_PROGRESS
            return Step(course, version, state)
        if version is None:
            return Step(course, None, NOT_OPEN)
        needs = self.unmet(course.id)
        return Step(course, version, LOCKED if needs else NOT_STARTED, needs)


def _titles_of_unopened(refs: list[CourseRef]) -> None:
    """Courses with no published version still show a title: their newest version's (one
    query, only when there are such courses)."""
    missing = {ref.course.id for ref in refs if ref.version is None}
    if not missing:
        return
    newest = (
        select(func.max(CourseVersion.id))
        .where(CourseVersion.course_id.in_(missing))
        .group_by(CourseVersion.course_id)
    )
    versions = {
        version.course_id: version
        for version in db.session.scalars(select(CourseVersion).where(CourseVersion.id.in_(newest)))
    }
    for ref in refs:
        if ref.version is None:
            ref.version = versions.get(ref.course.id)


def _mark_next(steps: list[Step]) -> list[Step]:
    """The next step: the first one the learner can take now and has not completed."""
    for step in steps:
        if step.state in (IN_PROGRESS, NOT_STARTED):
            step.is_next = True
            break
    return steps


def paths_for(
    user, versions: dict | None = None, *, learner: Learner | None = None
) -> list[PathProgress]:
    """The paths for ``user``'s profession and for everyone, each step with its state and the
    next one marked. Nobody signed in: no paths (their profession is not known).
    ``versions``: latest_published(), or ``learner``, when the caller has it already."""
    if user is None or not user.is_authenticated:
        return []
    learner = learner or Learner(user, versions)
    paths = [
        PathProgress(path, _mark_next([learner.step(step.course) for step in path.steps]))
        for path in paths_for_profession(user.profession)
    ]
    _titles_of_unopened(
        [ref for item in paths for step in item.steps for ref in (step, *step.needs)]
    )
    return paths


def route_to(user, course: Course) -> list[Step]:
    """The courses to complete before ``course``, prerequisites of prerequisites first, each
    with its state and the next marked: what a locked course's page shows instead of a dead
    end. Courses already completed stay in the list (the learner sees how far they are)."""
    learner = Learner(user)
    route: list[Course] = []
    seen = {course.id}

    def visit(current: Course) -> None:
        for before in learner.prerequisites(current.id):
            if before.id not in seen:
                seen.add(before.id)
                visit(before)
                route.append(before)

    visit(course)
    steps = _mark_next([learner.step(before) for before in route])
    _titles_of_unopened([ref for step in steps for ref in (step, *step.needs)])
    return steps


def prerequisites_needed(
    user, course_ids, *, learner: Learner | None = None
) -> dict[int, list[CourseRef]]:
    """For the catalogue's cards: by course id, the courses it builds on that ``user`` has not
    completed (all of them for someone not signed in). ``learner``: when the caller has it."""
    learner = learner or Learner(user)
    needed = {}
    for course_id in course_ids:
        if course_id in learner.enrolments:
            continue
        unmet = learner.unmet(course_id)
        if unmet:
            needed[course_id] = unmet
    _titles_of_unopened([ref for refs in needed.values() for ref in refs])
    return needed


def path_positions(learning_paths: list[PathProgress]) -> dict[int, int]:
    """By course id, its place (from 1) in the order the reader's paths give: the first path's
    courses first, then the courses the next paths add. No query."""
    positions: dict[int, int] = {}
    for item in learning_paths:
        for step in item.steps:
            positions.setdefault(step.course.id, len(positions) + 1)
    return positions


def in_path_order(entries: list, positions: dict[int, int], needs: dict[int, list]) -> list:
    """The catalogue's entries in the order to follow: the courses of the reader's paths in
    the paths' order (the core course, then their profession's), then the courses they can
    take now (those others build on first), then those that need another course first;
    otherwise as they were (the catalogue's own order: the reader's language and profession
    first). No query."""
    last = len(positions) + 1
    unlocking = {ref.course.id for refs in needs.values() for ref in refs}
    return sorted(
        entries,
        key=lambda entry: (
            positions.get(entry.course.id, last),
            entry.course.id in needs,
            entry.course.id not in unlocking,
        ),
    )
