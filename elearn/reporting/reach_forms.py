"""The reach pages' filters, read from the query string (a GET form: no CSRF token needed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import Optional

from elearn.forms import Form, county_choices, from_the_list, options
from elearn.reporting.forms import course_choices
from elearn.reporting.reach_sql import ReachFilters


class ReachFilterForm(Form):
    class Meta:
        csrf = False

    since = DateField(
        _l("From (date)"), validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    until = DateField(
        _l("Until (date, inclusive)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    county = SelectField(
        _l("County"),
        validators=[Optional()],
        **from_the_list(_l("Choose a county from the list.")),
    )
    course = SelectField(
        _l("Course"),
        coerce=int,
        validators=[Optional()],
        **from_the_list(_l("Choose a course from the list.")),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.county.choices = options([("", _l("Every county")), *county_choices()])
        self.course.choices = [(0, _l("Every course")), *course_choices()]
        if self.course.data is None:
            self.course.data = 0

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def read_reach_filters(args, organisation_ids) -> tuple[ReachFilterForm, ReachFilters | None]:
    """(form, ReachFilters or None): None when a filter is not valid (the form says why)."""
    form = ReachFilterForm(args)
    if args and not form.validate():
        return form, None
    return form, ReachFilters(
        organisation_ids=organisation_ids,
        start=form.since.data,
        end=form.until.data,
        county=form.county.data or None,
        course_id=form.course.data or None,
    )
