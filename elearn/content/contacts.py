"""The directory of help numbers and institutions that lessons refer to by key."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints

from elearn.content.problems import Collector, PackageError
from elearn.content.schema import LangText, Model
from elearn.content.yamlfile import load_yaml

DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "contacts.yaml"


class Contact(Model):
    name: LangText
    use: LangText
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9 ]{3,20}$")] | None = None
    website: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    source: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    source_date: date | None = None


class Directory(Model):
    checked: date
    contacts: Annotated[dict[str, Contact], Field(min_length=1)]


def load_directory(path: Path | None = None) -> tuple[Directory, str]:
    """The directory and a fingerprint of it (lessons store which one they were rendered with)."""
    return _load(Path(path or DIRECTORY))


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[Directory, str]:
    raw = path.read_bytes()
    problems = Collector()
    data, _ = load_yaml(raw.decode("utf-8"), Path(path).name, problems)
    problems.raise_if_any()
    try:
        directory = Directory.model_validate(data)
    except Exception as error:  # a broken directory is a bug in the platform itself
        raise PackageError([]) from error
    return directory, hashlib.sha256(raw).hexdigest()[:16]
