"""The reach pages: an organisation's (its managers, scoped to it and everything below it),
everyone's and the cascade (the NGO's coordinator, an administrator). elearn/reporting/
reach.py computes the figures; docs/reporting.md ("Reach") defines them."""

from __future__ import annotations

from flask import render_template, request

from elearn.access import roles_required
from elearn.accounts.models import Role
from elearn.extensions import db
from elearn.organisations.tree import subtree_ids
from elearn.reporting import bp, reach
from elearn.reporting.reach_forms import read_reach_filters
from elearn.reporting.reach_kept import kept
from elearn.reporting.reach_labels import label
from elearn.reporting.reach_shown import activation_rows
from elearn.reporting.scope import Filters, people, roomy_transaction
from elearn.reporting.views import managed_or_404


@bp.get("/organisations/<int:organisation_id>/reach")
@roles_required(Role.MANAGER, Role.ADMIN)
def organisation_reach(organisation_id: int):
    """The sessions delivered and events organised in the organisation and below it."""
    organisation = managed_or_404(organisation_id)
    ids = tuple(db.session.scalars(subtree_ids(organisation.id)))
    form, filters = read_reach_filters(request.args, ids)
    if filters is None:
        return _page(form, None, organisation=organisation), 400
    roomy_transaction()
    counted = people(Filters(organisation_id=organisation.id))
    (figures, active), computed_at = kept(
        "organisation",
        filters,
        lambda now: (reach.reach(filters, now), reach.activation(filters, counted)),
        organisation.id,
    )
    return _page(
        form,
        filters,
        organisation=organisation,
        figures=figures,
        active=active,
        computed_at=computed_at,
    )


@bp.get("/reporting/reach")
@roles_required(Role.ADMIN)
def reach_overview():
    """Everyone's reach, with the library's downloads beside it: the coordinator's view."""
    form, filters = read_reach_filters(request.args, None)
    if filters is None:
        return _page(form, None), 400
    roomy_transaction()
    (figures, active, downloads), computed_at = kept(
        "overview",
        filters,
        lambda now: (
            reach.reach(filters, now),
            reach.activation(filters),
            reach.downloads(filters),
        ),
    )
    return _page(
        form,
        filters,
        figures=figures,
        active=active,
        downloads=downloads,
        computed_at=computed_at,
    )


@bp.get("/reporting/reach/cascade")
@roles_required(Role.ADMIN)
def reach_cascade():
    """The cascade: the NGO's trainers, the specialists trained, the people they reached."""
    form, filters = read_reach_filters(request.args, None)
    if filters is None:
        return render_template("reporting/reach_cascade.html", form=form, cascade=None), 400
    roomy_transaction()
    (cascade, active), computed_at = kept(
        "cascade", filters, lambda now: (reach.cascade(filters, now), reach.activation(filters))
    )
    return render_template(
        "reporting/reach_cascade.html",
        form=form,
        filters=filters,
        cascade=cascade,
        active=active,
        label=label,
        activation_rows=activation_rows,
        computed_at=computed_at,
    )


def _page(form, filters, **values):
    return render_template(
        "reporting/reach.html",
        form=form,
        filters=filters,
        label=label,
        activation_rows=activation_rows,
        computed_at=values.pop("computed_at", None),
        organisation=values.pop("organisation", None),
        figures=values.pop("figures", None),
        **values,
    )
