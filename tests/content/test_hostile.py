"""Hostile packages are refused with a message naming the file, before anything is parsed."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from elearn.content.problems import Collector, PackageError
from elearn.content.source import Limits, read_folder
from elearn.content.yamlfile import load_yaml
from tests.content.helpers import load, read_zip_bytes, valid_files, zip_of


def refused(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(PackageError) as error:
        read_zip_bytes(data, **kwargs)
    return [f"{p.location()} {p.text()}" for p in error.value.problems]


@pytest.mark.parametrize(
    "name",
    ["../evil.md", "lessons/../../evil.md", "/etc/passwd.md", "C:/evil.md", "lessons\\..\\evil.md"],
)
def test_paths_that_escape_the_package_are_refused(name):
    messages = refused(zip_of({**valid_files(), name: b"x"}))
    assert any("evil" in m or "passwd" in m for m in messages), messages


def test_symbolic_links_in_a_zip_are_refused():
    messages = refused(
        zip_of({**valid_files(), "lessons/link.md": b"/etc/passwd"}, symlinks=("lessons/link.md",))
    )
    assert any("lessons/link.md is a symbolic link" in m for m in messages)


def test_symbolic_links_in_a_folder_are_refused(tmp_path):
    for path, data in valid_files().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    os.symlink("/etc/passwd", tmp_path / "lessons" / "stolen.md")
    with pytest.raises(PackageError) as error:
        read_folder(tmp_path)
    assert "lessons/stolen.md is a symbolic link" in error.value.problems[0].text()


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    bomb = zip_of({**valid_files(), "media/bomb.pdf": b"%PDF-" + b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert any("compressed suspiciously well" in m for m in refused(bomb))


def test_too_many_files_or_bytes_are_refused():
    many = {f"lessons/n{i}.md": b"x" for i in range(50)}
    assert any("has 50 files" in m for m in refused(zip_of(many), limits=Limits(max_files=20)))
    big = zip_of({"media/a.pdf": os.urandom(3000), "media/b.pdf": os.urandom(3000)})
    assert any("unpacks to" in m for m in refused(big, limits=Limits(max_total_bytes=5000)))


def test_an_oversized_file_is_refused():
    messages = refused(zip_of({"lessons/a.en.md": b"x" * 2000}), limits=Limits(max_text_bytes=1000))
    assert any("lessons/a.en.md is too large" in m for m in messages)


@pytest.mark.parametrize(
    "name",
    ["media/evil.svg", "media/run.exe", "lessons/page.html", "scripts/x.js", "media/noextension"],
)
def test_file_types_off_the_allowlist_are_refused(name):
    messages = refused(zip_of({**valid_files(), name: b"<svg onload=alert(1)>"}))
    assert any("are not allowed in a package" in m for m in messages)


def test_a_zip_lying_about_its_sizes_is_refused():
    data = bytearray(zip_of({"course.yaml": b"format: 1\n" * 50}))
    # Lower the declared size in the central directory: the content is longer than it says.
    position = data.rfind(b"PK\x01\x02")
    size_at = position + 24
    data[size_at : size_at + 4] = (10).to_bytes(4, "little")
    with pytest.raises((PackageError, zipfile.BadZipFile)):
        read_zip_bytes(bytes(data))


def test_something_that_is_not_a_zip():
    assert any("not a zip archive" in m for m in refused(b"this is not a zip"))


def test_a_zip_of_a_folder_is_read_from_inside_the_folder():
    package = read_zip_bytes(zip_of({f"my-course/{k}": v for k, v in valid_files().items()}))
    assert "course.yaml" in package.files
    assert load(package.files).manifest.id == "test-course"


# YAML that is not plain data.

YAML_CASES = {
    "alias": ("a: &x [1, 2]\nb: *x\n", "anchors"),
    "billion laughs": ('a: &a ["lol"]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n', "anchors"),
    "python tag": ("a: !!python/object/apply:os.system ['echo hi']\n", "tags"),
    "binary tag": ("a: !!binary aGVsbG8=\n", "tags"),
    "custom tag": ("a: !secret value\n", "tags"),
    "duplicate key": ("title: one\nsummary: s\ntitle: two\n", "appears twice"),
    "broken": ("a: [1, 2\nb: c\n", "not valid YAML"),
}


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_yaml_that_is_not_plain_data_is_refused(case):
    text, words = YAML_CASES[case]
    problems = Collector()
    data, _ = load_yaml(text, "course.yaml", problems)
    assert data is None
    assert problems.problems and words in problems.problems[0].text(), problems.problems
    assert problems.problems[0].line is not None


def test_yaml_surprises_are_caught_by_the_schema():
    files = dict(valid_files())
    files["course.yaml"] = files["course.yaml"].replace(b'version: "1.0.0"', b"version: 1.10")
    with pytest.raises(PackageError) as error:
        load(files)
    assert "version must be text" in error.value.problems[0].text()


def test_a_lesson_that_is_not_utf8_is_refused():
    files = {**valid_files(), "lessons/closing.en.md": "---\ntitle: Ș\n".encode("utf-16")}
    with pytest.raises(PackageError) as error:
        load(files)
    assert any("not UTF-8" in p.text() for p in error.value.problems)


def test_reading_never_writes_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    read_zip_bytes(zip_of(valid_files()))
    assert list(tmp_path.iterdir()) == []
    assert io


def test_a_zip_claiming_a_version_we_cannot_read_is_a_damaged_package():
    """Found by the fuzz test: a damaged central directory claiming zip version 6.4."""
    import pytest

    from elearn.content.problems import PackageError
    from tests.content.helpers import read_zip_bytes, valid_files, zip_of

    data = bytearray(zip_of(valid_files()))
    # The "version needed to extract" field of a central-directory entry (it sat at byte 4999
    # when the fuzzer found it; the test packages' media have grown since).
    entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02"))
    data[entry + 6] = ord("@")
    with pytest.raises(PackageError, match="not a zip archive, or it is damaged"):
        read_zip_bytes(bytes(data))
