"""Checks shared by the manifest, lesson and quiz files: schema errors in words authors can act
on, the course's languages in every text, and plain text where plain text is expected."""

from __future__ import annotations

import re

from pydantic import ValidationError

from elearn.content.problems import N_, Collector
from elearn.content.yamlfile import line_of

_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.I)


_SCHEMA_MESSAGES = {
    "missing": N_("%(where)s is required but missing."),
    "extra_forbidden": N_("%(where)s is not a field of the format (a typing mistake?)."),
    "string_type": N_(
        "%(where)s must be text; put it in quotes (YAML reads yes, no, on, off "
        "and numbers as other types)."
    ),
    "int_type": N_("%(where)s must be a whole number."),
    "float_type": N_("%(where)s must be a number."),
    "bool_type": N_("%(where)s must be true or false."),
    "date_type": N_("%(where)s must be a date written as YYYY-MM-DD, without quotes."),
    "list_type": N_("%(where)s must be a list."),
    "dict_type": N_("%(where)s must be a mapping of keys to values."),
    "literal_error": N_("%(where)s must be one of: %(expected)s."),
    "string_pattern_mismatch": N_(
        "%(where)s has a form that is not allowed (ids use lowercase letters, digits and hyphens)."
    ),
    "string_too_short": N_("%(where)s must not be empty."),
    "too_short": N_("%(where)s needs at least %(min_length)s item(s)."),
    "too_long": N_("%(where)s has too many items or characters."),
    "string_too_long": N_("%(where)s is too long."),
    "greater_than_equal": N_("%(where)s must be at least %(ge)s."),
    "less_than_equal": N_("%(where)s must be at most %(le)s."),
    "greater_than": N_("%(where)s must be more than %(gt)s."),
    "union_tag_invalid": N_(
        "%(where)s: unknown question type %(tag)s; use one of %(expected_tags)s."
    ),
    "union_tag_not_found": N_("%(where)s: every question needs a type."),
}
_QUESTION_TYPES = {
    "single",
    "multiple",
    "true_false",
    "matching",
    "ordering",
    "short_text",
    "numeric",
    "scenario",
}


def report_validation(error: ValidationError, file: str, lines: dict, problems: Collector) -> None:
    for item in error.errors():
        location = tuple(
            part
            for part in item["loc"]
            if not (isinstance(part, str) and (part in _QUESTION_TYPES or "[" in part))
        )
        where = ".".join(str(part) for part in location) or "(top)"
        context = {k: str(v) for k, v in (item.get("ctx") or {}).items()}
        message = _SCHEMA_MESSAGES.get(item["type"])
        if message is None:
            problems.add(
                N_("%(where)s: %(detail)s"),
                file,
                line_of(lines, location),
                where=where,
                detail=item["msg"],
            )
        else:
            problems.add(message, file, line_of(lines, location), where=where, **context)


def _walk_texts(value, path=()):
    """Every string of a data structure, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_texts(item, (*path, index))


def check_plain_text(data, file: str, lines: dict, problems: Collector) -> None:
    for path, text in _walk_texts(data):
        if _HTML.search(text):
            problems.add(
                N_("HTML and scripts are not allowed in %(where)s: write plain text."),
                file,
                line_of(lines, path),
                where=".".join(map(str, path)),
            )


def check_languages(
    data, languages: list[str], file: str, lines: dict, problems: Collector, path=()
) -> None:
    """Every {ro: .., en: ..} text must hold exactly the course's languages."""
    wanted = set(languages)
    if isinstance(data, dict):
        keys = set(data)
        if (
            keys
            and keys <= {"ro", "en", "hu"}
            and all(isinstance(v, (str, list)) for v in data.values())
        ):
            for language in sorted(wanted - keys):
                problems.add(
                    N_("%(where)s has no text in %(language)s."),
                    file,
                    line_of(lines, path),
                    where=".".join(map(str, path)) or "(top)",
                    language=language,
                )
            for language in sorted(keys - wanted):
                problems.add(
                    N_(
                        "%(where)s has a text in %(language)s, which the course does not "
                        "declare in languages."
                    ),
                    file,
                    line_of(lines, path),
                    where=".".join(map(str, path)),
                    language=language,
                )
            return
        for key, value in data.items():
            check_languages(value, languages, file, lines, problems, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_languages(value, languages, file, lines, problems, (*path, index))
