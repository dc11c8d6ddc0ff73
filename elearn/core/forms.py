"""The language switcher shown on every page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from elearn.forms import options
from elearn.i18n import LANGUAGES


class LanguageForm(FlaskForm):
    language = SelectField(choices=options(LANGUAGES.items()))
    next = HiddenField()
