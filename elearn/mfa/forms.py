"""Forms for setting up a second factor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from elearn.forms import Form


class CodeForm(Form):
    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("Six digits. A new code appears every 30 seconds."),
        validators=[
            InputRequired(_l("Enter the 6-digit code.")),
            Length(max=20, message=_l("Enter the 6-digit code.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Confirm"))


class StartForm(Form):
    submit = SubmitField(_l("Set up a second factor"))
