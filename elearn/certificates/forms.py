"""Forms: checking a code, revoking, and the issuer's and signatories' details."""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import URL, InputRequired, Length, Optional, Regexp, ValidationError

from elearn.certificates.services import REVOCATION_REASONS
from elearn.forms import Form, from_the_list, normalise_name, options
from elearn.i18n import LANGUAGES

MAX_IMAGE_BYTES = 1024 * 1024


class VerifyForm(Form):
    """Read from the query string, so that a link or a bookmark can carry the code."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        description=_l("The code printed on the certificate, for example 7KQ4-M2XD-9T1V-RB8E-J."),
        validators=[
            InputRequired(_l("Enter the code printed on the certificate.")),
            Length(max=64, message=_l("A certificate code is 17 characters long.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Check"))


class RevokeForm(Form):
    reason = SelectField(
        _l("Reason"),
        validators=[InputRequired(_l("Choose a reason from the list."))],
        **from_the_list(_l("Choose a reason from the list.")),
    )
    submit = SubmitField(_l("Revoke the certificate"))


def revoke_form() -> RevokeForm:
    form = RevokeForm()
    form.reason.choices = options(REVOCATION_REASONS.items())
    return form


def image_bytes(field) -> bytes | None:
    """An uploaded PNG or JPEG, re-encoded as PNG without its metadata; None if none came."""
    from PIL import Image, UnidentifiedImageError

    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_l("The image must be at most 1 MB."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(_l("The image must be a PNG or JPEG file."))
            image.load()
            clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_l("This file is not an image we can read.")) from None
    output = io.BytesIO()
    clean.save(output, format="PNG", optimize=True)
    return output.getvalue()


def _image_field(label):
    return FileField(
        label,
        validators=[
            Optional(),
            FileAllowed(["png", "jpg", "jpeg"], _l("The image must be a PNG or JPEG file.")),
        ],
    )


class IssuerForm(Form):
    name = StringField(
        _l("Issuing organisation"),
        filters=[normalise_name],
        validators=[InputRequired(_l("Enter the issuing organisation's name.")), Length(max=200)],
    )
    url = StringField(
        _l("Website"),
        validators=[
            Optional(),
            URL(message=_l("Enter a full address, like https://example.org.")),
            Length(max=300),
        ],
    )
    email = StringField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    colour = StringField(
        _l("Colour"),
        description=_l("A dark colour prints best, as #RRGGBB, for example #1d4e89."),
        validators=[
            InputRequired(_l("Enter a colour like #1d4e89.")),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Enter a colour like #1d4e89.")),
        ],
    )
    logo = _image_field(_l("Logo (PNG or JPEG, at most 1 MB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    submit = SubmitField(_l("Save"))


for _code, _name in LANGUAGES.items():
    setattr(
        IssuerForm,
        f"accreditation_{_code}",
        StringField(
            _l("Accreditation line (%(language)s)", language=_name),
            description=_l("Printed under the course details; leave empty for none."),
            validators=[Optional(), Length(max=300)],
        ),
    )


class SignatoryForm(Form):
    key = StringField(
        _l("Key"),
        description=_l("What course packages write after signatory:, for example director."),
        validators=[
            InputRequired(_l("Enter a key.")),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message=_l("Use lowercase letters, digits and hyphens."),
            ),
            Length(max=80),
        ],
    )
    name = StringField(
        _l("Name as printed"),
        filters=[normalise_name],
        validators=[InputRequired(_l("Enter the signatory's name.")), Length(max=200)],
    )
    signature = _image_field(_l("Signature image (PNG or JPEG, at most 1 MB)"))
    active = BooleanField(_l("Signs new certificates"), default=True)
    submit = SubmitField(_l("Save"))


for _code, _name in LANGUAGES.items():
    setattr(
        SignatoryForm,
        f"role_{_code}",
        StringField(
            _l("Position (%(language)s)", language=_name),
            validators=[
                InputRequired(_l("Enter the position in every language.")),
                Length(max=200),
            ],
        ),
    )


class CertificateFilterForm(Form):
    """Which certificates of an organisation to list or export (read from the query string)."""

    class Meta:
        csrf = False

    course = SelectField(
        _l("Course"),
        validators=[Optional()],
        **from_the_list(_l("Choose a course from the list.")),
    )
    since = DateField(
        _l("Completed from (date)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    until = DateField(
        _l("Completed until (date, inclusive)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class ExportForm(CertificateFilterForm):
    """The same filter, posted with a CSRF token to start an export."""

    class Meta:
        csrf = True

    submit = SubmitField(_l("Export the PDFs and the register (zip)"))


def course_choices(form: CertificateFilterForm, courses) -> None:
    form.course.choices = options([("", _l("Every course")), *courses])
