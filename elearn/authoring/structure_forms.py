"""Forms of the course settings, modules and lessons, and media pages.

Texts come in one field per course language (``title_ro``, ``title_en``...), so each form
class is made for the course's languages. Every message names its field, in the reader's
language; the package validator checks again when the draft is saved.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from elearn.forms import Form, from_the_list, no_control_characters, options
from elearn.i18n import LANGUAGES
from elearn.reference import PROFESSIONS
from elearn.users.forms import CheckboxesField

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.I)


def plain_text(form, field) -> None:
    """Titles, summaries and alt texts are plain text, as the package validator requires."""
    if field.data and _HTML.search(field.data):
        raise ValidationError(
            _l("%(field)s is plain text: remove the HTML tags.", field=field.label.text)
        )


def at_least_one(message):
    """A group of checkboxes needs one ticked (DataRequired would mark each box required)."""

    def check(form, field) -> None:
        if not field.data:
            raise ValidationError(message)

    return check


def _text(label, required_message, *, area: bool = False, limit: int = 2000, required=True):
    kind = TextAreaField if area else StringField
    first = [DataRequired(required_message)] if required else [Optional()]
    return kind(
        label,
        validators=[
            *first,
            Length(max=limit, message=_l("This field can have at most %(max)d characters.")),
            no_control_characters if not area else plain_text,
            plain_text,
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


def _id_field(label, description):
    return StringField(
        label,
        description=description,
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            Optional(),
            Length(max=60, message=_l("An id can have at most 60 characters.")),
            Regexp(
                ID_PATTERN,
                message=_l(
                    "%(field)s: use lowercase letters without diacritics, digits and hyphens, "
                    "like first-steps.",
                    field=label,
                ),
            ),
        ],
    )


def texts(form, prefix: str, languages) -> dict[str, str]:
    """The per-language values of ``prefix_<code>`` fields."""
    return {code: (getattr(form, f"{prefix}_{code}").data or "") for code in languages}


def _duration():
    return IntegerField(
        _l("Duration in minutes"),
        description=_l("How long the lesson takes an attentive reader, from 1 to 600."),
        validators=[
            InputRequired(_l("Enter the lesson's duration in minutes.")),
            NumberRange(1, 600, _l("The duration must be between 1 and 600 minutes.")),
        ],
        invalid_value_message=_l("Enter the duration as a whole number of minutes."),
    )


# Course settings -----------------------------------------------------------------------------

CERTIFICATE_CHOICES = options(
    [
        ("none", _l("No certificate")),
        ("standard", _l("Standard design (a colour band, sans-serif)")),
        ("formal", _l("Formal design (a frame, serif)")),
    ]
)
LESSON_DONE_CHOICES = options(
    [
        (
            "button",
            _l("The learner marks it complete, once it has been open for the minimum time below"),
        ),
        (
            "end_of_page",
            _l("The learner reaches the end of the page and follows the button there"),
        ),
    ]
)


class SettingsForm(Form):
    base = HiddenField()
    audiences = CheckboxesField(
        _l("Audiences"),
        description=_l("Who the course is for. “Everyone” opens it to every profession."),
        choices=options([*PROFESSIONS.items(), ("all", _l("Everyone"))]),
        validators=[at_least_one(_l("Audiences: choose at least one."))],
        **from_the_list(_l("Audiences: choose from the list.")),
    )
    prerequisites = CheckboxesField(
        _l("Prerequisites"),
        description=_l("Courses a learner must complete before starting this one."),
        choices=[],
        **from_the_list(_l("Prerequisites: choose courses from the list.")),
    )
    sequential = BooleanField(
        _l("Lessons in order"),
        description=_l("A learner opens a lesson only after finishing the one before it."),
    )
    lesson_done = RadioField(
        _l("A lesson counts as done when"),
        choices=LESSON_DONE_CHOICES,
        validators=[InputRequired(_l("Choose when a lesson counts as done."))],
    )
    min_lesson_time = IntegerField(
        _l("Minimum time on a lesson (% of its stated duration)"),
        description=_l(
            "How long a lesson must be open before it can be marked complete, and how much of "
            "the course's time a learner must spend on its lessons for the certificate to "
            "state its hours. 0 means no minimum; leave empty for 50."
        ),
        validators=[
            Optional(),
            NumberRange(0, 100, _l("Minimum time on a lesson: between 0 and 100 percent.")),
        ],
        invalid_value_message=_l("Minimum time on a lesson: enter a whole number from 0 to 100."),
    )
    certificate = RadioField(
        _l("Certificate"),
        choices=CERTIFICATE_CHOICES,
        validators=[InputRequired(_l("Certificate: choose a design, or no certificate."))],
    )
    hours = DecimalField(
        _l("Certificate hours"),
        description=_l("The training hours the certificate states, for example 1.5."),
        places=None,
        validators=[Optional()],
        invalid_value_message=_l("Certificate hours: enter a number, like 1.5."),
    )
    validity_months = IntegerField(
        _l("Validity in months"),
        description=_l("Leave empty for a certificate that does not expire."),
        validators=[
            Optional(),
            NumberRange(1, 240, _l("Validity: between 1 and 240 months, or empty.")),
        ],
        invalid_value_message=_l("Validity: enter a whole number of months, or leave it empty."),
    )
    signatory = SelectField(
        _l("Signed by"),
        description=_l("The signatories are set up by an administrator."),
        choices=[],
        validate_choice=False,  # checked below, only when there is a certificate
    )
    facts_checked = DateField(
        _l("Facts last checked"),
        description=_l("The day the laws, numbers and institutions were last checked."),
        validators=[Optional()],
        invalid_value_message=_l("Facts last checked: enter a date like 2026-11-20."),
        render_kw={"type": "date"},
    )
    submit = SubmitField(_l("Save the settings"))

    def validate(self, extra_validators=None) -> bool:
        """Hours and a signatory are asked for only when the course gives a certificate."""
        valid = super().validate(extra_validators)
        if self.certificate.data in (None, "none"):
            return valid
        hours = self.hours
        if not hours.errors and hours.data is None:
            hours.errors.append(_l("Certificate hours: enter the training hours."))
        elif not hours.errors and not 0 < hours.data <= 500:
            hours.errors.append(_l("Certificate hours: more than 0 and at most 500."))
        signatory = self.signatory
        if signatory.data not in {choice.value for choice in signatory.choices if choice.value}:
            signatory.errors.append(_l("Signed by: choose a signatory from the list."))
        return valid and not hours.errors and not signatory.errors


@cache
def settings_form_class(languages: tuple[str, ...]) -> type[SettingsForm]:
    """The settings form with a title and a summary field for each course language."""
    fields = {}
    for code in languages:
        name = LANGUAGES[code]
        fields[f"title_{code}"] = _text(
            _l("Title (%(language)s)", language=name),
            _l("Enter the course's title in %(language)s.", language=name),
        )
        fields[f"summary_{code}"] = _text(
            _l("Summary (%(language)s)", language=name),
            _l("Enter the course's summary in %(language)s.", language=name),
            area=True,
            limit=10000,
        )
    return type("LanguageSettingsForm", (SettingsForm,), fields)


# Modules and lessons -------------------------------------------------------------------------


class LessonFieldsForm(Form):
    lesson_id = _id_field(
        _l("Lesson id"),
        _l("Leave empty to make one from the title. It never changes once the lesson exists."),
    )
    duration = _duration()
    required = BooleanField(_l("Required for completion"), default=True)


@cache
def lesson_form_class(languages: tuple[str, ...], with_module: bool = False) -> type[Form]:
    """A new lesson: its titles and first objective per language; ``with_module`` adds the
    new module's id and titles (a module always starts with a lesson)."""
    fields: dict = {}
    for code in languages:
        name = LANGUAGES[code]
        if with_module:
            fields[f"title_{code}"] = _text(
                _l("Module title (%(language)s)", language=name),
                _l("Enter the module's title in %(language)s.", language=name),
            )
        fields[f"lesson_title_{code}"] = _text(
            _l("Lesson title (%(language)s)", language=name),
            _l("Enter the lesson's title in %(language)s.", language=name),
        )
        fields[f"objective_{code}"] = _text(
            _l("First learning objective (%(language)s)", language=name),
            _l("Enter the lesson's first learning objective in %(language)s.", language=name),
        )
    if with_module:
        fields["module_id"] = _id_field(
            _l("Module id"),
            _l("Leave empty to make one from the title. It never changes once the module exists."),
        )
        fields["submit"] = SubmitField(_l("Add the module"))
    else:
        fields["submit"] = SubmitField(_l("Add the lesson"))
    return type("NewLessonForm", (LessonFieldsForm,), fields)


