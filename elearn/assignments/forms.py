"""The form a manager assigns a course or a learning path with."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, RadioField, SelectField, SubmitField
from wtforms.validators import Email, Length, ValidationError

from elearn.forms import Form, from_the_list, normalise_email, options


class DayField(DateField):
    """A date typed (or picked) as year-month-day, with our own message when it is not one."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None  # left empty: the form says what is missing
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                str(_l("Enter the date as year-month-day, like 2026-06-30."))
            ) from error


class AssignmentForm(Form):
    what = RadioField(
        _l("What to assign"),
        choices=options([("course", _l("A course")), ("path", _l("A learning path"))]),
        default="course",
        invalid_choice_message=_l("Choose a course or a learning path."),
    )
    course_id = SelectField(
        _l("Course"),
        description=_l("When you assign a course."),
        choices=[],
        default="",
        **from_the_list(_l("Choose a course from the list.")),
    )
    path_id = SelectField(
        _l("Learning path"),
        description=_l("When you assign a learning path: each of its published courses."),
        choices=[],
        default="",
        **from_the_list(_l("Choose a learning path from the list.")),
    )
    whom = RadioField(
        _l("To whom"),
        choices=options(
            [
                ("person", _l("One person")),
                ("cohort", _l("A cohort")),
                ("organisation", _l("An organisation, with everything below it")),
            ]
        ),
        default="organisation",
        invalid_choice_message=_l("Choose whom to assign it to."),
    )
    email = EmailField(
        _l("The person's email address"),
        description=_l(
            "When you assign to one person: a confirmed member of this organisation or of one "
            "below it."
        ),
        filters=[normalise_email],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    cohort_id = SelectField(
        _l("Cohort"),
        description=_l("When you assign to a cohort: its members."),
        choices=[],
        default="",
        **from_the_list(_l("Choose a cohort from the list.")),
    )
    target_organisation_id = SelectField(
        _l("Organisation"),
        description=_l(
            "When you assign to an organisation: its confirmed members and those of every "
            "organisation below it, now and as they join."
        ),
        choices=[],
        default="",
        **from_the_list(_l("Choose an organisation from the list.")),
    )
    due_on = DayField(
        _l("Due on"),
        description=_l("The last day to complete it, today or later."),
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    recurring = BooleanField(
        _l("Assign it again when the certificate expires"),
        description=_l(
            "Each time a certificate for the course expires, the course falls due again on "
            "its expiry date."
        ),
    )
    submit = SubmitField(_l("Assign"))

    def __init__(self, *args, courses=(), paths=(), cohorts=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = options([("", _l("Choose a course")), *courses])
        self.path_id.choices = options([("", _l("Choose a learning path")), *paths])
        self.cohort_id.choices = options([("", _l("Choose a cohort")), *cohorts])
        self.target_organisation_id.choices = options(
            [("", _l("Choose an organisation")), *organisations]
        )

    def validate_course_id(self, field) -> None:
        if self.what.data == "course" and not field.data:
            raise ValidationError(_l("Choose a course."))

    def validate_path_id(self, field) -> None:
        if self.what.data == "path" and not field.data:
            raise ValidationError(_l("Choose a learning path."))

    def validate_email(self, field) -> None:
        if self.whom.data != "person":
            return
        if not field.data:
            raise ValidationError(_l("Enter the person's email address."))
        Length(max=254, message=_l("An email address can have at most 254 characters."))(
            self, field
        )
        Email(_l("Enter an email address in the correct format, like name@example.org."))(
            self, field
        )

    def validate_cohort_id(self, field) -> None:
        if self.whom.data == "cohort" and not field.data:
            raise ValidationError(_l("Choose a cohort."))

    def validate_target_organisation_id(self, field) -> None:
        if self.whom.data == "organisation" and not field.data:
            raise ValidationError(_l("Choose an organisation."))

    def validate_due_on(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the date it is due by."))

    def chosen(self) -> dict:
        """The service's arguments for what was chosen (only the fields of the choices made)."""
        return {
            "course_id": _number(self.course_id.data) if self.what.data == "course" else None,
            "path_id": _number(self.path_id.data) if self.what.data == "path" else None,
            "target": self.whom.data,
            "email": self.email.data if self.whom.data == "person" else None,
            "cohort_id": _number(self.cohort_id.data) if self.whom.data == "cohort" else None,
            "target_organisation_id": (
                _number(self.target_organisation_id.data)
                if self.whom.data == "organisation"
                else None
            ),
            "due_on": self.due_on.data,
            "recurring": self.recurring.data,
        }


def _number(value: str | None) -> int | None:
    """A chosen option's id (the choices are ids), None for none."""
    return int(value) if value else None
