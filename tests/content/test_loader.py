"""The loader accepts a valid package and names every problem of a broken one, by file and line."""

from __future__ import annotations

import pytest

from elearn.content.problems import PackageError
from tests.content.helpers import edit, load, valid_files


def problems_of(files) -> list[tuple[str, int | None, str]]:
    with pytest.raises(PackageError) as error:
        load(files)
    return [(p.file, p.line, p.text()) for p in error.value.problems]


def test_the_valid_package_loads_with_every_part():
    package = load(valid_files())
    assert package.manifest.id == "test-course"
    assert [lesson.id for lesson in package.lessons] == ["welcome", "media-lesson", "closing"]
    assert [quiz.settings.id for quiz in package.quizzes] == ["module-check", "final"]
    types = {q["type"] for q in package.quizzes[0].questions}
    assert types == {
        "single",
        "multiple",
        "true_false",
        "matching",
        "ordering",
        "short_text",
        "numeric",
        "scenario",
    }
    assert package.quizzes[0].module_id == "first"
    assert package.quizzes[1].module_id is None
    assert package.warnings == []


def test_lessons_are_rendered_once_to_safe_html_with_contacts_and_links():
    package = load(valid_files())
    html = package.lessons[0].texts["ro"].html
    assert '<a href="tel:0800800678"><strong>0800 800 678</strong></a>' in html
    assert 'href="/courses/test-course/lessons/media-lesson"' in html
    assert "<h2>Despre curs</h2>" in html  # the page's h1 is the lesson title
    media = package.lessons[1].texts["en"].html
    assert 'alt="An empty classroom"' in media
    assert "<audio controls" in media and "<summary>Transcript</summary>" in media
    assert '<track kind="captions"' in media and 'srclang="ro"' in media
    assert 'handout.pdf">Worksheet</a>' in media
    assert 'href="https://anitp.mai.gov.ro"' in media


def test_image_metadata_is_stripped_on_import():
    original = valid_files()
    assert b"GPS" in original["media/photo.jpg"] and b"GPS" in original["media/diagram.png"]
    package = load(original)
    assert b"GPS" not in package.files["media/photo.jpg"]
    assert b"GPS" not in package.files["media/diagram.png"]
    assert package.files["media/photo.jpg"].startswith(b"\xff\xd8")
    assert package.files["media/photo.jpg"].endswith(b"\xff\xd9")


def test_the_same_files_give_the_same_hash_and_any_change_another():
    first, second = load(valid_files()), load(valid_files())
    assert first.content_hash == second.content_hash
    changed = load(edit(valid_files(), "lessons/closing.en.md", "Thank you.", "Thanks."))
    assert changed.content_hash != first.content_hash
    assert changed.lessons[2].content_hash != first.lessons[2].content_hash
    assert changed.lessons[0].content_hash == first.lessons[0].content_hash


BROKEN = [
    # (file, old, new, expected file, expected line, words in the message)
    (
        "course.yaml",
        "    quiz: module-check",
        "    quiz: no-such-quiz",
        "course.yaml",
        34,
        "names the quiz 'no-such-quiz'",
    ),
    (
        "course.yaml",
        "audiences: [teacher, school_counsellor]",
        "audiences: [teacher, astronaut]",
        "course.yaml",
        12,
        "Unknown audience 'astronaut'",
    ),
    (
        "course.yaml",
        "      - id: closing\n",
        "      - id: welcome\n",
        "course.yaml",
        40,
        "lesson id 'welcome' is used twice",
    ),
    ("course.yaml", "  en: Test course\n", "", "course.yaml", 6, "title has no text in en"),
    (
        "course.yaml",
        "  en: Test course\n",
        "  en: Test course\n  hu: Teszt\n",
        "course.yaml",
        6,
        "which the course does not declare",
    ),
    ("course.yaml", 'version: "1.0.0"', "version: 1.0", "course.yaml", 4, "must be text"),
    (
        "course.yaml",
        "licence: CC-BY-SA-4.0",
        "licence: CC-BY-SA-4.0\nlicense: typo",
        "course.yaml",
        17,
        "is not a field of the format",
    ),
    (
        "course.yaml",
        "  ro: Curs de test",
        "  ro: <script>alert(1)</script>",
        "course.yaml",
        7,
        "HTML and scripts are not allowed",
    ),
    ("course.yaml", "    draw: 3", "    draw: 30", "course.yaml", 64, "draws 30 questions"),
    (
        "course.yaml",
        "      ro: O sală de clasă goală\n",
        "",
        "course.yaml",
        76,
        "media.0.alt has no text in ro",
    ),
    (
        "course.yaml",
        "      ro: media/clip.ro.vtt\n",
        "",
        "course.yaml",
        92,
        "media.4.captions has no text in ro",
    ),
    (
        "course.yaml",
        "prerequisites: [core-course]",
        "prerequisites: [test-course]",
        "course.yaml",
        23,
        "its own prerequisite",
    ),
    (
        "quizzes/module-check.yaml",
        "    type: single",
        "    type: essay",
        "quizzes/module-check.yaml",
        2,
        "unknown question type",
    ),
    (
        "quizzes/module-check.yaml",
        "        feedback: {ro: Greșit., en: Wrong.}",
        "        feedback: {ro: Greșit., en: Wrong.}\n        correct: true",
        "quizzes/module-check.yaml",
        2,
        "exactly one correct option",
    ),
    (
        "quizzes/module-check.yaml",
        "            next: second\n            credit: 1",
        "            next: nowhere\n            credit: 1",
        "quizzes/module-check.yaml",
        61,
        "leads to 'nowhere'",
    ),
    (
        "quizzes/module-check.yaml",
        "  - id: multiple-q",
        "  - id: single-q",
        "quizzes/module-check.yaml",
        19,
        "question id 'single-q' is used twice",
    ),
    (
        "quizzes/module-check.yaml",
        "      ro: Legea 272/2004 cere sesizarea DGASPC.\n",
        "",
        "quizzes/module-check.yaml",
        16,
        "questions.0.feedback has no text in ro",
    ),
    (
        "lessons/welcome.ro.md",
        "{{contact:emergency}}",
        "{{contact:nosuch}}",
        "lessons/welcome.ro.md",
        9,
        "Unknown contact 'nosuch'",
    ),
    (
        "lessons/welcome.en.md",
        "(lesson:media-lesson)",
        "(lesson:missing-lesson)",
        "lessons/welcome.en.md",
        12,
        "leads nowhere",
    ),
    (
        "lessons/welcome.en.md",
        "(lesson:media-lesson)",
        "(ftp://example.org/file)",
        "lessons/welcome.en.md",
        12,
        "is not allowed",
    ),
    (
        "lessons/media-lesson.en.md",
        "![](media/photo.jpg)",
        "![](media/other.png)",
        "lessons/media-lesson.en.md",
        6,
        "not declared under media",
    ),
    (
        "lessons/closing.ro.md",
        "title: Closing ro",
        "titel: Closing ro",
        "lessons/closing.ro.md",
        2,
        "not a field of the format",
    ),
    (
        "lessons/closing.ro.md",
        "title: Closing ro",
        "title: <b>Closing</b>",
        "lessons/closing.ro.md",
        2,
        "HTML and scripts are not allowed",
    ),
    (
        "quizzes/final.ro.gift",
        "{=112#Corect. ~119",
        "{~112#Corect. =119",
        "quizzes/final.en.gift",
        6,
        "differs from quizzes/final.ro.gift",
    ),
]


