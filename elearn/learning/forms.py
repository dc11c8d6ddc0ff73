"""Filters of the catalogue (read from the query string, so no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from elearn.forms import Form, from_the_list, options
from elearn.i18n import LANGUAGES
from elearn.reference import PROFESSIONS

DURATIONS = {
    "short": _l("Up to an hour"),
    "medium": _l("One to three hours"),
    "long": _l("More than three hours"),
}


class CatalogueFilterForm(Form):
    class Meta:
        csrf = False

    audience = SelectField(
        _l("For"),
        choices=options([("", _l("Every profession")), *PROFESSIONS.items()]),
        validators=[Optional()],
        **from_the_list(_l("Choose a profession from the list.")),
    )
    language = SelectField(
        _l("Language of the course"),
        choices=options([("", _l("Any language")), *LANGUAGES.items()]),
        validators=[Optional()],
        **from_the_list(_l("Choose Română, English or Magyar.")),
    )
    duration = SelectField(
        _l("Length"),
        choices=options([("", _l("Any length")), *DURATIONS.items()]),
        validators=[Optional()],
        **from_the_list(_l("Choose a length from the list.")),
    )
