"""Form fields and validators shared by several features."""

from __future__ import annotations

import re
import unicodedata

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from elearn.i18n import LANGUAGES
from elearn.reference import COUNTIES, OUTSIDE_ROMANIA, PROFESSIONS
from elearn.text import fold

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Form(FlaskForm):
    """Every form of the platform: it picks up what a person typed before their session
    timed out (see elearn/accounts/idle.py), so they do not lose it."""

    def __init__(self, *args, **kwargs) -> None:
        if has_request_context() and not args and "formdata" not in kwargs:
            draft = g.pop("form_draft", None)
            if draft is not None:
                kwargs["formdata"] = draft
        super().__init__(*args, **kwargs)


def normalise_name(value: str | None) -> str | None:
    """NFC-normalise and collapse spaces, keeping every diacritic exactly as typed."""
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", value).split())


def normalise_email(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip().lower()


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select field."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def from_the_list(message) -> dict:
    """The messages a select field gives for a value that is not one of its options."""
    return {"invalid_choice_message": message, "invalid_value_message": message}


def county_choices() -> list[tuple[str, object]]:
    """Counties sorted by their name in the reader's language, 'outside Romania' last."""
    counties = [(key, label) for key, label in COUNTIES.items() if key != OUTSIDE_ROMANIA]
    counties.sort(key=lambda pair: fold(str(pair[1])))
    return [*counties, (OUTSIDE_ROMANIA, COUNTIES[OUTSIDE_ROMANIA])]


def show_domain_error(form, error) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def no_control_characters(form, field) -> None:
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this field."))


def title_field(label) -> StringField:
    """One language's title of something translated (a path, a library resource): optional
    here, since the form asks for at least one language; spaces tidied, 200 characters."""
    return StringField(
        label,
        filters=[normalise_name],
        validators=[
            Optional(),
            Length(max=200, message=_l("A title can have at most 200 characters.")),
            no_control_characters,
        ],
    )


def full_name_field() -> StringField:
    return StringField(
        _l("Full name"),
        description=_l("As it should appear on your certificates, with diacritics."),
        filters=[normalise_name],
        validators=[
            DataRequired(_l("Enter your full name.")),
            Length(max=200, message=_l("Your name can have at most 200 characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "name"},
    )


def email_field(label=None, *, autocomplete: str = "email") -> EmailField:
    return EmailField(
        label or _l("Email address"),
        filters=[normalise_email],
        validators=[
            InputRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("An email address can have at most 254 characters.")),
            Email(_l("Enter an email address in the correct format, like name@example.org.")),
        ],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false"},
    )


def new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[InputRequired(_l("Enter a password."))],
        render_kw={"autocomplete": "new-password"},
    )


def password_description() -> str:
    """The password rules, with the configured minimum length."""
    return _(
        "At least %(num)d characters. A phrase of three or four unrelated words is easy to "
        "remember and hard to guess.",
        num=current_app.config["PASSWORD_MIN_LENGTH"],
    )


def profession_field() -> SelectField:
    return SelectField(
        _l("Profession"),
        choices=options([("", _l("Choose your profession")), *PROFESSIONS.items()]),
        validators=[InputRequired(_l("Choose your profession."))],
        **from_the_list(_l("Choose a profession from the list.")),
    )


def county_field() -> SelectField:
    return SelectField(
        _l("County"),
        description=_l("Where you work."),
        choices=[],
        validators=[InputRequired(_l("Choose the county where you work."))],
        **from_the_list(_l("Choose a county from the list.")),
    )


def language_field() -> SelectField:
    return SelectField(
        _l("Preferred language"),
        description=_l("Pages and emails will be in this language."),
        choices=options(LANGUAGES.items()),
        validators=[InputRequired(_l("Choose a language."))],
        **from_the_list(_l("Choose Română, English or Magyar.")),
    )


def organisation_field(description=None) -> SelectField:
    """Optional: not every professional's organisation is listed. ``description`` replaces
    the help text where the form is about someone else."""
    return SelectField(
        _l("Organisation (optional)"),
        description=description
        or _l("The school, institution or organisation you work for, if it is listed."),
        coerce=int,
        choices=[],
        **from_the_list(_l("Choose an organisation from the list.")),
    )
