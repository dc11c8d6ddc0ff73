"""The dashboard's filters, read from the query string (a GET form: no CSRF token needed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import DataRequired, Optional

from elearn.forms import Form, county_choices, from_the_list, options
from elearn.reference import PROFESSIONS


class DashboardFilterForm(Form):
    class Meta:
        csrf = False

    organisation = SelectField(
        _l("Organisation"),
        coerce=int,
        validators=[Optional()],
        **from_the_list(_l("Choose an organisation from the list.")),
    )
    course = SelectField(
        _l("Course"),
        coerce=int,
        validators=[Optional()],
        **from_the_list(_l("Choose a course from the list.")),
    )
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
    since = DateField(
        _l("Enrolled from (date)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    until = DateField(
        _l("Enrolled until (date, inclusive)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )

    def __init__(self, *args, organisations=(), courses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = list(organisations)
        self.course.choices = [(0, _l("Every course")), *courses]
        self.profession.choices = options([("", _l("Every profession")), *PROFESSIONS.items()])
        self.county.choices = options([("", _l("Every county")), *county_choices()])
        if self.course.data is None:
            self.course.data = 0

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class PeriodForm(Form):
    """The donor report's period (query string)."""

    class Meta:
        csrf = False

    since = DateField(
        _l("From (date)"),
        validators=[DataRequired(_l("Enter the first day of the period."))],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    until = DateField(
        _l("Until (date, inclusive)"),
        validators=[DataRequired(_l("Enter the last day of the period."))],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must not be before the start date."))
