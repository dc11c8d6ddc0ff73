"""Bulk export for managers: for a course, their organisation and a period, a zip of the PDFs
and a CSV register of every certificate.

The certificates an export holds are fixed when it is asked for (their ids are stored), so it
holds every certificate of the filter and nothing else even if more are issued while it is
built. It is built a slice at a time: each visit to its page adds the PDFs it can in ten
seconds, well inside the server's timeout; a large export asks the manager to continue (a
link, so no JavaScript and no automatic refresh is needed) until the zip is complete.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from sqlalchemy import and_, case, event, func, select, update

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.certificates import services
from elearn.certificates.models import Certificate, CertificateExport
from elearn.database import utcnow
from elearn.extensions import db
from elearn.text import spreadsheet_cell as _cell

SLICE_SECONDS = 10.0  # well inside gunicorn's 30 s timeout
LEASE = timedelta(seconds=30)
KEEP = timedelta(days=7)


def matching(organisation_id: int, course_id: int | None, start: date | None, end: date | None):
    """The certificates of the organisation's confirmed members that the filter selects."""
    query = (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .where(
            User.organisation_id == organisation_id,
            User.organisation_confirmed_at.is_not(None),
        )
        .order_by(Certificate.completed_on, Certificate.id)
    )
    if course_id:
        query = query.where(Certificate.course_id == course_id)
    if start:
        query = query.where(Certificate.completed_on >= start)
    if end:
        query = query.where(Certificate.completed_on <= end)
    return query


def held_by_course(organisation_id: int, start: date | None, end: date | None) -> list:
    """For each course in which the organisation's confirmed members hold certificates: its
    title from the newest of them (``course_title``, the filter's options), how many they hold
    (``held``) and how many of those were completed from ``start`` to ``end``
    (``in_period``; either bound may be None).

    One statement, and one that starts from the organisation's people (users by organisation,
    then certificates by holder), so that it grows with the organisation, not the platform.
    """
    period = []
    if start:
        period.append(Certificate.completed_on >= start)
    if end:
        period.append(Certificate.completed_on <= end)
    per_course = (
        select(
            Certificate.course_id,
            func.max(Certificate.id).label("newest"),
            func.count().label("held"),
            (func.count(case((and_(*period), 1))) if period else func.count()).label("in_period"),
        )
        .select_from(User)
        .join(Certificate, Certificate.user_id == User.id)
        .where(
            User.organisation_id == organisation_id,
            User.organisation_confirmed_at.is_not(None),
        )
        .group_by(Certificate.course_id)
        .subquery()
    )
    return db.session.execute(
        select(
            per_course.c.course_id,
            Certificate.course_title,
            per_course.c.held,
            per_course.c.in_period,
        ).join_from(per_course, Certificate, Certificate.id == per_course.c.newest)
    ).all()


def create(
    organisation_id: int,
    *,
    course_id: int | None,
    start: date | None,
    end: date | None,
    language: str,
    by_id: int,
) -> CertificateExport:
    ids = list(
        db.session.scalars(
            matching(organisation_id, course_id, start, end).with_only_columns(Certificate.id)
        )
    )
    export = CertificateExport(
        organisation_id=organisation_id,
        requested_by_id=by_id,
        filters={
            "course_id": course_id,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        },
        certificate_ids=ids,
        done=0,
        language=language,
        file_name=f"{secrets.token_hex(16)}.zip",
    )
    db.session.add(export)
    db.session.flush()
    record(
        "certificate.exported",
        actor_id=by_id,
        target_type="organisation",
        target_id=organisation_id,
        export=export.id,
        certificates=len(ids),
        **export.filters,
    )
    return export


