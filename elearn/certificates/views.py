"""Learners' certificates, the public verification page, revocation, and the issuer's settings."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.validators import ValidationError

from elearn.access import public, roles_required, signed_in
from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.certificates import badges, codes, exports, keys, services
from elearn.certificates.forms import (
    CertificateFilterForm,
    ExportForm,
    IssuerForm,
    SignatoryForm,
    VerifyForm,
    course_choices,
    image_bytes,
    revoke_form,
)
from elearn.certificates.models import (
    Certificate,
    CertificateExport,
    Issuer,
    ReissueRequest,
    Signatory,
)
from elearn.courses.models import Blob
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.i18n import LANGUAGES, current_language
from elearn.users.forms import ConfirmForm

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_ADDRESS"]


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/my-certificates")
@signed_in
def mine():
    return render_template(
        "certificates/mine.html",
        certificates=services.certificates_of(current_user),
        today=services.today(),
        can_renew=services.can_renew,
        renewal_opens=services.renewal_opens,
        language_names=LANGUAGES,
    )


@bp.get("/my-certificates/<code>.pdf")
@signed_in
def download(code: str):
    """The holder's PDF, in the language they choose among the course's."""
    certificate = services.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    if certificate.revoked_at is not None:
        flash(_("This certificate was revoked, so it cannot be downloaded."), "error")
        return redirect(url_for("certificates.mine"))
    language = services.language_for(certificate, request.args.get("lang"))
    data = services.pdf_bytes(certificate, language)
    response = Response(data, mimetype="application/pdf")
    filename = f"certificate-{certificate.code}-{language}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/my-certificates/<code>.jwt")
@signed_in
def download_credential(code: str):
    """The certificate as an Open Badges 3.0 credential (a signed VC-JWT), for a wallet."""
    certificate = services.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    if certificate.revoked_at is not None:
        flash(_("This certificate was revoked, so it cannot be downloaded."), "error")
        return redirect(url_for("certificates.mine"))
    language = services.language_for(certificate, request.args.get("lang"))
    token = badges.signed_credential(certificate, current_user.email, language)
    response = Response(token, mimetype="application/vc+jwt")
    filename = f"open-badge-{certificate.code}.jwt"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/credentials/issuer")
@public
def issuer_profile():
    """The issuer's Open Badges profile."""
    return jsonify(badges.issuer_profile())


@bp.get("/credentials/keys")
@public
def public_keys():
    """Every public key the platform signs or has signed credentials with (a JWK set)."""
    return jsonify({"keys": keys.published_keys()})


@bp.get("/credentials/keys/<kid>")
@public
def public_key(kid: str):
    """One public key, by its id: where a credential's ``kid`` leads a verifier."""
    found = next((key for key in keys.published_keys() if key["kid"] == kid), None)
    return jsonify(found) if found else abort(404)


@bp.get("/credentials/status/revocation")
@public
def status_list():
    """The revocation status list (a signed credential): revoking a certificate shows here
    at once, for credentials already downloaded too."""
    response = Response(badges.status_list_credential(), mimetype="application/vc+jwt")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/my-certificates/<code>/renew")
@signed_in
def renew(code: str):
    """Start renewing one's certificate: pass the renewal quiz again on the current version."""
    certificate = services.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    try:
        slug, quiz = services.open_renewal(certificate)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("certificates.mine"))
    db.session.commit()
    flash(_("Pass this quiz again to renew your certificate."), "info")
    return redirect(url_for("quizzes.overview", slug=slug, key=quiz))


@bp.post("/my-certificates/<code>/reissue")
@signed_in
def request_reissue(code: str):
    """Ask for the certificate under one's current name, after changing it in one's account."""
    certificate = services.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    try:
        services.request_reissue(certificate, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _("Your request is sent. An administrator checks it; the code stays the same."),
            "success",
        )
    return redirect(url_for("certificates.mine"))


