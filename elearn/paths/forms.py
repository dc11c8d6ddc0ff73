"""The forms administrators use to declare learning paths."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from elearn.forms import (
    Form,
    from_the_list,
    options,
    title_field,
)
from elearn.reference import PROFESSIONS


def _summary(label) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=2000, message=_l("A summary can have at most 2,000 characters.")),
        ],
        render_kw={"rows": 3},
    )


def _course_field(label) -> SelectField:
    return SelectField(
        label,
        coerce=int,
        choices=[],
        validators=[
            InputRequired(_l("Choose a course.")),
            NumberRange(min=1, message=_l("Choose a course.")),
        ],
        **from_the_list(_l("Choose a course from the list.")),
    )


class PathForm(Form):
    """A path's title and summary in each language, and who it is for."""

    title_ro = title_field(_l("Title in Romanian"))
    title_en = title_field(_l("Title in English"))
    title_hu = title_field(_l("Title in Hungarian"))
    summary_ro = _summary(_l("Summary in Romanian"))
    summary_en = _summary(_l("Summary in English"))
    summary_hu = _summary(_l("Summary in Hungarian"))
    profession = SelectField(
        _l("For"),
        description=_l(
            "Learners of this profession see the path. Choose Everyone for a path every "
            "learner sees."
        ),
        choices=options([("", _l("Everyone")), *PROFESSIONS.items()]),
        validators=[Optional()],
        **from_the_list(_l("Choose a profession from the list.")),
    )
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any((self.texts("title")).values()):
            self.title_ro.errors = [
                *self.title_ro.errors,
                _l("Give the path a title in at least one language."),
            ]
            return False
        return valid

    def texts(self, field: str) -> dict[str, str]:
        return {
            language: getattr(self, f"{field}_{language}").data for language in ("ro", "en", "hu")
        }

    def fill(self, path) -> None:
        """Show a stored path's texts in the fields (on the first view of the page)."""
        for language in ("ro", "en", "hu"):
            getattr(self, f"title_{language}").data = path.title.get(language, "")
            getattr(self, f"summary_{language}").data = path.summary.get(language, "")
        self.profession.data = path.profession or ""


class NewPathForm(PathForm):
    """A new path starts with its first course; more are added on its page."""

    course_id = _course_field(_l("First course"))
    submit = SubmitField(_l("Create the path"))

    def __init__(self, *args, courses: list[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.course_id.choices = [(0, _l("Choose a course")), *courses]


class AddCourseForm(Form):
    course_id = _course_field(_l("Course to add at the end"))
    submit = SubmitField(_l("Add the course"))

    def __init__(self, *args, courses: list[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.course_id.choices = [(0, _l("Choose a course")), *courses]


class StepForm(Form):
    """A button on one course of the path: remove it, or move it up or down."""

    course_id = IntegerField(validators=[InputRequired(_l("Choose a course."))])
    direction = SelectField(
        choices=options([("up", _l("Move up")), ("down", _l("Move down"))]),
        validators=[Optional()],
        **from_the_list(_l("Move a course up or down.")),
    )
