"""The form a session is recorded, edited or corrected with, and the confirmation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from elearn.forms import Form, county_choices, from_the_list, no_control_characters, options
from elearn.reach.catalogue import CourseOption
from elearn.reach.choices import AGE_BANDS, AUDIENCES, SETTINGS
from elearn.reach.services import SessionInput
from elearn.resources.handed_out import CountField, copies_fields, with_copies_fields


class DayField(DateField):
    """A date as year-month-day, with our own message when it is not one."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                str(_l("Enter the date as year-month-day, like 2026-06-30."))
            ) from error


class SessionForm(Form):
    delivered_on = DayField(
        _l("Date of the session"),
        description=_l("You can record a session ahead, to show its code on the day."),
        validators=[InputRequired(_l("Enter the date of the session."))],
    )
    county = SelectField(
        _l("County"), choices=[], **from_the_list(_l("Choose a county from the list."))
    )
    locality = StringField(
        _l("Locality"),
        validators=[
            InputRequired(_l("Enter the locality, like Oradea.")),
            Length(max=100, message=_l("Keep the locality under 100 characters.")),
            no_control_characters,
        ],
    )
    setting = SelectField(
        _l("Where"), choices=[], **from_the_list(_l("Choose where the session took place."))
    )
    audience = SelectField(
        _l("Audience"), choices=[], **from_the_list(_l("Choose who the session was for."))
    )
    age_band = SelectField(
        _l("Age of the pupils"),
        description=_l("Only for pupils."),
        choices=[],
        default="",
        **from_the_list(_l("Choose the pupils' age band.")),
    )
    declared_count = CountField(
        _l("How many people attended"),
        description=_l("For a session ahead, how many you expect; update it afterwards."),
        validators=[InputRequired(_l("Enter how many people attended."))],
    )
    course_id = SelectField(
        _l("Course"),
        description=_l("The course whose certificate you hold and whose plan you used."),
        choices=[],
        **from_the_list(_l("Choose a course you hold a valid certificate for.")),
    )
    session_plan_key = SelectField(
        _l("Session plan"),
        choices=[],
        default="",
        **from_the_list(_l("Choose a session plan from the list.")),
    )
    reflection = TextAreaField(
        _l("Reflection (optional)"),
        description=_l("A few lines for yourself: what worked, what to change. Only you see it."),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Keep the reflection under 2,000 characters.")),
        ],
    )
    submit = SubmitField(_l("Save the session"))

    def setup(self, courses: list[CourseOption], resources, language: str) -> SessionForm:
        """Fill the lists for the reader: counties, settings, audiences, courses, plans."""
        self.county.choices = options(county_choices())
        self.setting.choices = options(SETTINGS.items())
        self.audience.choices = options(AUDIENCES.items())
        self.age_band.choices = options([("", _l("Not pupils")), *AGE_BANDS.items()])
        self.course_id.choices = options((str(c.course_id), c.title) for c in courses)
        plans = [("", _l("None, or a plan of my own"))]
        for course in courses:
            for key, title in course.plans:
                label = title if len(courses) == 1 else f"{course.title}: {title}"
                plans.append((key, label))
        self.session_plan_key.choices = options(plans)
        self.materials = copies_fields(self, resources)
        return self

    def to_input(self) -> SessionInput:
        return SessionInput(
            delivered_on=self.delivered_on.data,
            county=self.county.data,
            locality=self.locality.data or "",
            setting=self.setting.data,
            audience=self.audience.data,
            age_band=self.age_band.data or None,
            declared_count=self.declared_count.data,
            course_id=int(self.course_id.data),
            session_plan_key=self.session_plan_key.data or None,
            reflection=self.reflection.data,
            materials={r.id: f.data for r, f in self.materials if f.data},
        )


def session_form(resources, language: str, **kwargs) -> SessionForm:
    """The session form with one "copies" field per approved material of the library."""
    return with_copies_fields(SessionForm, resources, language)(**kwargs)


class CodeForm(Form):
    """The code typed by a person present (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Code of the session"),
        description=_l("Seven letters and digits, shown by the person who led the session."),
        validators=[InputRequired(_l("Enter the code shown at the session."))],
    )
    submit = SubmitField(_l("Continue"))


class ConfirmForm(Form):
    submit = SubmitField(_l("I was there"))
