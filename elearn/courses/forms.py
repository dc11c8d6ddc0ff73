"""Forms for uploading packages and running a version's life."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from elearn.forms import Form, from_the_list, no_control_characters


class UploadForm(Form):
    package = FileField(
        _l("Course package (.zip)"),
        description=_l("A zip of the course folder: course.yaml, lessons, quizzes and media."),
        validators=[
            FileRequired(_l("Choose the zip file of the package.")),
            FileAllowed(["zip"], _l("The package must be a .zip file.")),
        ],
    )
    submit = SubmitField(_l("Check and upload"))


class PublishForm(Form):
    """One reviewer and date per language, added in the view."""

    submit = SubmitField(_l("Publish"))


def reviewer_field(language_name: str) -> SelectField:
    return SelectField(
        _l("Reviewer of the %(language)s text", language=language_name),
        coerce=int,
        validators=[InputRequired(_l("Choose who reviewed this language."))],
        **from_the_list(_l("Choose a reviewer from the list.")),
    )


def review_date_field(language_name: str) -> DateField:
    return DateField(
        _l("Reviewed on (%(language)s)", language=language_name),
        validators=[InputRequired(_l("Enter the date of the review."))],
        render_kw={"type": "date"},
    )


class WithdrawForm(Form):
    reason = TextAreaField(
        _l("Why it is withdrawn"),
        description=_l(
            "For example: a wrong phone number, or an instruction that could cause harm."
        ),
        validators=[
            DataRequired(_l("Say why the version is withdrawn.")),
            Length(max=1000, message=_l("Use at most 1000 characters.")),
            no_control_characters,
        ],
    )
    replacement = SelectField(
        _l("Move its learners to"),
        coerce=int,
        validators=[Optional()],
        **from_the_list(_l("Choose a version from the list.")),
    )
    submit = SubmitField(_l("Withdraw now"))


class TransferForm(Form):
    organisation_id = SelectField(
        _l("Organisation"),
        coerce=int,
        **from_the_list(_l("Choose an organisation from the list.")),
    )
    submit = SubmitField(_l("Give the course to this organisation"))
