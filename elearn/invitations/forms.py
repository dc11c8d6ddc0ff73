"""Inviting one person, uploading a spreadsheet, deciding on it, filtering the list, and
accepting an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SearchField, SelectField, SubmitField
from wtforms.validators import Length, Optional

from elearn.accounts.forms import RegistrationForm
from elearn.forms import (
    Form,
    county_choices,
    email_field,
    from_the_list,
    full_name_field,
    options,
)
from elearn.i18n import LANGUAGES
from elearn.invitations.spreadsheet import MAX_BYTES
from elearn.reference import PROFESSIONS

NO_COHORT = 0


class InviteForm(Form):
    full_name = full_name_field()
    email = email_field()
    profession = SelectField(
        _l("Profession"),
        validators=[Optional()],
        **from_the_list(_l("Choose a profession from the list.")),
    )
    county = SelectField(
        _l("County"),
        validators=[Optional()],
        **from_the_list(_l("Choose a county from the list.")),
    )
    cohort_id = SelectField(
        _l("Cohort"), coerce=int, **from_the_list(_l("Choose a cohort from the list."))
    )
    language = SelectField(
        _l("Language of the invitation"),
        description=_l("The email, and the pages the person sees before choosing their own."),
        choices=options(LANGUAGES.items()),
        **from_the_list(_l("Choose Română, English or Magyar.")),
    )
    submit = SubmitField(_l("Send the invitation"))

    def __init__(self, *args, cohorts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # About the invited person, not the reader: the field's words say so.
        self.full_name.label.text = _l("Full name")
        self.full_name.description = _l("As the person writes it, with diacritics.")
        # The errors too: "Enter your full name" would ask the manager for their own.
        self.full_name.validators[0].message = _l("Enter the person's full name.")
        self.full_name.validators[1].message = _l("A name can have at most 200 characters.")
        self.email.validators[0].message = _l("Enter the person's email address.")
        self.full_name.render_kw = {"autocomplete": "off"}
        self.email.render_kw = {"autocomplete": "off", "spellcheck": "false"}
        self.profession.choices = options([("", _l("Not given")), *PROFESSIONS.items()])
        self.county.choices = options([("", _l("Not given")), *county_choices()])
        self.cohort_id.choices = options([(NO_COHORT, _l("No cohort")), *cohorts])


class UploadForm(Form):
    spreadsheet = FileField(
        _l("Spreadsheet (.csv or .txt)"),
        description=_l("At most 5,000 people and 10 MB."),
        validators=[
            FileRequired(_l("Choose the file to upload.")),
            FileAllowed(
                ["csv", "txt", "tsv"],
                _l("Upload a .csv file (or the .txt of Excel's “Unicode text”)."),
            ),
            FileSize(MAX_BYTES, message=_l("The file is larger than 10 MB.")),
        ],
    )
    submit = SubmitField(_l("Check the file"))


class DecisionForm(Form):
    """Import every row, or only the good ones; the buttons carry the choice."""

    decision = SelectField(
        choices=options([("all", _l("Import")), ("skip", _l("Skip the bad rows"))]),
        **from_the_list(_l("Choose to import, or to skip the bad rows.")),
    )


class InvitationFilterForm(Form):
    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        choices=options(
            [
                ("", _l("Every state")),
                ("waiting", _l("Waiting")),
                ("accepted", _l("Accepted")),
                ("expired", _l("Expired")),
                ("revoked", _l("Withdrawn")),
            ]
        ),
        validators=[Optional()],
        **from_the_list(_l("Choose a state from the list.")),
    )
    q = SearchField(
        _l("Name or email"),
        validators=[Optional(), Length(max=200, message=_l("Search for at most 200 characters."))],
    )


class JoinForm(Form):
    submit = SubmitField(_l("Accept the invitation"))


class InvitedRegistrationForm(RegistrationForm):
    """Registration from an invitation: the address is the invitation's and the organisation
    is the one that invited; the rest as when registering."""

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.email
        del self.organisation_id
        self.known_inputs = (email,)
        self.submit.label.text = _l("Create my account and join")
