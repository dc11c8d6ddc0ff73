"""The forms of the library: a resource's description and files, the review's decision, and
the library's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from elearn.forms import (
    Form,
    from_the_list,
    no_control_characters,
    normalise_name,
    options,
    title_field,
)
from elearn.i18n import LANGUAGES
from elearn.resources.choices import AUDIENCES, KINDS, LANGUAGE_CODES, LICENCES

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _description(label) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=2000, message=_l("A description can have at most 2,000 characters.")),
        ],
        render_kw={"rows": 3},
    )


def _file(label) -> FileField:
    return FileField(
        label,
        description=_l(
            "PDF, PNG, JPEG or WebP. Presentations and guides as PDF. Location, author and "
            "camera data are removed when it is saved."
        ),
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.webp"},
    )


def _select(label, vocabulary, message) -> SelectField:
    return SelectField(
        label,
        choices=options(vocabulary.items()),
        validators=[InputRequired(message)],
        **from_the_list(message),
    )


class ResourceForm(Form):
    """What a resource is, for whom, under which licence, and its file in each language."""

    kind = _select(_l("Kind"), KINDS, _l("Choose the kind of material from the list."))
    audience = _select(_l("For"), AUDIENCES, _l("Choose who the material is for."))
    title_ro = title_field(_l("Title in Romanian"))
    title_en = title_field(_l("Title in English"))
    title_hu = title_field(_l("Title in Hungarian"))
    description_ro = _description(_l("Description in Romanian"))
    description_en = _description(_l("Description in English"))
    description_hu = _description(_l("Description in Hungarian"))
    licence = SelectField(
        _l("Licence"),
        choices=options((key, licence.name) for key, licence in LICENCES.items()),
        validators=[InputRequired(_l("Choose a licence from the list."))],
        **from_the_list(_l("Choose a licence from the list.")),
    )
    attribution = StringField(
        _l("Attribution (optional)"),
        description=_l("Who made it, as it should be credited, e.g. “Illustration: Ana Pop”."),
        filters=[normalise_name],
        validators=[
            Optional(),
            Length(max=300, message=_l("An attribution can have at most 300 characters.")),
            no_control_characters,
        ],
    )
    file_ro = _file(_l("File in Romanian"))
    file_en = _file(_l("File in English"))
    file_hu = _file(_l("File in Hungarian"))
    submit = SubmitField(_l("Save"))

    def texts(self, name: str) -> dict[str, str | None]:
        return {code: self[f"{name}_{code}"].data for code in LANGUAGE_CODES}

    def fill(self, resource) -> None:
        self.kind.data = resource.kind
        self.audience.data = resource.audience
        self.licence.data = resource.licence
        self.attribution.data = resource.attribution
        for code in LANGUAGE_CODES:
            self[f"title_{code}"].data = (resource.title or {}).get(code, "")
            self[f"description_{code}"].data = (resource.description or {}).get(code, "")


class NewResourceForm(ResourceForm):
    key = StringField(
        _l("Key"),
        description=_l(
            "Lowercase letters, digits and hyphens, e.g. poster-know-the-signs. Courses, "
            "sessions and events name the resource by it; it cannot be changed later."
        ),
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            InputRequired(_l("Enter a key.")),
            Length(max=80, message=_l("A key can have at most 80 characters.")),
            Regexp(
                KEY_PATTERN,
                message=_l("Use only lowercase letters, digits and single hyphens in the key."),
            ),
        ],
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )
    field_order = ("key", "kind", "audience")
    submit = SubmitField(_l("Save as draft"))


class ReviewForm(Form):
    note = TextAreaField(
        _l("Note to the uploader"),
        description=_l("Needed when you send it back: say what should change."),
        validators=[
            Optional(),
            Length(max=2000, message=_l("A note can have at most 2,000 characters.")),
        ],
        render_kw={"rows": 3},
    )
    decision = SelectField(
        _l("Decision"),
        choices=options(
            [("approve", _l("Approve: offer it to everyone")), ("send_back", _l("Send it back"))]
        ),
        validators=[InputRequired(_l("Choose a decision."))],
        **from_the_list(_l("Choose a decision.")),
    )
    submit = SubmitField(_l("Record the decision"))


class FilterForm(Form):
    """The library's filters, read from the address (GET), so a filtered list can be shared."""

    class Meta:
        csrf = False

    audience = SelectField(
        _l("For"), choices=[], validators=[Optional()], **from_the_list(_l("Choose from the list."))
    )
    language = SelectField(
        _l("Language"),
        choices=[],
        validators=[Optional()],
        **from_the_list(_l("Choose from the list.")),
    )
    kind = SelectField(
        _l("Kind"),
        choices=[],
        validators=[Optional()],
        **from_the_list(_l("Choose from the list.")),
    )
    submit = SubmitField(_l("Show"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _l("All"))]
        self.audience.choices = options([*everything, *AUDIENCES.items()])
        self.language.choices = options([*everything, *LANGUAGES.items()])
        self.kind.choices = options([*everything, *KINDS.items()])
