"""The course's settings in course.yaml: titles and summaries, audiences, prerequisites,
completion rules, certificate and the date the facts were checked.

``settings_text`` changes only the fields whose value changed, so that saving the settings
page unchanged changes nothing, and changing one title changes one line. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ruamel.yaml.comments import CommentedMap

from elearn.authoring import yamledit
from elearn.authoring.structure_yaml import replace_list, set_key, set_scalar, set_texts
from elearn.content.schema import Manifest

DEFAULT_SHARE = 0.5  # completion.min_lesson_time_share when course.yaml leaves it out


@dataclass
class CertificateSettings:
    design: str  # standard | formal
    hours: float
    validity_months: int | None
    signatory: str


@dataclass
class Settings:
    """What the settings page edits; the rest of course.yaml is left as it is."""

    titles: dict[str, str]
    summaries: dict[str, str]
    audiences: list[str]
    prerequisites: list[str] = field(default_factory=list)
    sequential: bool = False
    lesson_done: str = "button"
    min_lesson_time_share: float = DEFAULT_SHARE
    certificate: CertificateSettings | None = None
    facts_checked: date | None = None


def read_settings(manifest: Manifest) -> Settings:
    certificate = manifest.certificate
    return Settings(
        titles=dict(manifest.title),
        summaries=dict(manifest.summary),
        audiences=list(manifest.audiences),
        prerequisites=list(manifest.prerequisites),
        sequential=manifest.completion.sequential,
        lesson_done=manifest.completion.lesson_done,
        min_lesson_time_share=manifest.completion.min_lesson_time_share,
        certificate=CertificateSettings(
            certificate.design,
            certificate.hours,
            certificate.validity_months,
            certificate.signatory,
        )
        if certificate
        else None,
        facts_checked=manifest.facts_checked,
    )


def _number(value: float):
    """2.0 is written as 2, as a person would."""
    return int(value) if float(value).is_integer() else float(value)


def settings_text(text: str, settings: Settings) -> str:
    """course.yaml with ``settings`` applied; untouched fields keep their lines."""

    def change(data: CommentedMap) -> None:
        set_texts(data, "title", settings.titles)
        set_texts(data, "summary", settings.summaries)
        replace_list(data, "audiences", settings.audiences)
        if settings.prerequisites:
            replace_list(data, "prerequisites", settings.prerequisites)
        elif "prerequisites" in data:
            del data["prerequisites"]
        if settings.facts_checked is None:
            data.pop("facts_checked", None)
        elif data.get("facts_checked") != settings.facts_checked:
            set_key(data, "facts_checked", settings.facts_checked)
        _completion(data, settings)
        _certificate(data, settings.certificate)

    return yamledit.edit(text, change)


def _completion(data: CommentedMap, settings: Settings) -> None:
    completion = data.get("completion")
    if completion is None:
        wanted = {}
        if settings.sequential:
            wanted["sequential"] = True
        if settings.lesson_done != "button":
            wanted["lesson_done"] = settings.lesson_done
        if settings.min_lesson_time_share != DEFAULT_SHARE:
            wanted["min_lesson_time_share"] = _number(settings.min_lesson_time_share)
        if wanted:
            set_key(data, "completion", yamledit.to_yaml(wanted))
        return
    set_scalar(completion, "sequential", settings.sequential, default=False)
    set_scalar(completion, "lesson_done", settings.lesson_done, default="button")
    share = settings.min_lesson_time_share
    if float(completion.get("min_lesson_time_share", DEFAULT_SHARE)) != share:
        completion["min_lesson_time_share"] = _number(share)


def _certificate(data: CommentedMap, wanted: CertificateSettings | None) -> None:
    current = data.get("certificate")
    if wanted is None:
        if current is not None:
            del data["certificate"]
        return
    if current is None:
        values = {"hours": _number(wanted.hours)}
        if wanted.validity_months:
            values["validity_months"] = wanted.validity_months
        values["signatory"] = wanted.signatory
        if wanted.design != "standard":
            values["design"] = wanted.design
        set_key(data, "certificate", yamledit.to_yaml(values))
        return
    if float(current.get("hours", 0)) != float(wanted.hours):
        current["hours"] = _number(wanted.hours)
    set_scalar(current, "validity_months", wanted.validity_months)
    set_scalar(current, "signatory", wanted.signatory)
    set_scalar(current, "design", wanted.design, default="standard")
