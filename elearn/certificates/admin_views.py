"""Administrators: who issues certificates and who signs them, and reissue requests."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import ValidationError

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.audit.services import record
from elearn.certificates import services
from elearn.certificates.forms import (
    IssuerForm,
    SignatoryForm,
    image_bytes,
)
from elearn.certificates.models import (
    Issuer,
    ReissueRequest,
    Signatory,
)
from elearn.certificates.views import bp
from elearn.courses.media import blob_bytes
from elearn.courses.models import Blob
from elearn.database import utcnow
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.i18n import LANGUAGES
from elearn.users.forms import ConfirmForm

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
    return Response(blob_bytes(blob), mimetype="image/png")