def path_of(export: CertificateExport) -> Path:
    folder = Path(current_app.config["EXPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder / export.file_name


def claim(export: CertificateExport) -> bool:
    """Take the export's lease: only one request builds it at a time (a second tab just shows
    the progress). The caller commits at once, so that other requests see the lease."""
    if export.ready_at is not None:
        return False
    now = utcnow()
    claimed = db.session.execute(
        update(CertificateExport)
        .where(
            CertificateExport.id == export.id,
            (CertificateExport.working_until.is_(None)) | (CertificateExport.working_until < now),
        )
        .values(working_until=now + LEASE)
    ).rowcount
    return claimed == 1


def build_slice(export: CertificateExport) -> None:
    """With the lease held: add the next PDFs (for about SLICE_SECONDS), and the register once
    all are in; then release the lease."""
    db.session.refresh(export)
    path = path_of(export)
    ids = export.certificate_ids
    started = time.monotonic()
    with zipfile.ZipFile(path, "a" if export.done else "w", zipfile.ZIP_DEFLATED) as archive:
        while export.done < len(ids):  # at least one per slice, however slow
            certificate = db.session.get(Certificate, ids[export.done])
            if certificate is not None and certificate.revoked_at is None:
                language = services.language_for(certificate, export.language)
                archive.writestr(
                    f"certificates/{certificate.code}.pdf",
                    services.pdf_bytes(certificate, language),
                )
            export.done += 1
            if time.monotonic() - started >= SLICE_SECONDS:
                break
        if export.done >= len(ids):
            archive.writestr("register.csv", register(ids, export.language))
            export.ready_at = utcnow()
    export.working_until = None
    db.session.flush()


def register(ids: list[int], language: str) -> bytes:
    """Every certificate of the export, UTF-8 with a byte-order mark so that Excel reads the
    diacritics, in the order of the export."""
    from flask_babel import force_locale

    today = services.today()
    certificates = {
        certificate.id: certificate
        for certificate in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))
    }
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    with force_locale(language):
        statuses = {
            "valid": gettext("valid"),
            "expired": gettext("expired"),
            "revoked": gettext("revoked"),
            "superseded": gettext("replaced by a newer certificate"),
        }
        writer.writerow(
            [
                gettext("Code"),
                gettext("Name"),
                gettext("Course"),
                gettext("Version"),
                gettext("Hours"),
                gettext("Completed on"),
                gettext("Issued"),
                gettext("Expires"),
                gettext("Status"),
            ]
        )
    for certificate_id in ids:
        certificate = certificates.get(certificate_id)
        if certificate is None:
            continue
        title = services.language_for(certificate, language)
        writer.writerow(
            [
                _cell(certificate.code),
                _cell(certificate.holder_name),
                _cell(certificate.course_title.get(title)),
                _cell(certificate.version_label),
                _cell(f"{certificate.hours:g}" if certificate.states_hours else ""),
                certificate.completed_on.isoformat(),
                services.local_day(certificate.issued_at).isoformat(),
                certificate.expires_on.isoformat() if certificate.expires_on else "",
                statuses[certificate.status(today)],
            ]
        )
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def forget_erased_holder(_user, *, user_id: int, certificate_ids: list[int]) -> None:
    """An erased person leaves every export: each one that holds a certificate of theirs
    drops it and is built again, and its old zip (names and PDFs) is deleted once the erasure
    commits. The manager sees it being rebuilt next time."""
    if not certificate_ids:
        return
    gone = set(certificate_ids)
    old_files = []
    for export in db.session.scalars(select(CertificateExport)):
        if not gone.intersection(export.certificate_ids):
            continue
        old_files.append(path_of(export))
        export.certificate_ids = [i for i in export.certificate_ids if i not in gone]
        export.done = 0
        export.ready_at = None
        export.working_until = None
        export.file_name = f"{secrets.token_hex(16)}.zip"
        record(
            "certificate.export_rebuilt",
            target_type="organisation",
            target_id=export.organisation_id,
            export=export.id,
            reason="holder_erased",
        )
    if old_files:
        db.session.flush()
        event.listen(db.session(), "after_commit", lambda _s: _unlink(old_files), once=True)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def purge_old(now) -> int:
    """Remove exports (rows and files) older than KEEP; for `elearn purge`."""
    old = db.session.scalars(
        select(CertificateExport).where(CertificateExport.created_at < now - KEEP)
    ).all()
    for export in old:
        path_of(export).unlink(missing_ok=True)
        db.session.delete(export)
    return len(old)
