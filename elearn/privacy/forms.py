"""Forms for accepting the privacy notice and erasing an account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from elearn.forms import Form


class AcceptForm(Form):
    submit = SubmitField(_l("I have read the privacy notice"))


class EraseForm(Form):
    understood = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm that you understand."))],
    )
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Erase my account"))
