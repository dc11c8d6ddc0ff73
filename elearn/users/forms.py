"""Forms administrators use on other people's accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.accounts.models import Role
from elearn.forms import Form, from_the_list, options, organisation_field
from elearn.organisations.services import organisation_choices

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}

ROLE_DESCRIPTIONS = {
    Role.LEARNER: _l("Takes courses and earns certificates."),
    Role.TRAINER: _l("Authors and uploads courses."),
    Role.MANAGER: _l("Follows the people of their own organisation."),
    Role.ADMIN: _l("Runs the platform: people, organisations, publishing."),
}


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes, usable without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PeopleSearchForm(Form):
    """Filters for the people list; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or email"),
        validators=[Optional(), Length(max=200, message=_l("Search for at most 200 characters."))],
    )
    role = SelectField(
        _l("Role"), validators=[Optional()], **from_the_list(_l("Choose a role from the list."))
    )
    organisation = SelectField(
        _l("Organisation"),
        coerce=int,
        validators=[Optional()],
        **from_the_list(_l("Choose an organisation from the list.")),
    )
    status = SelectField(
        _l("Status"),
        choices=options(
            [("", _l("Any")), ("active", _l("Active")), ("deactivated", _l("Deactivated"))]
        ),
        validators=[Optional()],
        **from_the_list(_l("Choose a status from the list.")),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = options([("", _l("Any")), *((r.value, ROLE_LABELS[r]) for r in Role)])
        self.organisation.choices = options([(-1, _l("Any")), *organisation_choices()])


class UserAccessForm(Form):
    roles = CheckboxesField(
        _l("Roles"), choices=[], **from_the_list(_l("Choose roles from the list."))
    )
    organisation_id = organisation_field(
        _l("The school, institution or organisation this person works for, if it is listed.")
    )
    submit = SubmitField(_l("Save changes"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roles.choices = options((r.value, ROLE_LABELS[r]) for r in Role)
        self.organisation_id.choices = options(organisation_choices())


class ConfirmForm(Form):
    """A button that changes something: only a CSRF token and the button."""

    submit = SubmitField()