@bp.get("/verify")
@public
@limiter.limit(_verify_limit)
def verify():
    """Enter a code (or arrive with ?code=): the answer is on the code's own page."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("certificates.verify_code", code=form.code.data.strip()))
    return _noindex(Response(render_template("certificates/verify.html", form=form)))


@bp.get("/verify/<code>")
@public
@limiter.limit(_verify_limit)
def verify_code(code: str):
    """Anyone can check a certificate without signing in: its status, the holder's name, the
    course, the dates and the issuer; nothing else about the person."""
    certificate = services.by_code(code)
    form = VerifyForm(formdata=None, code=code[:64])
    page = render_template(
        "certificates/verify.html",
        form=form,
        checked=True,
        certificate=certificate,
        status=certificate.status(services.today()) if certificate else None,
        reasons=services.REVOCATION_REASONS,
        display=codes.display,
        revoke=revoke_form() if certificate and _may_revoke(certificate) else None,
    )
    return _noindex(Response(page, status=200 if certificate else 404))


def _may_revoke(certificate: Certificate) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.has_role(Role.ADMIN):
        return True
    if not current_user.has_role(Role.MANAGER):
        return False
    from elearn.organisations.services import can_manage

    holder = db.session.get(User, certificate.user_id)
    organisation = holder.confirmed_organisation_id if holder else None
    return organisation is not None and can_manage(current_user, organisation)


@bp.post("/certificates/<code>/revoke")
@roles_required(Role.MANAGER, Role.ADMIN)
def revoke(code: str):
    """A manager revokes certificates of their organisation's confirmed members; an
    administrator, any."""
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    if not _may_revoke(certificate):
        abort(403)
    form = revoke_form()
    if form.validate_on_submit():
        try:
            services.revoke(certificate, form.reason.data, by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The certificate is revoked. Its page says so from now on."), "success")
    else:
        flash(_("Choose a reason from the list."), "error")
    return redirect(
        request.form.get("back")
        if _safe(request.form.get("back"))
        else url_for("certificates.verify_code", code=certificate.code)
    )


def _safe(target: str | None) -> bool:
    from elearn.security import is_safe_redirect

    return bool(target) and is_safe_redirect(target)


# Administrators: who issues and who signs ---------------------------------------------------


@bp.route("/admin/certificates", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    row = db.session.scalar(select(Issuer).order_by(Issuer.id).limit(1))
    current = row or services.issuer()
    form = IssuerForm(obj=current)
    if request.method == "GET":
        for code in LANGUAGES:
            getattr(form, f"accreditation_{code}").data = (current.accreditation or {}).get(code)
    if form.validate_on_submit():
        try:
            logo = image_bytes(form.logo)
        except ValidationError as error:
            form.logo.errors = [str(error)]
        else:
            if row is None:
                row = Issuer()
                db.session.add(row)
            row.name, row.url, row.email = form.name.data, form.url.data or None, form.email.data
            row.colour = form.colour.data.lower()
            lines = {c: getattr(form, f"accreditation_{c}").data for c in LANGUAGES}
            row.accreditation = {c: t for c, t in lines.items() if t} or None
            if logo is not None:
                row.logo_sha256 = _store(logo)
            elif form.remove_logo.data:
                row.logo_sha256 = None
            row.updated_at = utcnow()
            db.session.flush()
            record(
                "certificate.issuer_updated",
                actor_id=current_user.id,
                target_type="issuer",
                target_id=row.id,
            )
            db.session.commit()
            flash(_("Saved. New certificates carry these details."), "success")
            return redirect(url_for("certificates.settings"))
    signatories = db.session.scalars(select(Signatory).order_by(Signatory.key)).all()
    return render_template(
        "certificates/settings.html", form=form, issuer=current, signatories=signatories
    )


@bp.route("/admin/certificates/signatories/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_signatory():
    return _signatory_form(None)


@bp.route("/admin/certificates/signatories/<int:signatory_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_signatory(signatory_id: int):
    return _signatory_form(db.session.get(Signatory, signatory_id) or abort(404))


def _signatory_form(signatory: Signatory | None):
    form = SignatoryForm(obj=signatory)
    if request.method == "GET" and signatory is not None:
        for code in LANGUAGES:
            getattr(form, f"role_{code}").data = signatory.role.get(code)
    if form.validate_on_submit():
        taken = db.session.scalar(select(Signatory).where(Signatory.key == form.key.data))
        try:
            signature = image_bytes(form.signature)
        except ValidationError as error:
            form.signature.errors = [str(error)]
        else:
            if taken is not None and taken is not signatory:
                form.key.errors = [_("Another signatory has this key.")]
            else:
                if signatory is None:
                    signatory = Signatory()
                    db.session.add(signatory)
                signatory.key, signatory.name = form.key.data, form.name.data
                signatory.role = {c: getattr(form, f"role_{c}").data for c in LANGUAGES}
                signatory.active = form.active.data
                if signature is not None:
                    signatory.signature_sha256 = _store(signature)
                db.session.flush()
                record(
                    "certificate.signatory_saved",
                    actor_id=current_user.id,
                    target_type="signatory",
                    target_id=signatory.id,
                )
                db.session.commit()
                flash(_("Saved. New certificates carry these details."), "success")
                return redirect(url_for("certificates.settings"))
    return render_template("certificates/signatory.html", form=form, signatory=signatory)


def _store(data: bytes) -> str:
    import hashlib

    sha256 = hashlib.sha256(data).hexdigest()
    if db.session.get(Blob, sha256) is None:
        db.session.add(Blob(sha256=sha256, size=len(data), data=data))
        db.session.flush()  # before the row that refers to it
    return sha256


@bp.get("/admin/certificates/reissues")
@roles_required(Role.ADMIN)
def reissues():
    return render_template(
        "certificates/reissues.html", requests=services.pending_reissues(), form=ConfirmForm()
    )


@bp.post("/admin/certificates/reissues/<int:request_id>/<decision>")
@roles_required(Role.ADMIN)
def decide_reissue(request_id: int, decision: str):
    reissue = db.session.get(ReissueRequest, request_id) or abort(404)
    if decision not in ("approve", "refuse"):
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.decide_reissue(reissue, approve=decision == "approve", by_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(
                _("The certificate is reissued under the new name.")
                if decision == "approve"
                else _("The request is refused."),
                "success",
            )
    return redirect(url_for("certificates.reissues"))


@bp.get("/admin/certificates/images/<sha256>.png")
@roles_required(Role.ADMIN)
def image(sha256: str):
    """A logo or signature image, for the administrators' preview."""
    used = db.session.scalar(
        select(Signatory.id).where(Signatory.signature_sha256 == sha256)
    ) or db.session.scalar(select(Issuer.id).where(Issuer.logo_sha256 == sha256))
    blob = db.session.get(Blob, sha256) if used else None
    if blob is None:
        abort(404)
    return Response(blob.data, mimetype="image/png")