@pytest.mark.parametrize(
    ("path", "old", "new", "file", "line", "words"), BROKEN, ids=[case[-1] for case in BROKEN]
)
def test_each_problem_is_reported_with_its_file_and_line(path, old, new, file, line, words):
    found = problems_of(edit(valid_files(), path, old, new))
    matching = [(f, n, text) for f, n, text in found if words in text]
    assert matching, found
    assert (matching[0][0], matching[0][1]) == (file, line), found


def test_missing_files_are_reported():
    files = valid_files()
    del files["lessons/closing.en.md"]
    del files["media/handout.pdf"]
    messages = [text for _, _, text in problems_of(files)]
    assert any("lessons/closing.en.md is missing" in m for m in messages)
    assert any(
        "media/handout.pdf is declared under media but is not in the package" in m for m in messages
    )


def test_all_problems_are_reported_at_once():
    files = edit(valid_files(), "lessons/welcome.ro.md", "{{contact:emergency}}", "{{contact:x}}")
    files = edit(files, "lessons/welcome.en.md", "(lesson:media-lesson)", "(lesson:nope)")
    files = edit(files, "quizzes/module-check.yaml", "    answer: false", "    answer: maybe")
    assert len(problems_of(files)) >= 3


def test_an_unused_file_is_refused():
    files = {**valid_files(), "notes.txt": b"private notes"}
    assert any("notes.txt is not used" in text for _, _, text in problems_of(files))


def test_a_file_that_lies_about_its_type_is_refused():
    files = {**valid_files(), "media/diagram.png": b"<html><script>alert(1)</script></html>"}
    assert any("is not really a .png file" in text for _, _, text in problems_of(files))


def test_a_package_without_a_manifest():
    assert problems_of({"lessons/a.ro.md": b"x"})[0][2].startswith("The package has no course.yaml")


def test_raw_html_in_markdown_is_escaped_not_rendered():
    files = edit(
        valid_files(),
        "lessons/closing.en.md",
        "Thank you.",
        'Thank you. <script>alert("x")</script> <img src=x onerror=alert(1)>',
    )
    html = load(files).lessons[2].texts["en"].html
    assert (
        "<script" not in html
        and "<img src=x" not in html
        and "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    )
    assert "&lt;script&gt;" in html


def test_the_published_json_schema_is_up_to_date():
    """docs/course-manifest.schema.json is what editors validate with: keep it in step."""
    import json
    from pathlib import Path

    from elearn.content.schema import Manifest

    published = Path(__file__).resolve().parents[2] / "docs" / "course-manifest.schema.json"
    assert json.loads(published.read_text()) == Manifest.model_json_schema(), (
        "run: elearn courses schema -o docs/course-manifest.schema.json"
    )


def test_the_documented_manifest_is_the_test_packages_manifest():
    """docs/content-packages.md shows the valid test package's course.yaml, with comments."""
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    text = (root / "docs" / "content-packages.md").read_text(encoding="utf-8")
    documented = re.search(r"```yaml\n(format: 1.*?)```", text, re.S).group(1)
    package = (root / "tests" / "data" / "packages" / "valid" / "course.yaml").read_text("utf-8")
    assert yaml.safe_load(documented) == yaml.safe_load(package)
