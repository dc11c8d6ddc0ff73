"""Forms for copying a course, its co-authors and its announcements."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from elearn.authoring.announcements import MAX_LENGTH
from elearn.forms import (
    Form,
    email_field,
    from_the_list,
    no_control_characters,
    normalise_name,
)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _newlines(value: str | None) -> str | None:
    """Line ends as one character each, as the browser counted them for maxlength."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _no_control_characters_but_lines(form, field) -> None:
    if field.data and _CONTROL_BUT_LINES.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this field."))


def _title_field(language_name: str) -> StringField:
    return StringField(
        _l("Title in %(language)s", language=language_name),
        description=_l("Leave it as it is to keep the original title."),
        filters=[normalise_name],
        validators=[
            Optional(),
            Length(max=200, message=_l("A title can have at most 200 characters.")),
            no_control_characters,
        ],
    )


class CopyCourseForm(Form):
    slug = StringField(
        _l("Id of the new course"),
        description=_l(
            "Lowercase letters, digits and hyphens. It names the course in links and in its "
            "package, and cannot be changed later."
        ),
        filters=[_strip],
        validators=[InputRequired(_l("Enter an id for the new course."))],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    title_ro = _title_field("Română")
    title_en = _title_field("English")
    title_hu = _title_field("Magyar")
    submit = SubmitField(_l("Copy into my organisation"))

    def titles(self, languages) -> dict[str, str]:
        return {
            language: getattr(self, f"title_{language}").data or ""
            for language in languages
            if hasattr(self, f"title_{language}")
        }


class AddAuthorForm(Form):
    email = email_field(_l("Email address of the trainer"), autocomplete="off")
    submit = SubmitField(_l("Add as co-author"))


class RemoveAuthorForm(Form):
    submit = SubmitField(_l("Remove"))


class AnnouncementForm(Form):
    body = TextAreaField(
        _l("Announcement"),
        description=_l(
            "Plain text, at most %(num)d characters. It appears on the course page, and is "
            "emailed to the learners who asked for announcements.",
            num=MAX_LENGTH,
        ),
        filters=[_newlines],
        validators=[
            InputRequired(_l("Write the announcement.")),
            Length(
                max=MAX_LENGTH,
                message=_l("An announcement can have at most %(num)d characters.", num=MAX_LENGTH),
            ),
            _no_control_characters_but_lines,
        ],
        render_kw={"rows": 6, "maxlength": MAX_LENGTH},
    )
    language = SelectField(
        _l("Language of the text"),
        description=_l("Learners' browsers and screen readers read it in this language."),
        choices=[],
        **from_the_list(_l("Choose one of the course's languages.")),
    )
    submit = SubmitField(_l("Post the announcement"))


class HideAnnouncementForm(Form):
    hidden = HiddenField(validators=[AnyOf(["0", "1"])])


class AnnouncementEmailsForm(Form):
    wanted = HiddenField(validators=[AnyOf(["0", "1"])])
