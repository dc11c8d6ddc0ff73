"""Reading the library: the public list with its filters, the pages of one resource, the
download counts, and the keys courses name. Every list is a fixed number of queries however
many resources, files and downloads there are; totals are summed in SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from elearn.accounts.models import Role
from elearn.database import insert_statement, utcnow
from elearn.extensions import db, limiter
from elearn.resources.models import Resource, ResourceDownloadDay, ResourceFile, ResourceStatus

PER_PAGE = 20


def library_query(
    *, audience: str | None = None, language: str | None = None, kind: str | None = None
) -> Select:
    """Approved resources, newest approval first, narrowed by the filters given."""
    query = select(Resource).where(Resource.status == ResourceStatus.APPROVED)
    if audience:
        query = query.where(Resource.audience == audience)
    if kind:
        query = query.where(Resource.kind == kind)
    if language:
        in_language = select(ResourceFile.resource_id).where(ResourceFile.language == language)
        query = query.where(Resource.id.in_(in_language))
    return query.options(selectinload(Resource.files)).order_by(
        Resource.reviewed_at.desc(), Resource.id.desc()
    )


def workbench_query(user) -> Select:
    """What the person works on: a trainer's own resources in every status; for an
    administrator, every resource. Waiting for review first."""
    query = select(Resource).options(selectinload(Resource.files))
    if not user.has_role(Role.ADMIN):
        query = query.where(Resource.created_by_id == user.id)
    waiting = (Resource.status == ResourceStatus.IN_REVIEW).desc()
    return query.order_by(waiting, Resource.updated_at.desc(), Resource.id.desc())


def review_queue_count() -> int:
    return db.session.scalar(
        select(func.count(Resource.id)).where(Resource.status == ResourceStatus.IN_REVIEW)
    )


def download_totals(resource_ids: list[int]) -> dict[int, int]:
    """All-time downloads of each resource (its files together), in one query."""
    if not resource_ids:
        return {}
    rows = db.session.execute(
        select(ResourceFile.resource_id, func.sum(ResourceDownloadDay.downloads))
        .join(ResourceDownloadDay, ResourceDownloadDay.file_id == ResourceFile.id)
        .where(ResourceFile.resource_id.in_(resource_ids))
        .group_by(ResourceFile.resource_id)
    ).all()
    return {resource_id: int(total or 0) for resource_id, total in rows}


def file_totals(resource: Resource) -> dict[int, int]:
    """All-time downloads of each file of ``resource``."""
    rows = db.session.execute(
        select(ResourceDownloadDay.file_id, func.sum(ResourceDownloadDay.downloads))
        .join(ResourceFile, ResourceFile.id == ResourceDownloadDay.file_id)
        .where(ResourceFile.resource_id == resource.id)
        .group_by(ResourceDownloadDay.file_id)
    ).all()
    return {file_id: int(total or 0) for file_id, total in rows}


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` where the platform is (its configured time zone)."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


# One network address counts at most this many downloads of one file (a school's network,
# where a whole class shares one address, still counts a class); more are served, not counted,
# so that nobody can inflate a material's figures by downloading it in a loop.
DEFAULT_COUNT_LIMIT_PER_ADDRESS = "40 per hour; 100 per day"


def counts_from_here(file: ResourceFile) -> bool:
    """Whether this download may add to the file's count: False once this address has had
    ``RESOURCE_COUNT_LIMIT_PER_ADDRESS`` counted downloads of it. The limiter's counters (in
    Redis, expiring with their window) are the only place the address is held; nothing is
    written to the database. True when rate limiting is off, or its storage is unreachable."""
    if not limiter.enabled:
        return True
    setting = current_app.config.get(
        "RESOURCE_COUNT_LIMIT_PER_ADDRESS", DEFAULT_COUNT_LIMIT_PER_ADDRESS
    )
    key = ("resource-download", str(file.id), get_remote_address())
    try:
        return all([limiter.limiter.hit(item, *key) for item in parse_many(setting)])
    except Exception:
        current_app.logger.exception("The download counters could not be reached")
        return True


def count_download(file: ResourceFile, moment: datetime | None = None) -> None:
    """Add one to the file's count for today, in one statement: two downloads at the same
    moment both count (INSERT ... ON CONFLICT DO UPDATE, on PostgreSQL as on SQLite). Nothing
    about who downloaded is written."""
    table = ResourceDownloadDay.__table__
    statement = (
        insert_statement(db.session)(ResourceDownloadDay)
        .values(file_id=file.id, day=local_day(moment or utcnow()), downloads=1)
        .on_conflict_do_update(
            index_elements=["file_id", "day"], set_={"downloads": table.c.downloads + 1}
        )
    )
    db.session.execute(statement)


def approved_by_keys(keys: list[str]) -> list[Resource]:
    """The approved resources among ``keys``, in the order given (one query; a course page
    lists its manifest's ``resources:`` with it)."""
    keys = [key for key in keys or [] if isinstance(key, str)]
    if not keys:
        return []
    found = {
        resource.key: resource
        for resource in db.session.scalars(
            select(Resource).where(
                Resource.key.in_(keys), Resource.status == ResourceStatus.APPROVED
            )
        )
    }
    return [found[key] for key in keys if key in found]


def approved_resources(audience: str | None = None) -> list[Resource]:
    """Every approved resource (for one audience when given), by key, with its files: what
    delivered sessions and events offer to choose from (two queries)."""
    query = select(Resource).where(Resource.status == ResourceStatus.APPROVED)
    if audience:
        query = query.where(Resource.audience == audience)
    return list(
        db.session.scalars(query.options(selectinload(Resource.files)).order_by(Resource.key))
    )


def existing_keys(keys: set[str]) -> set[str]:
    """Which of ``keys`` name a resource, whatever its status."""
    if not keys:
        return set()
    return set(db.session.scalars(select(Resource.key).where(Resource.key.in_(sorted(keys)))))


def resources_of(user_id: int) -> list[Resource]:
    """The resources a person uploaded or reviewed (their personal data download)."""
    return list(
        db.session.scalars(
            select(Resource)
            .where(or_(Resource.created_by_id == user_id, Resource.reviewed_by_id == user_id))
            .order_by(Resource.id)
        )
    )
