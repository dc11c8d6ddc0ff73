"""Forms of the draft's own page: import a zip into it, discard it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from elearn.forms import Form


class ImportZipForm(Form):
    package = FileField(
        _l("Course package (.zip)"),
        description=_l(
            "Replaces every file of the draft with the zip's: the way back from a text editor "
            "and git. Nothing changes if the zip has a problem."
        ),
        validators=[
            FileRequired(_l("Choose the zip file of the package.")),
            FileAllowed(["zip"], _l("The package must be a .zip file.")),
        ],
    )
    submit = SubmitField(_l("Import into the draft"))


class StartDraftForm(Form):
    submit = SubmitField(_l("Edit in the browser"))


class DiscardForm(Form):
    submit = SubmitField(_l("Discard the draft"))
