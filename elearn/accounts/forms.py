"""Forms for registering, signing in, resetting a password and editing one's profile."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from elearn.forms import (
    Form,
    county_choices,
    county_field,
    email_field,
    full_name_field,
    language_field,
    new_password_field,
    options,
    organisation_field,
    password_description,
    profession_field,
)
from elearn.organisations.services import organisation_choices
from elearn.security import password_problem


def _confirm_field() -> PasswordField:
    return PasswordField(
        _l("Confirm the password"),
        validators=[
            InputRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class _NewPasswordMixin:
    """Checks the new password against the policy and the person's own name and email."""

    def _password_inputs(self) -> list[str]:
        inputs = []
        for name in ("full_name", "email"):
            field = getattr(self, name, None)
            if field is not None and field.data:
                inputs.append(field.data)
        return inputs + list(getattr(self, "known_inputs", ()))

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", user_inputs=self._password_inputs())
        if problem:
            raise ValidationError(problem)


class ProfileFieldsForm(Form):
    """The fields a person fills in about themselves, shared by registration and the profile."""

    full_name = full_name_field()
    profession = profession_field()
    organisation_id = organisation_field()
    county = county_field()
    preferred_language = language_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.county.choices = options([("", _l("Choose a county")), *county_choices()])
        self.organisation_id.choices = options(organisation_choices())


class RegistrationForm(_NewPasswordMixin, ProfileFieldsForm):
    # The page asks for the account first, then the profile (error_summary follows this).
    field_order = (
        "full_name",
        "email",
        "password",
        "confirm",
        "profession",
        "organisation_id",
        "county",
        "preferred_language",
        "accept_privacy",
    )
    email = email_field()
    password = new_password_field()
    confirm = _confirm_field()
    accept_privacy = BooleanField(
        _l("I have read the privacy notice"),
        validators=[DataRequired(_l("Read the privacy notice and tick the box to go on."))],
    )
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.password.description = password_description()


class ProfileForm(ProfileFieldsForm):
    # Only managers get the weekly digest (elearn/reporting/digest.py); for anyone else the
    # field is removed, and their setting is left as it is.
    weekly_digest = BooleanField(
        _l("Send me a weekly summary of my organisation by email"),
        description=_l(
            "Every week: completion by course for your organisation and those below it, and "
            "what changed in the week (counts only, no names)."
        ),
    )
    submit = SubmitField(_l("Save changes"))

    def __init__(self, *args, manager: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not manager:
            del self.weekly_digest


class SignInForm(Form):
    email = email_field(autocomplete="username")
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(description=_l("Only on a computer that you alone use."))
    submit = SubmitField(_l("Sign in"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = current_app.config["REMEMBER_COOKIE_DURATION"].days
        self.remember.label.text = ngettext(
            "Keep me signed in on this device for %(num)d day",
            "Keep me signed in on this device for %(num)d days",
            days,
        )


class ForgotPasswordForm(Form):
    email = email_field()
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(_NewPasswordMixin, Form):
    password = new_password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Set the new password"))

    def __init__(self, *args, known_inputs=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.known_inputs = tuple(known_inputs)
        self.password.description = password_description()


class SecondFactorForm(Form):
    code = StringField(
        _l("Code"),
        description=_l(
            "The 6-digit code from your authenticator app, or one of your recovery codes."
        ),
        validators=[
            InputRequired(_l("Enter the code.")),
            Length(max=20, message=_l("Enter the code.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class ChangeEmailForm(Form):
    email = email_field(_l("New email address"))
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Send a confirmation link"))


class ChangePasswordForm(ResetPasswordForm):
    # The page asks for the current password first (error_summary follows this).
    field_order = ("current_password", "password", "confirm")
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(_l("Enter your current password.")),
            Length(max=256, message=_l("Enter your current password.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Change password"))
