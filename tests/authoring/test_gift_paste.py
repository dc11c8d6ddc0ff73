"""GIFT pasted into a YAML quiz: one text per language, the same questions in the same order,
merged into multilingual questions; Moodle's own files convert, what we cannot map is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearn.accounts.models import Role
from elearn.authoring import quizzes, services
from elearn.authoring.models import Draft
from elearn.content.schema import QuizFile
from elearn.extensions import db
from tests.conftest import conformance_dir, page_text, sign_in

LANGS = ["ro", "en"]
ORIGINAL = Path(__file__).resolve().parents[1] / "data/packages/valid/quizzes/module-check.yaml"
RO = """::tf1::Traficul poate avea loc într-o singură țară.{T}

::mc1::Care număr este pentru urgențe?{=112#Corect. ~119#Acesta este pentru copii. ~999#Nu.}
"""
EN = """::tf1::Trafficking can happen inside one country.{T}

::mc1::Which number is for emergencies?{=112#Right. ~119#That is for children. ~999#No.}
"""


def moodle(name: str) -> str:
    return (conformance_dir() / "gift" / name).read_text(encoding="utf-8")


def test_two_languages_merge_into_multilingual_questions(app):
    with app.test_request_context():
        questions, notes = quizzes.convert_gift({"ro": RO, "en": EN}, LANGS, taken={"tf1"})
    assert notes == []
    assert [q["id"] for q in questions] == ["tf1-2", "mc1"]  # tf1 is taken in the quiz
    assert questions[1] == {
        "id": "mc1",
        "type": "single",
        "prompt": {
            "ro": "Care număr este pentru urgențe?",
            "en": "Which number is for emergencies?",
        },
        "options": [
            {
                "id": "o1",
                "text": {"ro": "112", "en": "112"},
                "correct": True,
                "feedback": {"ro": "Corect.", "en": "Right."},
            },
            {
                "id": "o2",
                "text": {"ro": "119", "en": "119"},
                "feedback": {"ro": "Acesta este pentru copii.", "en": "That is for children."},
            },
            {
                "id": "o3",
                "text": {"ro": "999", "en": "999"},
                "feedback": {"ro": "Nu.", "en": "No."},
            },
        ],
    }


@pytest.mark.parametrize(
    ("english", "message"),
    [
        (EN.split("\n\n")[0], "The English text has 1 questions that can be imported"),
        (EN.replace("{T}", "{=yes ~no}"), "Question 1 (line 1 of the English text) is of another"),
        (EN.replace(" ~999#No.", ""), "Question 2 (line 3 of the English text) has 2 answers"),
        (EN.replace("{T}", "{F}"), "Question 1 (line 1 of the English text) has other right"),
        ("", "Paste the questions in English too."),
        ("::e::Write an essay.{}", "No question in the English text could be imported."),
    ],
)
def test_texts_that_are_not_the_same_questions_are_refused_by_language_and_number(
    app, english, message
):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(quizzes.GiftMismatch) as refused:
            quizzes.convert_gift({"ro": RO, "en": english}, LANGS)
        assert message in " ".join(str(m) for m in refused.value.messages)


def test_moodles_examples_convert_completely_and_the_quiz_still_loads(app, draft_id):
    text = moodle("moodle-examples.gift")
    with app.test_request_context():
        questions, notes = quizzes.convert_gift({"ro": text, "en": text}, LANGS)
        draft = db.session.get(Draft, draft_id)
        settings = quizzes.find_quiz(services.load_draft(draft), "module-check")
        package = quizzes.append_questions(draft, settings, questions, by_id=None)
        quiz = next(q for q in package.quizzes if q.settings.id == "module-check")
        assert len(quiz.questions) == 8 + 43
    assert len(questions) == 43
    QuizFile.model_validate({"questions": questions})
    assert {q["type"] for q in questions} == {
        "single",
        "multiple",
        "true_false",
        "short_text",
        "matching",
        "numeric",
    }
    assert len({q["id"] for q in questions}) == 43
    assert {(lang, note.line) for lang, note in notes} == {("ro", 123), ("en", 123)}


def test_moodles_fixture_converts_what_it_can_and_names_the_rest(app):
    text = moodle("moodle-fixture-questions.gift")
    with app.test_request_context():
        questions, notes = quizzes.convert_gift({"ro": text, "en": text}, LANGS)
        lines = {note.line: note.text() for lang, note in notes if lang == "en"}
    assert len(questions) == 8
    assert "Essay questions" in lines[2] and "wildcard" in lines[34]
    assert not any("<" in str(q["prompt"]) for q in questions)  # [html] comes out as plain text


def test_pasted_questions_are_added_to_the_end_of_the_quiz(
    app, client, make, course_setup, draft_id
):
    english = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )
    sign_in(client, english)
    url = f"/manage/drafts/{draft_id}/quizzes/module-check/paste-gift"
    assert client.get(url).status_code == 200
    text = moodle("moodle-fixture-questions.gift")
    response = client.post(url, data={"gift_ro": text, "gift_en": text})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "8 questions were added to the quiz." in page_text(page)
    assert "English, line 2: Essay questions" in page_text(page)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = quizzes.find_quiz(services.load_draft(draft), "module-check")
        ids = [q["id"] for q in quizzes.yaml_questions(draft, settings)]
        text = services.read_text(draft, "quizzes/module-check.yaml")
    assert len(ids) == 16 and ids[0] == "single-q"
    assert text.startswith(ORIGINAL.read_text(encoding="utf-8"))  # appended, nothing else moved


def test_a_mismatch_keeps_both_texts_and_says_what_differs(
    app, client, make, course_setup, draft_id
):
    editor = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )
    sign_in(client, editor)
    url = f"/manage/drafts/{draft_id}/quizzes/module-check/paste-gift"
    response = client.post(url, data={"gift_ro": RO, "gift_en": EN.replace("{T}", "{F}")})
    assert response.status_code == 400
    assert "has other right answers or credits than in Romanian" in page_text(response)
    html = response.get_data(as_text=True)
    assert "Traficul poate avea loc" in html and "inside one country.{F}" in html
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = quizzes.find_quiz(services.load_draft(draft), "module-check")
        assert len(quizzes.yaml_questions(draft, settings)) == 8
