"""The form administrators use to add and change organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from elearn.forms import (
    Form,
    county_choices,
    from_the_list,
    no_control_characters,
    normalise_name,
    options,
)
from elearn.reference import ORGANISATION_KINDS, PROFESSIONS


class OrganisationForm(Form):
    name = StringField(
        _l("Name"),
        description=_l("The full official name, for example: Școala Gimnazială nr. 11 Oradea."),
        filters=[normalise_name],
        validators=[
            DataRequired(_l("Enter the organisation's name.")),
            Length(max=200, message=_l("The name can have at most 200 characters.")),
            no_control_characters,
        ],
    )
    kind = SelectField(
        _l("Kind"),
        choices=options([("", _l("Choose the kind of organisation")), *ORGANISATION_KINDS.items()]),
        validators=[InputRequired(_l("Choose the kind of organisation."))],
        **from_the_list(_l("Choose a kind of organisation from the list.")),
    )
    county = SelectField(
        _l("County"),
        validators=[Optional()],
        **from_the_list(_l("Choose a county from the list.")),
    )
    parent_id = SelectField(
        _l("Part of"),
        description=_l(
            "The organisation above this one, if any: a county school inspectorate above its "
            "schools, a county police inspectorate above its stations. Its managers see this "
            "organisation's people and figures too."
        ),
        coerce=int,
        **from_the_list(_l("Choose an organisation from the list.")),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, parents: list[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.county.choices = options([("", _l("Not given")), *county_choices()])
        self.parent_id.choices = [(0, _l("None: it is at the top")), *parents]
        if self.parent_id.data is None:
            self.parent_id.data = 0


class MembersFilterForm(Form):
    """The members list's search and profession filter (query string, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or email"),
        validators=[Optional(), Length(max=200, message=_l("Search for at most 200 characters."))],
    )
    profession = SelectField(
        _l("Profession"),
        choices=options([("", _l("Every profession")), *PROFESSIONS.items()]),
        validators=[Optional()],
        **from_the_list(_l("Choose a profession from the list.")),
    )


class RequestsForm(Form):
    """Several requests to join, confirmed or refused together."""

    person = SelectMultipleField(
        _l("Requests"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one person."))],
        **from_the_list(_l("Choose people from the list of requests.")),
    )
    decision = SelectField(
        _l("Decision"),
        choices=options([("confirm", _l("Confirm")), ("refuse", _l("Refuse"))]),
        **from_the_list(_l("Choose to confirm or to refuse.")),
    )
