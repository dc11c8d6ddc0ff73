"""The language switcher shown on every page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField

from elearn.forms import Form, from_the_list, options
from elearn.i18n import LANGUAGES


class LanguageForm(Form):
    language = SelectField(
        choices=options(LANGUAGES.items()),
        **from_the_list(_l("This language is not available. Choose Română, English or Magyar.")),
    )
    next = HiddenField()
