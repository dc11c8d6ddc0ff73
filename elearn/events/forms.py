"""The organisers' event form, the public list's filters, and the one-button forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from elearn.events.choices import AUDIENCES, EVENT_LANGUAGES, KINDS
from elearn.forms import (
    Form,
    county_choices,
    from_the_list,
    no_control_characters,
    normalise_name,
    options,
)
from elearn.reference import PROFESSIONS
from elearn.users.forms import CheckboxesField

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalTimeField(DateTimeLocalField):
    """A date and time where the platform is, picked or typed as year-month-day hour:minute,
    with our own message when it is not one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, format=LOCAL_FORMAT, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None  # left empty: InputRequired says what is missing
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter the date and time like 2027-03-18 10:00."))) from error


class WholeNumberField(IntegerField):
    """A whole number, or empty; our own message for anything else."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a whole number, like 12."))) from error


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _none_if_empty(value):
    return value or None


class EventForm(Form):
    organisation_id = SelectField(
        _l("Organisation"),
        description=_l("The organisation that holds the event."),
        coerce=int,
        choices=[],
        **from_the_list(_l("Choose an organisation from the list.")),
    )
    kind = SelectField(
        _l("Kind of event"),
        choices=options(KINDS.items()),
        **from_the_list(_l("Choose a kind of event from the list.")),
    )
    title = StringField(
        _l("Title"),
        filters=[normalise_name],
        validators=[
            InputRequired(_l("Enter the event's title.")),
            Length(max=200, message=_l("The title can have at most 200 characters.")),
            no_control_characters,
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What it is about and for whom. Markdown: **bold**, lists with -, links."),
        filters=[_stripped],
        validators=[Length(max=20000, message=_l("The description is too long."))],
    )
    starts_at = LocalTimeField(
        _l("Starts"), validators=[InputRequired(_l("Enter when the event starts."))]
    )
    ends_at = LocalTimeField(_l("Ends"), validators=[InputRequired(_l("Enter when it ends."))])
    county = SelectField(
        _l("County"),
        choices=[],
        validators=[Optional()],
        filters=[_none_if_empty],
        **from_the_list(_l("Choose a county from the list.")),
    )
    locality = StringField(
        _l("Locality"),
        description=_l("For example: Oradea."),
        filters=[normalise_name, _none_if_empty],
        validators=[Length(max=100, message=_l("At most 100 characters.")), no_control_characters],
    )
    venue = StringField(
        _l("Venue and address"),
        filters=[normalise_name, _none_if_empty],
        validators=[Length(max=300, message=_l("At most 300 characters.")), no_control_characters],
    )
    online_url = URLField(
        _l("Online link"),
        description=_l("For an online event: the https:// link of the meeting."),
        filters=[_stripped, _none_if_empty],
        validators=[Length(max=500, message=_l("The link can have at most 500 characters."))],
    )
    audience = SelectField(
        _l("Audience"),
        choices=options(AUDIENCES.items()),
        default="specialists",
        **from_the_list(_l("Choose an audience from the list.")),
    )
    professions = CheckboxesField(
        _l("Professions it is meant for"),
        description=_l("Leave all unticked when it is for any profession."),
        choices=options(PROFESSIONS.items()),
        **from_the_list(_l("Choose professions from the list.")),
    )
    languages = CheckboxesField(
        _l("Languages spoken"),
        choices=options(EVENT_LANGUAGES.items()),
        **from_the_list(_l("Choose languages from the list.")),
    )
    capacity = WholeNumberField(
        _l("Capacity"),
        description=_l("How many places. Leave empty for no limit."),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.county.choices = options([("", _l("No venue: online only")), *county_choices()])

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_online_url(self, field) -> None:
        if field.data and (not field.data.startswith("https://") or " " in field.data):
            raise ValidationError(_l("The online link must start with https://."))

    def validate_capacity(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= 100000:
            raise ValidationError(_l("The capacity must be at least 1, or empty."))

    def validate_languages(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))


class EventFilterForm(Form):
    """The public list's filters (query string, no CSRF)."""

    class Meta:
        csrf = False

    county = SelectField(_l("County"), choices=[], validators=[Optional()], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[], validators=[Optional()], validate_choice=False)
    language = SelectField(
        _l("Language"), choices=[], validators=[Optional()], validate_choice=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.county.choices = options([("", _l("Any county")), *county_choices()])
        self.kind.choices = options([("", _l("Any kind")), *KINDS.items()])
        self.language.choices = options([("", _l("Any language")), *EVENT_LANGUAGES.items()])

    def value(self, name: str, known) -> str | None:
        """The filter's value when it is a known key, else None (ignored)."""
        data = self[name].data
        return data if data in known else None


class ButtonForm(Form):
    """A state-changing button: only the CSRF token."""
