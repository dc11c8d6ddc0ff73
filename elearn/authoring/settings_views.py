"""The editor's course settings page: titles and summaries per language, audiences,
prerequisites, completion rules, certificate and the date the facts were checked.

Only the fields that changed change lines in course.yaml (structure.settings_text). The page
carries course.yaml's fingerprint from when it was opened: if someone else saved the course
in between, the save is refused with what was typed kept, rather than undoing their change.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from elearn.access import roles_required
from elearn.authoring import bp, lookup, services, structure, structure_settings
from elearn.authoring.structure_forms import settings_form_class, texts
from elearn.authoring.structure_views import attempt, editable
from elearn.authoring.views import EDITORS
from elearn.certificates.models import Signatory
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.forms import options
from elearn.i18n import current_language
from elearn.reference import PROFESSIONS


@bp.route("/manage/drafts/<int:draft_id>/settings", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_settings(draft_id: int):
    """Titles, summaries, audiences, prerequisites, completion and certificate."""
    posted = request.method == "POST"
    draft = (lookup.draft_for_editing if posted else lookup.draft_for_reading)(draft_id)
    package = services.load_draft(draft)
    form_class = settings_form_class(tuple(package.languages))
    form = form_class() if posted else form_class(data=_initial(draft, package))
    _settings_choices(form, draft, package)
    problems = []
    if posted and form.validate_on_submit():
        settings = _settings_from(form, package)
        base = form.base.data or None
        problems = attempt(
            form,
            lambda: structure.save_settings(draft, settings, by_id=current_user.id, base=base),
        )
        if problems is None:
            flash(_("The course's settings were saved in the draft."), "success")
            return redirect(url_for("authoring.edit_settings", draft_id=draft.id))
        form.base.data = _manifest_sha(draft)  # saving again is then a deliberate choice
    return render_template(
        "authoring/settings.html",
        draft=draft,
        package=package,
        form=form,
        problems=problems or [],
        editable=editable(draft),
    ), 400 if posted else 200


def _manifest_sha(draft) -> str:
    return services.file_map(draft)[structure.MANIFEST].sha256


def _initial(draft, package) -> dict:
    settings = structure_settings.read_settings(package.manifest)
    data = {
        "base": _manifest_sha(draft),
        "audiences": settings.audiences,
        "prerequisites": settings.prerequisites,
        "sequential": settings.sequential,
        "lesson_done": settings.lesson_done,
        "min_lesson_time": round(settings.min_lesson_time_share * 100),
        "facts_checked": settings.facts_checked,
        "certificate": settings.certificate.design if settings.certificate else "none",
    }
    if settings.certificate:
        data["hours"] = settings.certificate.hours
        data["validity_months"] = settings.certificate.validity_months
        data["signatory"] = settings.certificate.signatory
    for code in package.languages:
        data[f"title_{code}"] = settings.titles.get(code, "")
        data[f"summary_{code}"] = settings.summaries.get(code, "")
    return data


def _settings_choices(form, draft, package) -> None:
    """Other courses as prerequisites, active signatories; what course.yaml already names
    stays offered, marked, so that saving other fields keeps it."""
    manifest = package.manifest
    courses = db.session.scalars(select(Course).where(Course.id != draft.course_id))
    choices = []
    for course in sorted(courses, key=lambda c: c.slug):
        latest = course.versions[-1] if course.versions else None
        title = latest.text("title", current_language()) if latest else ""
        choices.append((course.slug, f"{title} ({course.slug})" if title else course.slug))
    known = {slug for slug, _label in choices}
    missing = _("not on this platform")
    choices += [
        (slug, f"{slug} ({missing})") for slug in manifest.prerequisites if slug not in known
    ]
    form.prerequisites.choices = options(choices)
    signatories = db.session.scalars(
        select(Signatory).where(Signatory.active).order_by(Signatory.name)
    )
    people = [(s.key, f"{s.name} ({s.key})") for s in signatories]
    current = manifest.certificate.signatory if manifest.certificate else None
    if current and current not in {key for key, _label in people}:
        people.append((current, f"{current} ({_('not set up by an administrator')})"))
    form.signatory.choices = options([("", _("Choose a signatory")), *people])


def _share(percent: int | None, current: float) -> float:
    """The share the form's percentage means; the file's own when the page shows it unchanged
    (0.333 is shown as 33), the default when the field is left empty."""
    if percent is None:
        return structure_settings.DEFAULT_SHARE
    return current if round(current * 100) == percent else percent / 100


def _settings_from(form, package) -> structure_settings.Settings:
    languages = package.languages
    package_share = package.manifest.completion.min_lesson_time_share
    certificate = None
    if form.certificate.data != "none":
        certificate = structure_settings.CertificateSettings(
            design=form.certificate.data,
            hours=float(form.hours.data),
            validity_months=form.validity_months.data or None,
            signatory=form.signatory.data,
        )
    return structure_settings.Settings(
        titles=texts(form, "title", languages),
        summaries=texts(form, "summary", languages),
        audiences=list(form.audiences.data),
        prerequisites=list(form.prerequisites.data or []),
        sequential=bool(form.sequential.data),
        lesson_done=form.lesson_done.data,
        min_lesson_time_share=_share(form.min_lesson_time.data, package_share),
        certificate=certificate,
        facts_checked=form.facts_checked.data,
    )


@bp.app_context_processor
def _settings_helpers() -> dict:
    def audience_label(audience: str) -> str:
        return _("Everyone") if audience == "all" else str(PROFESSIONS.get(audience, audience))

    return {"audience_label": audience_label}
