"""The review's diff: each text in its language, the rest as structure (pure units)."""

from __future__ import annotations

from elearn.authoring.diff import (
    GAP,
    MINUS,
    PLUS,
    SAME,
    changed_languages,
    diff_packages,
    flatten,
    html_text,
    line_diff,
)
from tests.content.helpers import edit, load_once, valid_files

QUIZ = "quizzes/module-check.yaml"


def base():
    return load_once(valid_files())


def changed(*edits):
    files = valid_files()
    for path, old, new in edits:
        files = edit(files, path, old, new)
    return load_once(files)


def test_the_same_package_has_no_change():
    diff = diff_packages(base(), base())
    assert diff.empty and diff.changed_languages == []


def test_a_changed_romanian_lesson_changes_only_romanian():
    after = changed(("lessons/welcome.ro.md", "# Despre curs", "# Despre acest curs"))
    diff = diff_packages(base(), after)
    assert diff.changed_languages == ["ro"]
    assert diff.by_language["en"] == [] and diff.structure == []
    [item] = diff.by_language["ro"]
    assert (item.area, item.subject, item.field, item.change) == (
        "lesson",
        "welcome",
        "text",
        "changed",
    )
    assert [(line.op, line.text) for line in item.lines[:2]] == [
        (MINUS, "## Despre curs"),
        (PLUS, "## Despre acest curs"),
    ]


def test_a_changed_option_text_in_english_changes_only_english():
    after = changed((QUIZ, "text: {ro: DGASPC, en: The DGASPC}", "text: {ro: DGASPC, en: DGASPC}"))
    diff = diff_packages(base(), after)
    assert diff.changed_languages == ["en"]
    [item] = diff.by_language["en"]
    assert item.area == "question" and item.subject == "module-check/single-q"
    assert item.field == "options[dgaspc].text"
    assert (item.before, item.after) == ("The DGASPC", "DGASPC")


def test_which_option_is_correct_is_structure_not_a_language():
    after = changed(
        (
            QUIZ,
            '      - {id: n999, text: {ro: "999", en: "999"}}',
            '      - {id: n999, text: {ro: "999", en: "999"}, correct: true}',
        )
    )
    diff = diff_packages(base(), after)
    assert diff.changed_languages == []
    [item] = diff.structure
    assert item.field == "options[n999].correct" and item.after == "true"


def test_a_quiz_setting_and_a_module_title_are_placed_where_they_belong():
    after = changed(
        ("course.yaml", "pass_mark: 70", "pass_mark: 75"),
        ("course.yaml", "en: First module", "en: The first module"),
    )
    diff = diff_packages(base(), after)
    assert diff.changed_languages == ["en"]
    [title] = diff.by_language["en"]
    assert (title.area, title.subject, title.field) == ("module", "first", "title")
    [setting] = diff.structure
    assert (setting.area, setting.subject, setting.field) == ("quiz", "module-check", "pass_mark")


def test_a_gift_question_changed_in_one_language():
    after = changed(("quizzes/final.ro.gift", "Care număr este", "Ce număr este"))
    diff = diff_packages(base(), after)
    assert diff.changed_languages == ["ro"]
    [item] = diff.by_language["ro"]
    assert (item.area, item.subject, item.field) == ("question", "final/mc1", "prompt")


def test_a_new_lesson_is_added_in_every_language_and_in_the_structure():
    files = edit(
        valid_files(),
        "course.yaml",
        "      - id: closing\n",
        "      - id: extra\n        duration: 3\n      - id: closing\n",
    )
    files["lessons/extra.ro.md"] = b"---\ntitle: Extra\nobjectives: [Ceva]\n---\nText nou.\n"
    files["lessons/extra.en.md"] = b"---\ntitle: Extra\nobjectives: [Something]\n---\nNew text.\n"
    diff = diff_packages(base(), load_once(files))
    assert diff.changed_languages == ["ro", "en"]
    assert any(
        i.area == "lesson" and i.subject == "extra" and i.change == "added" for i in diff.structure
    )
    texts = [i for i in diff.by_language["en"] if i.subject == "extra" and i.field == "text"]
    assert texts[0].change == "added" and texts[0].lines[0].op == PLUS


def test_a_transcript_is_a_text_of_its_language():
    after = changed(("media/talk.en.md", "what the speaker says", "what the speaker said"))
    diff = diff_packages(base(), after)
    assert "en" in diff.changed_languages and "ro" not in diff.changed_languages
    assert any(
        item.area == "file" and item.subject == "media/talk.en.md"
        for item in diff.by_language["en"]
    )


def test_without_an_earlier_version_everything_is_new():
    diff = diff_packages(None, base())
    assert changed_languages(None, base()) == ["ro", "en"]
    assert {item.change for item in diff.structure} == {"added"}


def test_flatten_puts_texts_under_their_language_and_file_paths_in_the_structure():
    flat = flatten(
        {
            "prompt": {"ro": "Da?", "en": "Yes?"},
            "options": [{"id": "a", "text": {"ro": "A", "en": "A"}, "correct": True}],
            "file": {"ro": "q.ro.gift", "en": "q.en.gift"},
        },
        {"ro", "en"},
    )
    assert flat[("ro", "prompt")] == "Da?"
    assert flat[(None, "options[a].correct")] == "true"
    assert flat[(None, "file.en")] == "q.en.gift"
    assert (None, "options[a].id") not in flat


def test_lesson_html_reads_as_lines_of_text():
    html = (
        '<h2>Title</h2><p>See <a href="/courses/c/lessons/next">the next</a> and '
        '<a href="tel:112"><strong>112</strong></a>.</p>'
        "<ul><li>one</li><li>two</li></ul>"
        '<p><img src="/media/' + "a" * 64 + '/photo.jpg" alt="A room"></p>'
    )
    assert (
        html_text(html)
        == "## Title\nSee [the next](next) and 112.\n• one\n• two\n![A room](photo.jpg)\n"
    )


def test_long_unchanged_stretches_are_left_out():
    before = "\n".join(f"line {n}" for n in range(20)) + "\n"
    after = before.replace("line 10", "line ten")
    ops = [line.op for line in line_diff(before, after)]
    assert ops == [GAP, SAME, SAME, MINUS, PLUS, SAME, SAME, GAP]
