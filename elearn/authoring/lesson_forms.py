"""The lesson editor's form: one column of fields per course language.

The languages differ from course to course, so the form class is made for the course's
languages (``lesson_form``); each field's name ends in its language (``title_en``).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField

from elearn.authoring.lessons import Typed, field_label
from elearn.forms import Form, options

TITLE_MAX = 200
OBJECTIVE_MAX = 500
OBJECTIVES_MAX = 10
BODY_MAX = 100_000
# The loader's plain-text rule (elearn/content/checks.py): said here next to the field.
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.I)


class LessonFormBase(Form):
    save = SubmitField(_l("Save"))
    preview = StringField()  # the language of the Preview button pressed, if any

    languages: list[str] = []

    def column(self, language: str, name: str):
        return self[f"{name}_{language}"]

    def objectives_of(self, language: str) -> list[str]:
        text = self.column(language, "objectives").data or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def typed(self) -> dict[str, Typed]:
        return {
            language: Typed(
                title=(self.column(language, "title").data or "").strip(),
                objectives=self.objectives_of(language),
                body=self.column(language, "body").data or "",
                base=self.column(language, "base").data or "",
                keep=self.column(language, "keep").data or "",
                theirs=self.column(language, "theirs").data or "",
            )
            for language in self.languages
        }

    def synced(self) -> list[str]:
        return [lang for lang in self.languages if self.column(lang, "synced").data]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for language in self.languages:
            valid = self._check_column(language) and valid
        return valid

    def _check_column(self, language: str) -> bool:
        """Title and objectives as the format wants them, each message naming its field."""
        title, objectives = self.column(language, "title"), self.column(language, "objectives")
        body = self.column(language, "body")
        exists = bool(self.column(language, "base").data)
        if not exists and not ((title.data or "").strip() or objectives.data or body.data):
            return True  # a missing translation left empty stays missing
        label = {name: field_label(name, language) for name in ("title", "objectives", "body")}
        errors = []
        text = (title.data or "").strip()
        if not text:
            errors.append((title, _("%(field)s: enter the lesson's title.", field=label["title"])))
        elif len(text) > TITLE_MAX:
            errors.append(
                (
                    title,
                    _(
                        "%(field)s is too long: at most %(max)d characters.",
                        field=label["title"],
                        max=TITLE_MAX,
                    ),
                )
            )
        items = self.objectives_of(language)
        if not items:
            errors.append(
                (
                    objectives,
                    _("%(field)s: write at least one, one per line.", field=label["objectives"]),
                )
            )
        elif len(items) > OBJECTIVES_MAX:
            errors.append(
                (
                    objectives,
                    _(
                        "%(field)s: at most %(max)d, one per line.",
                        field=label["objectives"],
                        max=OBJECTIVES_MAX,
                    ),
                )
            )
        elif any(len(item) > OBJECTIVE_MAX for item in items):
            errors.append(
                (
                    objectives,
                    _(
                        "%(field)s: each one at most %(max)d characters.",
                        field=label["objectives"],
                        max=OBJECTIVE_MAX,
                    ),
                )
            )
        for field, value in ((title, text), (objectives, objectives.data or "")):
            if _HTML.search(value):
                name = "title" if field is title else "objectives"
                errors.append(
                    (
                        field,
                        _(
                            "%(field)s: write plain text, without HTML or scripts.",
                            field=label[name],
                        ),
                    )
                )
        if len(body.data or "") > BODY_MAX:
            errors.append(
                (
                    body,
                    _(
                        "%(field)s is too long: at most %(max)d characters.",
                        field=label["body"],
                        max=BODY_MAX,
                    ),
                )
            )
        for field, message in errors:
            field.errors = [*field.errors, message]
        return not errors


def lesson_form(languages: list[str], **kwargs) -> LessonFormBase:
    """The editor's form for a course in ``languages`` (the source language first)."""
    fields: dict = {"languages": list(languages)}
    for language in languages:
        fields[f"title_{language}"] = StringField(field_label("title", language))
        fields[f"objectives_{language}"] = TextAreaField(
            field_label("objectives", language),
            description=_l("One to ten, one per line: what a learner can do after the lesson."),
        )
        fields[f"body_{language}"] = TextAreaField(field_label("body", language))
        fields[f"base_{language}"] = HiddenField()
        fields[f"theirs_{language}"] = HiddenField()
        fields[f"keep_{language}"] = RadioField(
            _l("Which text to keep?"),
            choices=options(
                [
                    ("mine", _l("Keep my text (replace theirs)")),
                    ("theirs", _l("Keep their text (drop my changes in this language)")),
                ]
            ),
            validate_choice=False,
        )
        fields[f"synced_{language}"] = BooleanField(_l("Still accurate: mark as up to date"))
    return type("LessonForm", (LessonFormBase,), fields)(**kwargs)
