"""The first-run checklist on the administrators' home page: what still holds a placeholder.

A fresh installation works, but until its administrator sets them its certificates say
"Issued by elearn" with no signature, its privacy notice names no data controller and its
footer shows contact@example.org. Each item says what is missing and where to fix it; the
list disappears once every item is done. Three queries, whatever the number of courses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import DEFAULT_SITE_NAME
from elearn.certificates.models import Issuer, Signatory
from elearn.core.placeholders import placeholder_settings
from elearn.courses.models import Course, CourseVersion, VersionStatus
from elearn.extensions import db


@dataclass(frozen=True)
class SetupItem:
    """One thing to set before going live. ``fix_url`` is a page of the platform; when the
    fix is a setting of the server instead, ``setting`` names the environment variable."""

    key: str
    title: object
    done: bool
    missing: object = None
    fix_url: str | None = None
    fix_label: object = None
    setting: str | None = None
    courses: list[str] = field(default_factory=list)


def missing_signatories() -> dict[str, list[str]]:
    """{signatory key: [course slugs]} for keys that draft or published courses name but no
    active signatory holds: their certificates would carry no signature."""
    rows = db.session.execute(
        select(Course.slug, CourseVersion.manifest)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(CourseVersion.status.in_((VersionStatus.DRAFT, VersionStatus.PUBLISHED)))
    ).all()
    wanted: dict[str, set[str]] = {}
    for slug, manifest in rows:
        key = ((manifest or {}).get("certificate") or {}).get("signatory")
        if key:
            wanted.setdefault(key, set()).add(slug)
    if not wanted:
        return {}
    known = set(
        db.session.scalars(
            select(Signatory.key).where(Signatory.key.in_(list(wanted)), Signatory.active)
        )
    )
    return {key: sorted(slugs) for key, slugs in sorted(wanted.items()) if key not in known}


def checklist() -> list[SetupItem]:
    """Every item of the first-run checklist, done or not, in the order to work through."""
    # Saved once, and not merely with the site's placeholder name the form starts with.
    issuer_name = db.session.scalar(select(Issuer.name).order_by(Issuer.id).limit(1))
    issuer_set = issuer_name is not None and issuer_name != DEFAULT_SITE_NAME
    unsigned = missing_signatories()
    placeholders = {variable for variable, _meaning in placeholder_settings(current_app.config)}
    settings_url = url_for("certificates.settings")
    items = [
        SetupItem(
            "issuer",
            _l("Certificate issuer"),
            issuer_set,
            _l(
                "Certificates name the site (%(site)s) as their issuer until you enter the "
                "organisation that issues them.",
                site=current_app.config["SITE_NAME"],
            ),
            settings_url,
            _l("Enter the issuer"),
        ),
        SetupItem(
            "signatory",
            _l("Signatories of the courses"),
            not unsigned,
            _l(
                "Courses name signatories that do not exist: %(keys)s. Their certificates "
                "carry no signature, only “Signed on behalf of” the issuer.",
                keys=", ".join(unsigned),
            )
            if unsigned
            else None,
            url_for("certificates.new_signatory"),
            _l("Add a signatory"),
            courses=sorted({slug for slugs in unsigned.values() for slug in slugs}),
        ),
    ]
    for key, title, setting, missing in (
        (
            "controller",
            _l("Data controller"),
            "DATA_CONTROLLER",
            _l("The privacy notice names “the organisation that runs this platform”."),
        ),
        (
            "contact",
            _l("Contact address"),
            "CONTACT_EMAIL",
            _l("The footer and the privacy notice show a placeholder address."),
        ),
        (
            "site_name",
            _l("Site name"),
            "SITE_NAME",
            _l("The footer, emails and certificates call the platform “elearn”."),
        ),
        (
            "mail",
            _l("Sending email"),
            "MAIL_SERVER, MAIL_DEFAULT_SENDER",
            _l("Without a mail server and a real sender, no password-reset link arrives."),
        ),
    ):
        done = setting not in placeholders
        items.append(SetupItem(key, title, done, None if done else missing, setting=setting))
    return items


def open_items() -> list[SetupItem] | None:
    """The checklist while anything is left to do; None once everything is done."""
    items = checklist()
    return items if any(not item.done for item in items) else None
