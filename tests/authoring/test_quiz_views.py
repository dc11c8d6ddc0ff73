"""The quiz editor's pages through the real forms: a quiz's page, a single-choice question with
per-option feedback, a scenario, refusals that keep what was typed, settings, GIFT quizzes."""

from __future__ import annotations

import re

import pytest

from elearn.accounts.models import Role
from elearn.authoring import quizzes, services
from elearn.authoring.models import Draft, DraftStatus
from elearn.authoring.quiz_data import form_data
from elearn.extensions import db
from tests.conftest import page_text, sign_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def editor(make, course_setup):
    """A trainer of the course's organisation who reads the pages in English."""
    return make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )


def url(draft_id: int, rest: str = "") -> str:
    return f"/manage/drafts/{draft_id}/quizzes/module-check{rest}"


def flatten(data: dict, prefix: str = "") -> dict:
    """A form's data as the browser posts it: rows as options-0-text_ro, booleans as y."""
    flat = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, list):
            for index, row in enumerate(value):
                flat.update(flatten(row, f"{name}-{index}-"))
        elif value is True:
            flat[name] = "y"
        elif value not in (False, None):
            flat[name] = value
    return flat


def questions(app, draft_id, quiz_id="module-check") -> dict:
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        settings = quizzes.find_quiz(services.load_draft(draft), quiz_id)
        return {q["id"]: q for q in quizzes.yaml_questions(draft, settings)}


def opened(app, draft_id, question_id) -> dict:
    return form_data(questions(app, draft_id)[question_id], ["ro", "en"])


def test_the_quiz_page_lists_the_questions_and_settings(app, client, editor, draft_id):
    sign_in(client, editor)
    response = client.get(url(draft_id), headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert url(draft_id, "/questions/scenario-q") in html
    assert "Whom must you notify" not in html  # the prompt in the source language, Romanian
    assert "Cine trebuie anunțat" in html
    assert "At most the number of questions in the quiz (8)" in html
    assert client.get(url(draft_id, "/questions/no-such")).status_code == 404


def test_a_single_choice_question_is_edited_with_feedback_per_option(app, client, editor, draft_id):
    sign_in(client, editor)
    page = client.get(url(draft_id, "/questions/single-q"), headers=EN).get_data(as_text=True)
    assert 'name="options-1-feedback_en"' in page and "Greșit." in page
    data = opened(app, draft_id, "single-q")
    data["options"][1]["feedback_en"] = "No: the law names the DGASPC."
    data["options"][1]["feedback_ro"] = "Nu: legea numește DGASPC."
    data["prompt_en"] = "Whom do you notify when a child seems exploited?"
    response = client.post(url(draft_id, "/questions/single-q"), data=flatten(data))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(draft_id))
    saved = questions(app, draft_id)["single-q"]
    assert saved["options"][1]["feedback"] == {
        "ro": "Nu: legea numește DGASPC.",
        "en": "No: the law names the DGASPC.",
    }
    assert saved["prompt"]["en"] == "Whom do you notify when a child seems exploited?"
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        assert [c.user_id for c in draft.contributors] == [editor.id]


def test_a_question_is_pointed_at_the_lesson_that_teaches_it(app, client, editor, draft_id):
    sign_in(client, editor)
    page = client.get(url(draft_id, "/questions/single-q"), headers=EN).get_data(as_text=True)
    assert "The lesson that teaches it" in page
    assert '<option selected value="welcome">' in page or 'value="welcome" selected' in page
    assert 'value="media-lesson"' in page and 'value="closing"' in page
    data = {**opened(app, draft_id, "single-q"), "lesson": "media-lesson"}
    response = client.post(url(draft_id, "/questions/single-q"), data=flatten(data))
    assert response.status_code == 302
    assert questions(app, draft_id)["single-q"]["lesson"] == "media-lesson"
    data["lesson"] = "not-a-lesson"
    refused = client.post(url(draft_id, "/questions/single-q"), data=flatten(data), headers=EN)
    assert refused.status_code == 400
    assert questions(app, draft_id)["single-q"]["lesson"] == "media-lesson"


def test_a_scenario_is_edited_step_by_step(app, client, editor, draft_id):
    sign_in(client, editor)
    data = opened(app, draft_id, "scenario-q")
    # The second choice now ends the scenario, with partial credit.
    data["steps"][0]["choices"][1].update(next="", credit="0,5")
    data["steps"][0]["choices"][1]["consequence_en"] = "The pupil stops talking."
    response = client.post(url(draft_id, "/questions/scenario-q"), data=flatten(data))
    assert response.status_code == 302
    choice = questions(app, draft_id)["scenario-q"]["steps"][0]["choices"][1]
    assert choice["credit"] == 0.5 and "next" not in choice
    assert choice["consequence"]["en"] == "The pupil stops talking."