@bp.app_context_processor
def _helpers() -> dict:
    return {"certificate_title": _title}


def _title(certificate: Certificate) -> str:
    language = current_language()
    return certificate.course_title.get(language) or next(iter(certificate.course_title.values()))


@bp.app_template_filter("certificate_code")
def _certificate_code(code: str) -> str:
    return codes.display(code)


# Managers: their organisation's certificates, and bulk export ----------------------------------


def _managed_organisation(organisation_id: int):
    from elearn.organisations.models import Organisation
    from elearn.organisations.services import can_manage

    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not can_manage(current_user, organisation.id):
        abort(403)
    return organisation


def _course_options(organisation_id: int) -> list[tuple[str, str]]:
    newest = (
        select(func.max(Certificate.id))
        .where(
            Certificate.id.in_(
                exports.matching(organisation_id, None, None, None).with_only_columns(
                    Certificate.id
                )
            )
        )
        .group_by(Certificate.course_id)
    )
    rows = db.session.scalars(select(Certificate).where(Certificate.id.in_(newest))).all()
    return sorted(
        ((str(row.course_id), _title(row)) for row in rows), key=lambda pair: pair[1].casefold()
    )


def _filters(form) -> tuple[int | None, date | None, date | None]:
    return (int(form.course.data) if form.course.data else None, form.since.data, form.until.data)


