"""Quiz services: questions from forms into the quiz's YAML (its lines only, ids kept),
settings into course.yaml, new quizzes, GIFT quizzes saved as text."""

from __future__ import annotations

import difflib

import pytest

from elearn.authoring import quizzes, services
from elearn.authoring.models import Draft, DraftStatus
from elearn.authoring.quiz_data import form_data, propose_id, question_from_form
from elearn.content.problems import PackageError
from elearn.errors import DomainError
from elearn.extensions import db

QUIZ_FILE = "quizzes/module-check.yaml"
LANGS = ["ro", "en"]


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _quiz(draft, quiz_id="module-check"):
    return quizzes.find_quiz(services.load_draft(draft), quiz_id)


def test_every_question_type_round_trips_through_its_form_unchanged(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        before = services.read_text(draft, QUIZ_FILE)
        questions = quizzes.yaml_questions(draft, settings)
        assert {q["type"] for q in questions} == {
            "single",
            "multiple",
            "true_false",
            "matching",
            "ordering",
            "short_text",
            "numeric",
            "scenario",
        }
        revision = draft.revision
        for question in questions:
            data = form_data(question, LANGS)
            back = question_from_form(question["type"], data, LANGS, question_id=question["id"])
            assert back == question
            quizzes.save_question(draft, settings, back, by_id=None, replaces=question["id"])
        # Saving every question as it was changes nothing at all.
        assert services.read_text(draft, QUIZ_FILE) == before
        assert draft.revision == revision


def test_editing_an_options_feedback_changes_only_that_line_and_keeps_ids(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        before = services.read_text(draft, QUIZ_FILE)
        question = quizzes.yaml_questions(draft, settings)[0]
        data = form_data(question, LANGS)
        data["options"][1]["feedback_en"] = "Wrong: the law names the DGASPC."
        edited = question_from_form("single", data, LANGS, question_id="single-q")
        package = quizzes.save_question(draft, settings, edited, by_id=None, replaces="single-q")
        after = services.read_text(draft, QUIZ_FILE)
        assert _changed_lines(before, after) == [
            "-        feedback: {ro: Greșit., en: Wrong.}",
            "+        feedback: {ro: Greșit., en: 'Wrong: the law names the DGASPC.'}",
        ]
        quiz = next(q for q in package.quizzes if q.settings.id == "module-check")
        assert quiz.questions[0]["id"] == "single-q"
        assert [o["id"] for o in quiz.questions[0]["options"]] == ["dgaspc", "nobody"]


def test_a_removed_option_and_a_changed_scenario_choice_change_only_their_lines(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        before = services.read_text(draft, QUIZ_FILE)
        questions = {q["id"]: q for q in quizzes.yaml_questions(draft, settings)}
        data = form_data(questions["multiple-q"], LANGS)
        data["options"][2]["remove"] = True
        multiple = question_from_form("multiple", data, LANGS, question_id="multiple-q")
        quizzes.save_question(draft, settings, multiple, by_id=None, replaces="multiple-q")
        data = form_data(questions["scenario-q"], LANGS)
        data["steps"][1]["choices"][1]["credit"] = "0,25"  # a decimal comma, as typed in Romania
        scenario = question_from_form("scenario", data, LANGS, question_id="scenario-q")
        quizzes.save_question(draft, settings, scenario, by_id=None, replaces="scenario-q")
        assert _changed_lines(before, services.read_text(draft, QUIZ_FILE)) == [
            '-      - {id: n999, text: {ro: "999", en: "999"}}',
            "+            credit: 0.25",
        ]


def test_a_new_question_gets_an_id_from_its_prompt_unique_in_the_quiz(app, draft_id):
    assert propose_id("Ce faceți când un elev plânge?", set()) == "ce-faceti-cand-un-elev-plange"
    assert propose_id("Single q", {"single-q"}) == "single-q-2"
    assert propose_id("!!!", set(), "option") == "option"
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        before = services.read_text(draft, QUIZ_FILE)
        data = {
            "prompt_ro": "Numărul pentru copii?",
            "prompt_en": "The number for children?",
            "accepted_ro": [{"text": "119", "credit": ""}],
            "accepted_en": [{"text": "119", "credit": "1"}, {"text": "", "credit": ""}],
        }
        taken = {q["id"] for q in quizzes.yaml_questions(draft, settings)}
        question = question_from_form("short_text", data, LANGS, question_id=None, taken=taken)
        assert question["id"] == "numarul-pentru-copii"
        quizzes.save_question(draft, settings, question, by_id=None)
        after = services.read_text(draft, QUIZ_FILE)
        assert after.startswith(before)  # appended; nothing above it moved
        assert quizzes.yaml_questions(draft, settings)[-1] == {
            "id": "numarul-pentru-copii",
            "type": "short_text",
            "prompt": {"ro": "Numărul pentru copii?", "en": "The number for children?"},
            "accepted": {"ro": [{"text": "119"}], "en": [{"text": "119"}]},
        }


def test_moving_and_deleting_questions_touch_only_those_questions(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        quizzes.move_question(draft, settings, "numeric-q", -1, by_id=None)
        ids = [q["id"] for q in quizzes.yaml_questions(draft, settings)]
        assert ids[5:7] == ["numeric-q", "short-q"]
        before = services.read_text(draft, QUIZ_FILE)
        quizzes.delete_question(draft, settings, "tf-q", by_id=None)
        removed = _changed_lines(before, services.read_text(draft, QUIZ_FILE))
        assert all(line.startswith("-") for line in removed) and len(removed) == 6
        with pytest.raises(DomainError):
            quizzes.delete_question(draft, settings, "no-such-question", by_id=None)


def test_settings_go_into_the_quizs_entry_of_course_yaml(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        before = services.read_text(draft, "course.yaml")
        values = {
            "title": {"ro": "Verificare rapidă", "en": "Check"},
            "pass_mark": 70,
            "attempts": 0,
            "time_limit": None,
            "wait_minutes": 0,
            "draw": 5,
            "show_answers": "always",
            "duration": 10,
            "required": True,
        }
        package = quizzes.save_settings(draft, "module-check", values, by_id=None)
        assert _changed_lines(before, services.read_text(draft, "course.yaml")) == [
            "-      ro: Verificare",
            "+      ro: Verificare rapidă",
            "+    draw: 5",
        ]
        assert quizzes.find_quiz(package, "module-check").draw == 5
        # The loader refuses a pool larger than the quiz, and nothing is written.
        with pytest.raises(PackageError) as refused:
            quizzes.save_settings(draft, "module-check", {**values, "draw": 9}, by_id=None)
        assert "draws 9 questions but has only 8" in refused.value.problems[0].text()
        assert quizzes.find_quiz(services.load_draft(draft), "module-check").draw == 5


def test_a_new_quiz_gets_its_file_and_its_place(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        first = {"id": "first-question", "type": "true_false", "answer": True}
        first["prompt"] = {"ro": "Afirmație.", "en": "Statement."}
        package = quizzes.add_quiz(
            draft,
            "second-check",
            {"ro": "A doua verificare", "en": "Second check"},
            first,
            module_id="second",
            by_id=None,
        )
        quiz = next(q for q in package.quizzes if q.settings.id == "second-check")
        assert quiz.module_id == "second" and quiz.settings.file == "quizzes/second-check.yaml"
        with pytest.raises(DomainError):
            quizzes.add_quiz(
                draft, "third", {"ro": "A", "en": "B"}, first, module_id="second", by_id=None
            )


def test_a_question_someone_else_changed_meanwhile_is_refused(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        question = quizzes.yaml_questions(draft, settings)[2]
        opened = form_data(question, LANGS)
        theirs = {**question, "answer": True}
        quizzes.save_question(draft, settings, theirs, by_id=None, replaces="tf-q")
        mine = question_from_form("true_false", opened, LANGS, question_id="tf-q")
        mine["prompt"]["en"] = "Trafficking always crosses a border."
        with pytest.raises(DomainError):
            quizzes.save_question(
                draft,
                settings,
                mine,
                by_id=None,
                replaces="tf-q",
                seen_hash=opened["base_hash"],
            )
        assert quizzes.yaml_questions(draft, settings)[2]["answer"] is True


def test_a_draft_with_a_reviewer_cannot_be_changed(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft)
        draft.status = DraftStatus.IN_REVIEW
        with pytest.raises(DomainError):
            quizzes.move_question(draft, settings, "tf-q", 1, by_id=None)


def test_a_gift_quiz_is_saved_as_text_and_its_problems_name_the_line(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = _quiz(draft, "final")
        texts = quizzes.gift_texts(draft, settings)
        texts["en"] = texts["en"].replace("How many hours in a day?", "How many hours has a day?")
        package = quizzes.save_gift(
            draft, settings, texts, by_id=None, base=quizzes.gift_base(draft, settings)
        )
        final = next(q for q in package.quizzes if q.settings.id == "final")
        assert final.questions[-1]["prompt"]["en"] == "How many hours has a day?"
        broken = {**texts, "en": texts["en"].replace("{#24}", "{T}")}
        with pytest.raises(PackageError) as refused:
            quizzes.save_gift(draft, settings, broken, by_id=None)
        [problem] = refused.value.problems
        assert problem.location() == "quizzes/final.en.gift:12"
        assert "differs" in problem.text()
        # Someone else's save since the files were opened is refused.
        with pytest.raises(services.Conflict):
            quizzes.save_gift(
                draft,
                settings,
                texts,
                by_id=None,
                base={path: "0" * 64 for path in settings.file.values()},
            )
