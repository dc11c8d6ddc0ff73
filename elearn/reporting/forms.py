"""The dashboard's filters, read from the query string (a GET form: no CSRF token needed);
the read-only API reads the same filters through ``read_filters``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import DataRequired, Optional

from elearn.courses.models import CourseVersion, VersionStatus
from elearn.extensions import db
from elearn.forms import Form, county_choices, from_the_list, options
from elearn.i18n import current_language
from elearn.organisations.tree import tree
from elearn.reference import PROFESSIONS
from elearn.reporting.scope import Filters


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


def course_choices() -> list[tuple[int, str]]:
    """Every course with a published version, titled in its newest version's words."""
    language = current_language()
    newest = (
        select(func.max(CourseVersion.id))
        .where(CourseVersion.status != VersionStatus.DRAFT)
        .group_by(CourseVersion.course_id)
    )
    rows = db.session.execute(
        select(CourseVersion.course_id, CourseVersion.title).where(CourseVersion.id.in_(newest))
    ).all()
    return sorted(
        (
            (course_id, title.get(language) or next(iter(title.values()), ""))
            for course_id, title in rows
        ),
        key=lambda pair: pair[1].casefold(),
    )


def read_filters(args, organisation_id: int) -> tuple[DashboardFilterForm, Filters | None]:
    """(form, Filters or None) from query-string ``args`` for the dashboard of
    ``organisation_id``: None when a filter is not valid (the form's errors say why)."""
    nodes = tree(organisation_id)
    form = DashboardFilterForm(
        args,
        organisations=[(n.organisation.id, "— " * n.depth + n.organisation.name) for n in nodes],
        courses=course_choices(),
    )
    if form.organisation.data is None:
        form.organisation.data = organisation_id
    if args and not form.validate():
        return form, None
    return form, Filters(
        organisation_id=form.organisation.data or organisation_id,
        course_id=form.course.data or None,
        profession=form.profession.data or None,
        county=form.county.data or None,
        start=form.since.data,
        end=form.until.data,
    )


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
