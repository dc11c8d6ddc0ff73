"""Issuing, finding, revoking and printing certificates."""

from __future__ import annotations

import calendar
import secrets
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_date, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.certificates import codes, pdf
from elearn.certificates.models import (
    STATUS_LIST_BITS,
    Certificate,
    Issuer,
    ReissueRequest,
    RevocationReason,
    Signatory,
)
from elearn.courses.media import blob_bytes
from elearn.courses.models import Blob
from elearn.database import insert_once, utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.learning import page_views
from elearn.learning.lesson_time import course_seconds_required
from elearn.learning.models import Enrolment
from elearn.links import external_url
from elearn.signals import certificate_issued

REVOCATION_REASONS = {
    RevocationReason.ISSUED_IN_ERROR: _l("Issued in error"),
    RevocationReason.IDENTITY: _l("Issued to the wrong person"),
    RevocationReason.MISCONDUCT: _l("Obtained by cheating or misconduct"),
    RevocationReason.COURSE_WITHDRAWN: _l("The course content was withdrawn as wrong"),
    RevocationReason.HOLDER_REQUEST: _l("At the holder's request"),
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` where the platform is (its configured time zone)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def issuer() -> Issuer:
    """The issuer's settings; before an administrator sets them, the site's name."""
    row = db.session.scalar(select(Issuer).order_by(Issuer.id).limit(1))
    if row is None:
        row = Issuer(
            name=current_app.config["SITE_NAME"],
            url=current_app.config["BASE_URL"],
            email=current_app.config["CONTACT_EMAIL"],
            colour="#1d4e89",
        )
    return row


def signatory(key: str) -> Signatory | None:
    return db.session.scalar(select(Signatory).where(Signatory.key == key, Signatory.active))


def hours_earned(enrolment) -> bool:
    """Whether the time recorded on the enrolment's lessons reaches the course's share of the
    duration its required lessons state, so that the certificate may state the course's hours.
    Read afresh: the summary is kept in step by statements that bypass the loaded object."""
    needed = course_seconds_required(enrolment.version)
    if needed == 0:
        return True
    page_views.settle(enrolment)  # this worker's views not yet written count too
    spent = db.session.scalar(
        select(Enrolment.seconds_on_lessons).where(Enrolment.id == enrolment.id)
    )
    return (spent or 0) >= needed


def issue_for(
    enrolment, round_: int = 1, completed_at: datetime | None = None
) -> Certificate | None:
    """Issue the certificate of a completed enrolment (once: a second call, even at the same
    moment from another request, returns the same certificate). None when the course gives
    no certificate. A renewal passes its round and the moment its quiz was passed."""
    settings = enrolment.version.manifest.get("certificate")
    completed_at = completed_at or enrolment.completed_at
    if not settings or completed_at is None:
        return None
    version, person, by = enrolment.version, db.session.get(User, enrolment.user_id), issuer()
    signer = signatory(settings["signatory"])
    completed_on = local_day(completed_at)
    validity = settings.get("validity_months")
    values = dict(
        code=codes.new_code(),
        user_id=person.id,
        enrolment_id=enrolment.id,
        round=round_,
        course_id=version.course_id,
        version_id=version.id,
        holder_name=person.full_name,
        course_title=dict(version.title),
        languages=list(version.languages),
        version_label=version.label,
        hours=float(settings["hours"]),
        states_hours=hours_earned(enrolment),
        completed_on=completed_on,
        issued_at=utcnow(),
        expires_on=add_months(completed_on, validity) if validity else None,
        issuer_name=by.name,
        issuer_url=by.url,
        accreditation=by.accreditation,
        colour=by.colour or "#1d4e89",
        logo_sha256=by.logo_sha256,
        signatory_name=signer.name if signer else None,
        signatory_role=dict(signer.role) if signer else None,
        signature_sha256=signer.signature_sha256 if signer else None,
        design=settings.get("design", "standard"),
        holder_salt=secrets.token_hex(16),
    )
    inserted = _insert_with_free_status_index(values)
    certificate = db.session.scalar(
        select(Certificate).where(
            Certificate.enrolment_id == enrolment.id, Certificate.round == round_
        )
    )
    if inserted:
        # Only the call that issued it tells the features above (assignments count it as met).
        certificate_issued.send(
            certificate,
            certificate_id=certificate.id,
            user_id=certificate.user_id,
            course_id=certificate.course_id,
            issued_at=certificate.issued_at,
            expires_on=certificate.expires_on,
        )
    return certificate


# Reissue after a change of name --------------------------------------------------------------


def pending_reissue(certificate: Certificate) -> ReissueRequest | None:
    return db.session.scalar(
        select(ReissueRequest).where(
            ReissueRequest.certificate_id == certificate.id, ReissueRequest.decided_at.is_(None)
        )
    )


def request_reissue(certificate: Certificate, user) -> ReissueRequest:
    """Ask for the certificate under the account's current name (once until decided)."""
    if certificate.revoked_at is not None or certificate.superseded_by_id is not None:
        raise DomainError(_l("Only a valid or expired certificate can be reissued."))
    if user.full_name == certificate.holder_name:
        raise DomainError(_l("The certificate already carries your current name."))
    existing = pending_reissue(certificate)
    if existing is not None:
        return existing
    request = ReissueRequest(certificate_id=certificate.id, requested_name=user.full_name)
    db.session.add(request)
    db.session.flush()
    record(
        "certificate.reissue_requested",
        actor_id=user.id,
        target_type="certificate",
        target_id=certificate.id,
    )
    return request


def decide_reissue(request: ReissueRequest, *, approve: bool, by_id: int) -> None:
    """Approve (the certificate takes the new name; same code; "reissued on") or refuse."""
    if request.decided_at is not None:
        raise DomainError(_l("This request has already been decided."))
    request.decided_at = utcnow()
    request.decided_by_id = by_id
    request.approved = approve
    if approve:
        request.certificate.holder_name = request.requested_name
        request.certificate.reissued_at = request.decided_at
    record(
        "certificate.reissued" if approve else "certificate.reissue_refused",
        actor_id=by_id,
        target_type="certificate",
        target_id=request.certificate_id,
        request=request.id,
    )
    db.session.flush()


def pending_reissues() -> list[ReissueRequest]:
    return list(
        db.session.scalars(
            select(ReissueRequest)
            .where(ReissueRequest.decided_at.is_(None))
            .order_by(ReissueRequest.requested_at)
            .options(selectinload(ReissueRequest.certificate))
        )
    )


def _insert_with_free_status_index(values: dict) -> bool:
    """Insert the certificate (once per enrolment and round) at a random free place of the
    revocation status list; two issues that pick the same place at once retry. True if this
    call inserted it, False if it was there already."""
    for _ in range(20):
        index = secrets.randbelow(STATUS_LIST_BITS)
        taken = db.session.scalar(
            select(Certificate.id).where(Certificate.status_index == index).limit(1)
        )
        if taken is not None:
            continue
        try:
            with db.session.begin_nested():
                inserted = insert_once(
                    db.session,
                    Certificate,
                    ("enrolment_id", "round"),
                    status_index=index,
                    **values,
                )
            return inserted
        except IntegrityError:
            continue  # another request took this place a moment ago
    raise DomainError(_l("No free place in the certificate status list; try again."))


def certificates_of(user) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def by_code(text: str) -> Certificate | None:
    """The certificate a typed, scanned or linked code names; None for anything else."""
    code = codes.normalise(text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def today() -> date:
    return local_day(utcnow())


def revoke(certificate: Certificate, reason: str, *, by_id: int) -> None:
    """Revoke with a reason from the fixed list; the public page says so at once."""
    if reason not in REVOCATION_REASONS:
        raise DomainError(_l("Choose a reason from the list."), field="reason")
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = by_id
    record(
        "certificate.revoked",
        actor_id=by_id,
        target_type="certificate",
        target_id=certificate.id,
        reason=reason,
    )
    db.session.flush()


def language_for(certificate: Certificate, wanted: str | None) -> str:
    """The language a certificate is printed in: the one asked for if the course has it,
    else Romanian, else the course's first."""
    for language in (wanted, "ro"):
        if language in certificate.languages:
            return language
    return certificate.languages[0]


def document(certificate: Certificate, language: str) -> pdf.Document:
    """Everything the PDF shows, in ``language``."""
    code_text = codes.display(certificate.code)
    url = external_url("certificates.verify_code", code=certificate.code)
    with force_locale(language):
        hours = certificate.hours
        details = [gettext("Version %(label)s", label=certificate.version_label)]
        if certificate.states_hours:
            details.append(
                ngettext(
                    "%(hours)s hour of study",
                    "%(hours)s hours of study",
                    int(hours) if hours == int(hours) else 2,
                    hours=format_decimal(hours),
                )
            )
        details.append(
            gettext("completed on %(date)s", date=format_date(certificate.completed_on, "long"))
        )
        if certificate.expires_on:
            details.append(
                gettext("valid until %(date)s", date=format_date(certificate.expires_on, "long"))
            )
        return pdf.Document(
            language=language,
            title=gettext("Certificate of completion"),
            certifies=gettext("This certifies that"),
            holder_name=certificate.holder_name,
            completed=gettext("has completed the online, self-paced course"),
            course_title=certificate.course_title.get(language)
            or next(iter(certificate.course_title.values())),
            details=details,
            accreditation=(certificate.accreditation or {}).get(language) or None,
            issuer_name=certificate.issuer_name,
            **signature_lines(certificate, language),
            **image_descriptions(certificate, url),
            code_label=gettext("Code: %(code)s", code=code_text),
            verify_label=gettext("Check it at %(url)s", url=url),
            verify_url=url,
            colour=certificate.colour,
            design=certificate.design if certificate.design in pdf.DESIGNS else "standard",
            logo=_blob(certificate.logo_sha256),
            signature=_blob(certificate.signature_sha256),
            reissued=(
                gettext("Reissued on %(date)s", date=format_date(certificate.reissued_at, "long"))
                if certificate.reissued_at
                else None
            ),
        )


def signature_lines(certificate: Certificate, language: str) -> dict[str, str | None]:
    """The signature block's name and role. A certificate issued while its course named a
    signatory that did not exist says so visibly, "Signed on behalf of <issuer>", rather
    than leaving a blank where a signature belongs (docs/certificates.md). Call inside
    ``force_locale(language)``."""
    if certificate.signatory_name:
        return {
            "signatory_name": certificate.signatory_name,
            "signatory_role": (certificate.signatory_role or {}).get(language),
        }
    return {
        "signatory_name": gettext("Signed on behalf of %(issuer)s", issuer=certificate.issuer_name),
        "signatory_role": None,
    }


def image_descriptions(certificate: Certificate, verify_url: str) -> dict[str, str]:
    """The alt text of the PDF's pictures, which it tags as figures for screen readers.
    Call inside ``force_locale``."""
    return {
        "qr_alt": gettext("QR code leading to %(url)s", url=verify_url),
        "logo_alt": gettext("Logo of %(issuer)s", issuer=certificate.issuer_name),
        "signature_alt": gettext(
            "Signature of %(name)s", name=certificate.signatory_name or certificate.issuer_name
        ),
    }


def _blob(sha256: str | None) -> bytes | None:
    if not sha256:
        return None
    blob = db.session.get(Blob, sha256)
    # The bytes may live in the media storage: a course file with the same content was
    # stored there first (elearn/courses/media.py).
    return blob_bytes(blob) if blob else None


def pdf_bytes(certificate: Certificate, language: str) -> bytes:
    return pdf.render(document(certificate, language))
