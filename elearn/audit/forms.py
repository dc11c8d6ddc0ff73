"""Filters for the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, SelectField
from wtforms.validators import Email, Length, Optional

from elearn.audit.services import ACTIONS
from elearn.forms import Form, from_the_list, normalise_email, options


class AuditFilterForm(Form):
    """Read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField(
        _l("Action"),
        validators=[Optional()],
        **from_the_list(_l("Choose an action from the list.")),
    )
    person = EmailField(
        _l("Concerning the person with this email address"),
        filters=[normalise_email],
        validators=[
            Optional(),
            Length(max=254, message=_l("An email address can have at most 254 characters.")),
            Email(_l("Enter an email address in the correct format, like name@example.org.")),
        ],
    )
    since = DateField(
        _l("From (date)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    until = DateField(
        _l("Until (date, inclusive)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = options(
            [("", _l("Any")), *sorted(ACTIONS.items(), key=lambda pair: str(pair[1]))]
        )
