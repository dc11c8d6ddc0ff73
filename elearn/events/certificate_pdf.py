"""A certificate of attendance as a PDF: the course certificates' layout, fonts and QR code
(elearn/certificates/pdf.py), with the words of attendance, in the holder's language."""

from __future__ import annotations

from flask_babel import force_locale, format_date, format_decimal, gettext, ngettext

from elearn.certificates import codes, pdf
from elearn.courses.media import blob_bytes
from elearn.courses.models import Blob
from elearn.events.certificates import kind_name
from elearn.events.models import AttendanceCertificate
from elearn.extensions import db
from elearn.i18n import LANGUAGES
from elearn.links import external_url


def language_for(wanted: str | None, fallback: str | None) -> str:
    """The language asked for if the platform has it, else the holder's, else Romanian."""
    for language in (wanted, fallback):
        if language in LANGUAGES:
            return language
    return "ro"


def document(certificate: AttendanceCertificate, language: str) -> pdf.Document:
    """Everything the PDF shows, in ``language``."""
    url = external_url("certificates.verify_code", code=certificate.code)
    with force_locale(language):
        hours = certificate.hours
        details = [
            gettext("held on %(date)s", date=format_date(certificate.held_on, "long")),
            ngettext(
                "%(hours)s hour",
                "%(hours)s hours",
                int(hours) if hours == int(hours) else 2,
                hours=format_decimal(hours),
            ),
        ]
        if certificate.locality:
            details.insert(1, certificate.locality)
        return pdf.Document(
            language=language,
            title=gettext("Certificate of attendance"),
            certifies=gettext("This certifies that"),
            holder_name=certificate.holder_name,
            completed=gettext("attended the %(kind)s", kind=kind_name(certificate.event_kind)),
            course_title=certificate.event_title,
            details=details,
            accreditation=None,
            issuer_name=certificate.issuer_name,
            signatory_name=gettext(
                "Signed on behalf of %(issuer)s", issuer=certificate.issuer_name
            ),
            signatory_role=None,
            code_label=gettext("Code: %(code)s", code=codes.display(certificate.code)),
            verify_label=gettext("Check it at %(url)s", url=url),
            verify_url=url,
            colour=certificate.colour,
            logo=_logo(certificate.logo_sha256),
            qr_alt=gettext("QR code leading to %(url)s", url=url),
            logo_alt=gettext("Logo of %(issuer)s", issuer=certificate.issuer_name),
        )


def _logo(sha256: str | None) -> bytes | None:
    blob = db.session.get(Blob, sha256) if sha256 else None
    return blob_bytes(blob) if blob else None


def pdf_bytes(certificate: AttendanceCertificate, language: str) -> bytes:
    return pdf.render(document(certificate, language))
