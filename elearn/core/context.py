"""What every template can use: the navigation for the reader's roles and the switcher."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.core.readable import field_label, readable_scalar
from elearn.reference import COUNTIES, ORGANISATION_KINDS, PROFESSIONS, label


def navigation() -> list[tuple[str, object]]:
    """(url, label) of the pages the signed-in reader's roles open."""
    if not current_user.is_authenticated:
        return []
    items = [
        (url_for("learning.catalogue"), _l("Courses")),
        (url_for("learning.my_learning"), _l("My learning")),
        (url_for("certificates.mine"), _l("My certificates")),
        (url_for("reach.mine"), _l("My sessions")),
        (url_for("resources.library_list"), _l("Resource library")),
        (url_for("events.list_events"), _l("Events")),
        (url_for("accounts.profile"), _l("My account")),
    ]
    if current_user.has_role(Role.MANAGER) and current_user.confirmed_organisation_id:
        url = url_for("organisations.members", organisation_id=current_user.organisation_id)
        items.append((url, _l("My organisation")))
    if current_user.has_role(Role.TRAINER) or current_user.has_role(Role.ADMIN):
        items.append((url_for("courses.manage_list"), _l("Manage courses")))
    if current_user.has_role(Role.TRAINER, Role.MANAGER, Role.ADMIN):
        items.append((url_for("events.manage_list"), _l("Organise events")))
    if current_user.has_role(Role.ADMIN):
        items.append((url_for("users.list_users"), _l("People")))
        items.append((url_for("organisations.list_organisations"), _l("Organisations")))
        items.append((url_for("paths.manage_list"), _l("Learning paths")))
        items.append((url_for("certificates.settings"), _l("Certificates")))
        items.append((url_for("audit.list_events"), _l("Audit log")))
    return items


def page_url(number: int) -> str:
    """This page's address with the same filters and another page number."""
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _template_context() -> dict:
    context = {
        "site_name": current_app.config["SITE_NAME"],
        "contact_email": current_app.config["CONTACT_EMAIL"],
        "profession_label": lambda key: label(PROFESSIONS, key),
        "county_label": lambda key: label(COUNTIES, key),
        "organisation_kind_label": lambda key: label(ORGANISATION_KINDS, key),
        "field_label": field_label,
        "readable_scalar": readable_scalar,
    }
    if has_request_context():
        context.update(
            navigation=navigation(),
            # Where the language switcher returns to.
            current_path=request.full_path.rstrip("?"),
            page_url=page_url,
        )
    return context


def init_app(app) -> None:
    app.context_processor(_template_context)
