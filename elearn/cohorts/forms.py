"""Naming a cohort, finding people, and adding or removing them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from elearn.forms import Form, no_control_characters, normalise_name


class CohortForm(Form):
    name = StringField(
        _l("Name of the cohort"),
        description=_l("For example: Form teachers 2026, or Community police officers, Oradea."),
        filters=[normalise_name],
        validators=[
            DataRequired(_l("Enter the cohort's name.")),
            Length(max=120, message=_l("The name can have at most 120 characters.")),
            no_control_characters,
        ],
    )
    submit = SubmitField(_l("Save"))


_SEARCH = [Optional(), Length(max=200, message=_l("Search for at most 200 characters."))]


class CohortSearchForm(Form):
    """The member list's search and the search for people to add (query string, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Find a member by name or email"), validators=_SEARCH)
    find = SearchField(
        _l("Find people to add, by name or email"),
        description=_l("Confirmed members of this organisation and of the organisations below it."),
        validators=_SEARCH,
    )


class PeopleForm(Form):
    """People ticked in a list, to add or to remove. Whether each may be added is the
    service's question, so any number is accepted here."""

    person = SelectMultipleField(
        _l("People"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Tick at least one person."))],
    )
