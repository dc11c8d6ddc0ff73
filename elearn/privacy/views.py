"""The privacy notice, and each person's rights over their data: see, download, erase."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from jinja2 import TemplateNotFound

from elearn.access import public, signed_in
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.forms import show_domain_error
from elearn.i18n import current_language
from elearn.privacy import notice as notices
from elearn.privacy import services
from elearn.privacy.forms import AcceptForm, EraseForm
from elearn.security import is_safe_redirect

bp = Blueprint("privacy", __name__)

# Pages a signed-in person may open before accepting a new version of the notice.
_OPEN_BEFORE_ACCEPTING = {
    "static",
    "privacy.notice",
    "privacy.accept",
    "privacy.my_data",
    "privacy.download",
    "privacy.erase",
    "accounts.sign_out",
    "core.set_language",
    "core.healthz",
    "core.accessibility",
}


def require_current_acceptance():
    """before_request: a signed-in person who has not accepted the notice in force is shown it."""
    if request.endpoint in _OPEN_BEFORE_ACCEPTING or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return None
    if session.get("privacy_accepted") == notices.CURRENT_VERSION:
        return None
    if notices.has_accepted_current_notice(current_user):
        session["privacy_accepted"] = notices.CURRENT_VERSION
        return None
    return redirect(url_for("privacy.accept", next=request.full_path.rstrip("?")), code=303)


def _notice_template(version: str) -> str:
    return f"privacy/notices/{version}.{current_language()}.html"


@bp.get("/privacy")
@public
def notice():
    version = request.args.get("version", notices.CURRENT_VERSION)
    if version not in notices.VERSIONS:
        abort(404)
    try:
        return render_template(
            "privacy/notice.html",
            version=version,
            body=_notice_template(version),
            current=version == notices.CURRENT_VERSION,
        )
    except TemplateNotFound:
        abort(404)


@bp.route("/privacy/accept", methods=["GET", "POST"])
@signed_in
def accept():
    form = AcceptForm()
    target = request.args.get("next")
    if not is_safe_redirect(target):
        target = url_for("core.home")
    if form.validate_on_submit():
        notices.accept_notice(current_user)
        db.session.commit()
        session["privacy_accepted"] = notices.CURRENT_VERSION
        return redirect(target)
    return render_template(
        "privacy/accept.html",
        form=form,
        version=notices.CURRENT_VERSION,
        body=_notice_template(notices.CURRENT_VERSION),
    )


@bp.get("/account/data")
@signed_in
def my_data():
    """What the platform holds about the reader, in plain view."""
    documents = services.personal_data(current_user)
    return render_template("privacy/my_data.html", documents=documents)


@bp.post("/account/data/download")
@signed_in
def download():
    archive = services.export_zip(current_user)
    db.session.commit()
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="my-data.zip"'},
    )


@bp.route("/account/erase", methods=["GET", "POST"])
@signed_in
def erase():
    """Erase one's account after reading what it means, with the password."""
    form = EraseForm()
    if form.validate_on_submit():
        try:
            services.erase_account(current_user, password=form.password.data)
        except DomainError as error:
            db.session.commit()  # a refused erasure is in the audit log
            show_domain_error(form, error)
        else:
            db.session.commit()
            language = current_language()
            logout_user()
            session.clear()
            session["language"] = language
            flash(_("Your account and your personal data have been erased."), "success")
            return redirect(url_for("core.home"))
    return render_template("privacy/erase.html", form=form)
