"""Forms of the review: ask for review, sign off languages and approve, send back, publish;
compare and roll back versions; give and take back the reviewer right."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from elearn.forms import Form, email_field, from_the_list, no_control_characters
from elearn.i18n import LANGUAGES


class AskForReviewForm(Form):
    submit = SubmitField(_l("Ask for review"))


class SignOffForm(Form):
    """One checkbox per changed language (added by ``sign_off_form``), the revision read."""

    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])
    sign = SubmitField(_l("Record my sign-off"))
    approve = SubmitField(_l("Approve the draft"))

    def languages(self) -> list[str]:
        return [
            name.removeprefix("language_") for name in self._fields if name.startswith("language_")
        ]

    def checked(self) -> list[str]:
        return [code for code in self.languages() if self[f"language_{code}"].data]


def sign_off_form(languages: list[str], revision: int) -> SignOffForm:
    """The sign-off form for a draft whose ``languages`` changed."""

    class DraftSignOffForm(SignOffForm):
        pass

    for code in languages:
        setattr(
            DraftSignOffForm,
            f"language_{code}",
            BooleanField(_l("I reviewed the %(language)s text", language=LANGUAGES[code])),
        )
    form = DraftSignOffForm()
    if form.revision.data is None:
        form.revision.data = revision
    return form


class SendBackForm(Form):
    comment = TextAreaField(
        _l("What should change"),
        description=_l("The authors receive this by email and see it on the draft's page."),
        validators=[
            InputRequired(_l("Say what should change.")),
            Length(max=5000, message=_l("Use at most 5000 characters.")),
        ],
    )
    submit = SubmitField(_l("Send back to the authors"))


class PublishDraftForm(Form):
    submit = SubmitField(_l("Publish the new version"))


class CompareForm(Form):
    """Two versions of a course, chosen in a GET form (?from=&to=)."""

    class Meta:
        csrf = False

    older = SelectField(
        _l("From version"),
        name="from",
        coerce=int,
        validators=[InputRequired(_l("Choose the version to compare from."))],
        **from_the_list(_l("Choose a version from the list.")),
    )
    newer = SelectField(
        _l("To version"),
        name="to",
        coerce=int,
        validators=[InputRequired(_l("Choose the version to compare with."))],
        **from_the_list(_l("Choose a version from the list.")),
    )
    submit = SubmitField(_l("Compare"))


class RollbackForm(Form):
    version_id = SelectField(
        _l("Version to publish again"),
        coerce=int,
        validators=[InputRequired(_l("Choose a version."))],
        **from_the_list(_l("Choose a version from the list.")),
    )
    submit = SubmitField(_l("Publish its content as a new version"))


class ReviewerForm(Form):
    email = email_field(_l("Trainer's email address"), autocomplete="off")
    submit = SubmitField(_l("Give the reviewer right"))


class RevokeReviewerForm(Form):
    email = HiddenField(validators=[InputRequired(), no_control_characters])
    submit = SubmitField(_l("Take the right back"))