@cache
def titles_form_class(languages: tuple[str, ...]) -> type[Form]:
    fields: dict = {"submit": SubmitField(_l("Save the titles"))}
    for code in languages:
        name = LANGUAGES[code]
        fields[f"title_{code}"] = _text(
            _l("Module title (%(language)s)", language=name),
            _l("Enter the module's title in %(language)s.", language=name),
        )
    return type("ModuleTitlesForm", (Form,), fields)


class MoveForm(Form):
    """Rendered as buttons named ``direction``; ``module`` for a lesson's new module."""

    direction = SelectField(
        choices=options([("up", _l("Move up")), ("down", _l("Move down")), ("module", _l("Move"))]),
        **from_the_list(_l("Choose a direction.")),
    )
    module = SelectField(_l("Move to the module"), choices=[], validate_choice=False)


class LessonSettingsForm(Form):
    duration = _duration()
    required = BooleanField(_l("Required for completion"))
    submit = SubmitField(_l("Save"))


class DeleteForm(Form):
    confirm = BooleanField(
        _l("Yes, delete it"),
        validators=[DataRequired(_l("Tick “Yes, delete it” to confirm the deletion."))],
    )
    submit = SubmitField(_l("Delete"))


# Media ---------------------------------------------------------------------------------------


@cache
def media_form_class(languages: tuple[str, ...], upload: bool) -> type[Form]:
    """Alt text and title per language; for an upload also the file, and the captions
    (.vtt) and transcripts that audio and video need."""
    fields: dict = {}
    if upload:
        fields["file"] = FileField(
            _l("File"),
            description=_l(
                "An image (PNG, JPEG, WebP), audio (MP3, OGG, M4A), video (MP4, WebM) or a "
                "PDF handout. Location and camera data are removed when it is saved."
            ),
            validators=[FileRequired(_l("File: choose the file to upload."))],
        )
    for code in languages:
        name = LANGUAGES[code]
        fields[f"alt_{code}"] = _text(
            _l("Alt text (%(language)s)", language=name),
            None,
            required=False,
            limit=500,
        )
        fields[f"title_{code}"] = _text(
            _l("Title (%(language)s)", language=name), None, required=False, limit=200
        )
        if upload:
            fields[f"captions_{code}"] = FileField(
                _l("Captions, WebVTT (%(language)s)", language=name)
            )
            fields[f"transcript_{code}"] = TextAreaField(
                _l("Transcript (%(language)s)", language=name),
                validators=[
                    Length(
                        max=100000, message=_l("A transcript can have at most 100000 characters.")
                    )
                ],
            )
    fields["submit"] = SubmitField(_l("Upload") if upload else _l("Save"))
    return type("MediaForm", (Form,), fields)


NEEDS = {
    "image": (
        "alt",
        _l("Alt text (%(language)s): describe the image for people who cannot see it."),
    ),
    "handout": ("title", _l("Title (%(language)s): give the handout a title.")),
    "video": ("captions", _l("Captions (%(language)s): upload the WebVTT captions of the video.")),
    "audio": ("transcript", _l("Transcript (%(language)s): write what is said in the recording.")),
}


def require_for_kind(form, kind: str | None, languages) -> bool:
    """What the media's kind needs in every language (as the validator will ask): an
    error next to each empty field. True when nothing is missing."""
    if kind not in NEEDS:
        return True
    prefix, message = NEEDS[kind]
    ok = True
    for code in languages:
        field = getattr(form, f"{prefix}_{code}", None)
        if field is not None and not field.data:
            field.errors = [*field.errors, _l(message, language=LANGUAGES[code])]
            ok = False
    return ok
