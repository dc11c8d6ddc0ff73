"""Making and revoking personal access tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from elearn.forms import Form, from_the_list, no_control_characters, normalise_name
from elearn.users.forms import CheckboxesField


class CreateTokenForm(Form):
    name = StringField(
        _l("Name"),
        description=_l("What the token is for, so that you recognise it later."),
        filters=[normalise_name],
        validators=[
            DataRequired(_l("Give the token a name.")),
            Length(max=100, message=_l("A name can have at most 100 characters.")),
            no_control_characters,
        ],
    )
    organisations = CheckboxesField(
        _l("Organisations"),
        coerce=int,
        description=_l(
            "The token reads the figures of these organisations and of every organisation "
            "below them, never their pending members."
        ),
        validators=[DataRequired(_l("Choose at least one organisation."))],
        **from_the_list(_l("Choose organisations from the list.")),
    )
    expires_on = DateField(
        _l("Expires on"),
        description=_l("The token stops working after this day (at most a year from today)."),
        format="%Y-%m-%d",
        validators=[InputRequired(_l("Choose the day the token expires."))],
        render_kw={"type": "date"},
    )
    submit = SubmitField(_l("Create the token"))

    def __init__(self, *args, organisations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisations.choices = list(organisations)


class RevokeTokenForm(Form):
    """A button: its CSRF token is all it carries."""

    submit = SubmitField(_l("Revoke"))
