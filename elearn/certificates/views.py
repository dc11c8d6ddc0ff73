"""Learners' certificates, the public verification page, revocation and the Open Badges
endpoints. Administrators' pages are in admin_views.py, managers' exports in export_views.py."""

from __future__ import annotations

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
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import public, roles_required, signed_in
from elearn.accounts.models import Role, User
from elearn.certificates import badges, codes, keys, renewal, services
from elearn.certificates.forms import (
    VerifyForm,
    revoke_form,
)
from elearn.certificates.models import (
    Certificate,
)
from elearn.errors import DomainError
from elearn.extensions import db, limiter
from elearn.i18n import LANGUAGES, current_language
from elearn.organisations.services import can_manage
from elearn.security import is_safe_redirect
from elearn.signals import certificate_code_lookup_requested

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_ADDRESS"]


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _own_certificate(code: str) -> Certificate:
    """The signed-in holder's certificate; anyone else's is "not found"."""
    certificate = services.by_code(code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    return certificate


def _attachment(data, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/my-certificates")
@signed_in
def mine():
    return render_template(
        "certificates/mine.html",
        certificates=services.certificates_of(current_user),
        today=services.today(),
        can_renew=renewal.can_renew,
        renewal_opens=renewal.renewal_opens,
        language_names=LANGUAGES,
    )


@bp.get("/my-certificates/<code>.pdf")
@signed_in
def download(code: str):
    """The holder's PDF, in the language they choose among the course's."""
    certificate = _own_certificate(code)
    if certificate.revoked_at is not None:
        flash(_("This certificate was revoked, so it cannot be downloaded."), "error")
        return redirect(url_for("certificates.mine"))
    language = services.language_for(certificate, request.args.get("lang"))
    data = services.pdf_bytes(certificate, language)
    return _attachment(data, "application/pdf", f"certificate-{certificate.code}-{language}.pdf")


@bp.get("/my-certificates/<code>.jwt")
@signed_in
def download_credential(code: str):
    """The certificate as an Open Badges 3.0 credential (a signed VC-JWT), for a wallet, in
    the language chosen among the course's."""
    certificate = _own_certificate(code)
    if certificate.revoked_at is not None:
        flash(_("This certificate was revoked, so it cannot be downloaded."), "error")
        return redirect(url_for("certificates.mine"))
    language = services.language_for(certificate, request.args.get("lang"))
    token = badges.signed_credential(certificate, current_user.email, language)
    return _attachment(token, "application/vc+jwt", f"open-badge-{certificate.code}-{language}.jwt")


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
    certificate = _own_certificate(code)
    try:
        slug, quiz = renewal.open_renewal(certificate)
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
    certificate = _own_certificate(code)
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
    if certificate is None and (other := _other_certificate(code)) is not None:
        return _noindex(Response(render_template(other["template"], form=form, **other["context"])))
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


def _other_certificate(code: str) -> dict | None:
    """A certificate another feature issued under this code (one of attendance), as the
    page that feature shows for it (elearn/signals.py)."""
    canonical = codes.normalise(code)
    if canonical is None:
        return None
    for _receiver, answer in certificate_code_lookup_requested.send(canonical, code=canonical):
        if answer:
            return answer
    return None


def _may_revoke(certificate: Certificate) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.has_role(Role.ADMIN):
        return True
    if not current_user.has_role(Role.MANAGER):
        return False
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
    return bool(target) and is_safe_redirect(target)


@bp.app_context_processor
def _helpers() -> dict:
    return {"certificate_title": course_title_of}


def course_title_of(certificate: Certificate) -> str:
    language = current_language()
    return certificate.course_title.get(language) or next(iter(certificate.course_title.values()))


@bp.app_template_filter("certificate_code")
def _certificate_code(code: str) -> str:
    return codes.display(code)