def test_adding_a_step_offers_it_as_a_next_step_without_javascript(app, client, editor, draft_id):
    sign_in(client, editor)
    data = opened(app, draft_id, "scenario-q")
    response = client.post(
        url(draft_id, "/questions/scenario-q"), data={**flatten(data), "add_step": "y"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="steps-2-choices-1-text_ro"' in html
    assert '<option value="step-3">step-3</option>' in html
    assert questions(app, draft_id)["scenario-q"]["steps"][-1]["id"] == "second"  # not saved


def test_bad_input_keeps_what_was_typed_and_names_the_field(app, client, editor, draft_id):
    sign_in(client, editor)
    data = opened(app, draft_id, "single-q")
    data["options"][1]["text_en"] = ""
    data["options"][0]["text_ro"] = "DGASPC, imediat"
    data["options"][0]["credit"] = "mult"
    response = client.post(url(draft_id, "/questions/single-q"), data=flatten(data), headers=EN)
    assert response.status_code == 400
    text = page_text(response)
    assert "Option 2, text (English): enter a text." in text
    assert "Option 1, credit: enter a number, such as 0.5." in text
    assert 'value="DGASPC, imediat"' in response.get_data(as_text=True)
    assert questions(app, draft_id)["single-q"]["options"][0]["text"]["ro"] == "DGASPC"


def test_the_validators_refusal_is_shown_translated_and_the_input_kept(
    app, client, editor, course_setup, draft_id
):
    sign_in(client, editor)
    data = opened(app, draft_id, "scenario-q")
    data["steps"][1]["choices"][0]["next"] = "first"  # round in a circle
    response = client.post(url(draft_id, "/questions/scenario-q"), data=flatten(data))
    assert response.status_code == 400
    assert "goes round in a circle" in page_text(response)
    assert '<option selected value="first">' in response.get_data(as_text=True)
    romanian = app.test_client()
    sign_in(romanian, course_setup.trainer)
    response = romanian.post(url(draft_id, "/questions/scenario-q"), data=flatten(data))
    assert "se învârte în cerc" in page_text(response)
    assert "second" not in str(questions(app, draft_id)["scenario-q"]["steps"][1]["choices"][0])


def test_a_new_question_of_a_chosen_type_is_added_with_a_proposed_id(app, client, editor, draft_id):
    sign_in(client, editor)
    chooser = client.get(url(draft_id, "/new-question"), headers=EN).get_data(as_text=True)
    assert 'value="scenario"' in chooser
    page = client.get(url(draft_id, "/new-question?type=true_false"))
    assert page.status_code == 200
    data = {
        "prompt_ro": "Copiii pot suna gratuit la 119.",
        "prompt_en": "Children can call 119 for free.",
        "answer": "true",
        "feedback_incorrect_ro": "Ba da, apelul este gratuit.",
        "feedback_incorrect_en": "They can: the call is free.",
    }
    response = client.post(url(draft_id, "/new-question?type=true_false"), data=data)
    assert response.status_code == 302
    added = list(questions(app, draft_id).values())[-1]
    assert added["id"] == "copiii-pot-suna-gratuit-la-119"
    assert added["feedback_incorrect"]["en"] == "They can: the call is free."


def test_a_draw_larger_than_the_quiz_is_refused_on_its_field(app, client, editor, draft_id):
    sign_in(client, editor)
    form = {
        "title_ro": "Verificare",
        "title_en": "Check",
        "pass_mark": "70",
        "attempts": "0",
        "wait_minutes": "0",
        "draw": "9",
        "show_answers": "always",
        "duration": "10",
        "required": "y",
    }
    response = client.post(url(draft_id, "/settings"), data=form, headers=EN)
    assert response.status_code == 400
    assert "The quiz has only 8 questions" in page_text(response)
    response = client.post(url(draft_id, "/settings"), data={**form, "draw": "5"})
    assert response.status_code == 302
    with app.app_context():
        text = services.read_text(db.session.get(Draft, draft_id), "course.yaml")
    assert "    draw: 5\n" in text


def test_a_quiz_can_be_set_to_open_after_the_lessons(app, client, editor, draft_id):
    sign_in(client, editor)
    form = {
        "title_ro": "Verificare",
        "title_en": "Check",
        "pass_mark": "70",
        "attempts": "0",
        "wait_minutes": "0",
        "show_answers": "always",
        "duration": "10",
        "required": "y",
    }
    page = client.get(url(draft_id, ""), headers=EN).get_data(as_text=True)
    assert "The quiz opens once every required lesson is complete" in page

    def manifest():
        with app.app_context():
            return services.read_text(db.session.get(Draft, draft_id), "course.yaml")

    response = client.post(url(draft_id, "/settings"), data={**form, "after_lessons": "y"})
    assert response.status_code == 302
    assert "    after_lessons: true\n" in manifest()
    response = client.post(url(draft_id, "/settings"), data=form)
    assert response.status_code == 302
    assert "    after_lessons: false\n" in manifest()


def test_a_gift_quiz_is_edited_as_text_and_a_problem_names_its_line(app, client, editor, draft_id):
    sign_in(client, editor)
    gift_url = f"/manage/drafts/{draft_id}/quizzes/final"
    page = client.get(gift_url, headers=EN).get_data(as_text=True)
    assert 'name="gift_en"' in page and "::mc1::" in page
    base = re.search(r'name="base" type="hidden" value="([^"]*)"', page).group(1)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        texts = quizzes.gift_texts(draft, quizzes.find_quiz(services.load_draft(draft), "final"))
    broken = {"gift_ro": texts["ro"], "gift_en": texts["en"].replace("{#24}", "{T}"), "base": base}
    response = client.post(f"{gift_url}/gift", data=broken, headers=EN)
    assert response.status_code == 400
    assert "quizzes/final.en.gift:12" in page_text(response)
    fixed = {**broken, "gift_en": texts["en"].replace("hours in a day", "hours has a day")}
    assert client.post(f"{gift_url}/gift", data=fixed).status_code == 302
    with app.app_context():
        text = services.read_text(db.session.get(Draft, draft_id), "quizzes/final.en.gift")
    assert "How many hours has a day?" in text


def test_moving_and_deleting_from_the_quiz_page(app, client, editor, draft_id):
    sign_in(client, editor)
    assert client.post(url(draft_id, "/questions/tf-q/move"), data={"up": "y"}).status_code == 302
    assert list(questions(app, draft_id))[1:3] == ["tf-q", "multiple-q"]
    # Without the button's own value nothing happens (a stray POST deletes nothing).
    client.post(url(draft_id, "/questions/tf-q/delete"))
    assert "tf-q" in questions(app, draft_id)
    client.post(url(draft_id, "/questions/tf-q/delete"), data={"delete": "y"})
    assert "tf-q" not in questions(app, draft_id)


def test_a_draft_with_a_reviewer_shows_why_it_cannot_change(app, client, editor, draft_id):
    with app.app_context():
        db.session.get(Draft, draft_id).status = DraftStatus.IN_REVIEW
        db.session.commit()
    sign_in(client, editor)
    data = opened(app, draft_id, "tf-q")
    data["prompt_en"] = "Changed."
    response = client.post(url(draft_id, "/questions/tf-q"), data=flatten(data), headers=EN)
    assert response.status_code == 400
    assert "This draft is with a reviewer" in page_text(response)
    assert 'value="Changed."' not in response.get_data(as_text=True)  # a textarea keeps it
    assert "Changed." in response.get_data(as_text=True)


def test_a_new_quiz_is_added_at_the_end_of_a_module(app, client, editor, draft_id):
    sign_in(client, editor)
    page = client.get(f"/manage/drafts/{draft_id}/new-quiz", headers=EN)
    assert page.status_code == 200 and 'value="second"' in page.get_data(as_text=True)
    response = client.post(
        f"/manage/drafts/{draft_id}/new-quiz",
        data={
            "quiz_id": "second-check",
            "title_ro": "A doua",
            "title_en": "Second",
            "place": "second",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/quizzes/second-check/questions/first-question")
    page = client.get(response.headers["Location"], headers=EN)
    assert page.status_code == 200
    refused = client.post(
        f"/manage/drafts/{draft_id}/new-quiz",
        data={"quiz_id": "Second Check", "title_ro": "", "title_en": "X", "place": ""},
        headers=EN,
    )
    assert refused.status_code == 400
    assert "Title (Romanian): enter a title." in page_text(refused)


def test_a_trainer_of_another_organisation_cannot_open_or_change_a_quiz(
    app, client, make, course_setup, draft_id
):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(
            name="DGASPC Cluj", kind="social_assistance", county="CJ"
        ),
    )
    sign_in(client, outsider)
    assert client.get(url(draft_id)).status_code == 403
    assert client.get(url(draft_id, "/questions/single-q")).status_code == 403
    data = opened(app, draft_id, "single-q")
    data["prompt_en"] = "Taken over."
    assert client.post(url(draft_id, "/questions/single-q"), data=flatten(data)).status_code == 403
    assert client.post(url(draft_id, "/paste-gift"), data={}).status_code == 403
    assert questions(app, draft_id)["single-q"]["prompt"]["en"].startswith("Whom must")


def test_rows_left_empty_are_not_saved_and_new_options_get_ids_from_their_text(
    app, client, editor, draft_id
):
    sign_in(client, editor)
    data = {
        "prompt_ro": "Cine ajută un copil?",
        "prompt_en": "Who helps a child?",
        "options": [
            {"text_ro": "Asistentul social", "text_en": "The social worker", "correct": True},
            {"text_ro": "Nimeni", "text_en": "Nobody", "feedback_ro": "Nu.", "feedback_en": "No."},
            {"text_ro": "", "text_en": "", "credit": ""},
        ],
    }
    response = client.post(url(draft_id, "/new-question?type=single"), data=flatten(data))
    assert response.status_code == 302
    added = list(questions(app, draft_id).values())[-1]
    assert [o["id"] for o in added["options"]] == ["asistentul-social", "nimeni"]
    assert added["options"][1]["feedback"] == {"ro": "Nu.", "en": "No."}
