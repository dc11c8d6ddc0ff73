"""Forms of attendance and certificates of attendance: the list's own fields (the ticks are
read by the view, one per registration shown), typing a check-in code, revoking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from elearn.events.attendance import MOST_UNREGISTERED
from elearn.events.certificates import REVOCATION_REASONS
from elearn.forms import Form, from_the_list, options


class AttendanceForm(Form):
    unregistered = IntegerField(
        _l("People present who had not registered"),
        description=_l("Counted only: their names are not asked for."),
        validators=[
            InputRequired(_l("Enter a number, 0 if nobody came without registering.")),
            NumberRange(
                min=0,
                max=MOST_UNREGISTERED,
                message=_l("Enter a whole number from 0 to %(most)s.", most=MOST_UNREGISTERED),
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": MOST_UNREGISTERED},
    )
    submit = SubmitField(_l("Save attendance"))


class CheckInForm(Form):
    code = StringField(
        _l("Check-in code"),
        description=_l("The code the organisers show at the event."),
        validators=[
            InputRequired(_l("Enter the code the organisers show.")),
            Length(max=20, message=_l("A check-in code has at most 20 characters.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Check in"))


class HereForm(Form):
    """The one button of a check-in page: "I am here"."""

    submit = SubmitField(_l("I am here: mark me present"))


class IssueForm(Form):
    submit = SubmitField(_l("Issue certificates of attendance"))


class RevokeAttendanceForm(Form):
    reason = SelectField(
        _l("Reason"),
        validators=[InputRequired(_l("Choose a reason from the list."))],
        **from_the_list(_l("Choose a reason from the list.")),
    )
    submit = SubmitField(_l("Revoke the certificate"))


def revoke_form(prefix: str = "") -> RevokeAttendanceForm:
    form = RevokeAttendanceForm(prefix=prefix)
    form.reason.choices = options(REVOCATION_REASONS.items())
    return form