@bp.get("/organisations/<int:organisation_id>/certificates")
@roles_required(Role.MANAGER, Role.ADMIN)
def organisation_certificates(organisation_id: int):
    """The certificates of an organisation's confirmed members, filtered, with the export."""
    organisation = _managed_organisation(organisation_id)
    form = CertificateFilterForm(request.args)
    courses = _course_options(organisation.id)
    course_choices(form, courses)
    valid = form.validate() if request.args else True
    course_id, since, until = _filters(form) if valid else (None, None, None)
    page = db.paginate(
        exports.matching(organisation.id, course_id, since, until), per_page=50, error_out=False
    )
    export_form = ExportForm(formdata=None, course=form.course.data, since=since, until=until)
    course_choices(export_form, courses)
    return render_template(
        "certificates/organisation.html",
        organisation=organisation,
        form=form,
        page=page,
        export_form=export_form,
        today=services.today(),
    )


@bp.post("/organisations/<int:organisation_id>/certificates/export")
@roles_required(Role.MANAGER, Role.ADMIN)
def start_export(organisation_id: int):
    organisation = _managed_organisation(organisation_id)
    form = ExportForm()
    course_choices(form, _course_options(organisation.id))
    if not form.validate_on_submit():
        flash(
            _(
                "Check the filter: %(problems)s",
                problems=" ".join(
                    str(error) for errors in form.errors.values() for error in errors
                ),
            ),
            "error",
        )
        return redirect(
            url_for("certificates.organisation_certificates", organisation_id=organisation.id)
        )
    course_id, since, until = _filters(form)
    export = exports.create(
        organisation.id,
        course_id=course_id,
        start=since,
        end=until,
        language=current_language(),
        by_id=current_user.id,
    )
    db.session.commit()
    return redirect(
        url_for("certificates.export_status", organisation_id=organisation.id, export_id=export.id)
    )


def _export_or_404(organisation_id: int, export_id: int) -> CertificateExport:
    export = db.session.get(CertificateExport, export_id)
    if export is None or export.organisation_id != organisation_id:
        abort(404)
    return export


@bp.get("/organisations/<int:organisation_id>/certificates/exports/<int:export_id>")
@roles_required(Role.MANAGER, Role.ADMIN)
def export_status(organisation_id: int, export_id: int):
    """Builds the next slice of the export, then shows how far it is."""
    organisation = _managed_organisation(organisation_id)
    export = _export_or_404(organisation.id, export_id)
    if exports.claim(export):
        # Two commits, on purpose: the lease must be visible to other requests before the
        # slow part, and the slice's progress saved after it.
        db.session.commit()
        exports.build_slice(export)
        db.session.commit()
    return render_template("certificates/export.html", organisation=organisation, export=export)


@bp.get("/organisations/<int:organisation_id>/certificates/exports/<int:export_id>/download")
@roles_required(Role.MANAGER, Role.ADMIN)
def download_export(organisation_id: int, export_id: int):
    organisation = _managed_organisation(organisation_id)
    export = _export_or_404(organisation.id, export_id)
    path = exports.path_of(export)
    if export.ready_at is None or not path.exists():
        return redirect(
            url_for(
                "certificates.export_status", organisation_id=organisation.id, export_id=export.id
            )
        )
    return send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"certificates-{organisation.id}-{export.created_at:%Y-%m-%d}.zip",
    )
