"""Modules and lessons: the pure changes to course.yaml, and each action through its form."""

from __future__ import annotations

import difflib

import pytest

from elearn.accounts.models import Role
from elearn.authoring import services, structure
from elearn.authoring.models import Draft, DraftStatus
from elearn.errors import DomainError
from elearn.extensions import db
from tests.conftest import sign_in
from tests.content.helpers import valid_files

TEXT = valid_files()["course.yaml"].decode()


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# The pure part -------------------------------------------------------------------------------


def test_renaming_a_module_in_one_language_changes_exactly_one_line():
    after = structure.rename_module(TEXT, "second", {"ro": "Al doilea modul", "en": "Next steps"})
    assert changed_lines(TEXT, after) == ["-      en: Second module", "+      en: Next steps"]


def test_moving_a_module_moves_its_block_and_nothing_else():
    after = structure.move_module(TEXT, "second", -1)
    assert sorted(after.splitlines()) == sorted(TEXT.splitlines())
    assert after.index("id: second") < after.index("id: first")
    with pytest.raises(DomainError):
        structure.move_module(TEXT, "first", -1)


def test_a_lessons_duration_and_required_change_their_own_lines():
    after = structure.set_lesson(TEXT, "welcome", 12, False)
    assert changed_lines(TEXT, after) == [
        "-        duration: 10",
        "+        duration: 12",
        "+        required: false",
    ]
    assert structure.set_lesson(TEXT, "welcome", 10, True) == TEXT


def test_a_module_keeps_at_least_one_lesson():
    with pytest.raises(DomainError):
        structure.delete_lesson(TEXT, "closing")
    with pytest.raises(DomainError):
        structure.move_lesson_to(TEXT, "closing", "first")
    after = structure.move_lesson_to(TEXT, "welcome", "second")
    assert after.index("id: closing") < after.index("id: welcome")


def test_ids_are_proposed_from_titles_and_never_taken_twice():
    from elearn.authoring.structure_yaml import slugify

    assert slugify("Primul pas în școală: ce facem?") == "primul-pas-in-scoala-ce-facem"
    assert structure.choose_id(None, "Bun venit", {"bun-venit"}, "lesson_id") == "bun-venit-2"
    with pytest.raises(DomainError) as refused:
        structure.choose_id("welcome", "x", {"welcome"}, "lesson_id")
    assert refused.value.field == "lesson_id"


# Through the page ----------------------------------------------------------------------------

EN = {"Accept-Language": "en"}


@pytest.fixture
def author(make, course_setup):
    return make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )


def post(client, url: str, prefix: str, **fields):
    """Submit one of the page's forms (each has its prefix and its own CSRF field)."""
    data = {f"{prefix}-{key}": value for key, value in fields.items()}
    data[f"{prefix}-csrf_token"] = client.csrf_token()
    return client.post(url, data=data, headers=EN)


def draft_files(app, draft_id: int) -> dict[str, bytes]:
    with app.app_context():
        return services.draft_files(db.session.get(Draft, draft_id))


def test_the_page_lists_modules_and_lessons_in_order(client, author, draft_id):
    sign_in(client, author)
    response = client.get(f"/manage/drafts/{draft_id}/structure", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("First module") < html.index("Welcome") < html.index("Second module")
    assert "Ends with the quiz module-check." in html
    assert 'name="new-module-title_ro"' in html and "Add a module" in html


def test_adding_a_module_creates_its_first_lesson_in_every_language(app, client, author, draft_id):
    sign_in(client, author)
    response = post(
        client,
        f"/manage/drafts/{draft_id}/structure/modules",
        "new-module",
        title_ro="Semnale de alarmă",
        title_en="Warning signs",
        lesson_title_ro="Ce observăm în clasă",
        lesson_title_en="What we notice in class",
        objective_ro="Recunoașteți semnalele",
        objective_en="Recognise the signs",
        duration="8",
        required="y",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("#modules-end")
    files = draft_files(app, draft_id)
    assert "  - id: semnale-de-alarma\n" in files["course.yaml"].decode()
    assert (
        "      - id: ce-observam-in-clasa\n        duration: 8\n" in files["course.yaml"].decode()
    )
    assert files["lessons/ce-observam-in-clasa.en.md"].decode() == (
        "---\ntitle: What we notice in class\nobjectives:\n  - Recognise the signs\n---\n"
    )
    assert "lessons/ce-observam-in-clasa.ro.md" in files


def test_a_missing_translation_is_refused_next_to_its_field_with_the_rest_kept(
    app, client, author, draft_id
):
    before = draft_files(app, draft_id)
    sign_in(client, author)
    response = post(
        client,
        f"/manage/drafts/{draft_id}/structure/modules/first/lessons",
        "lesson-first",
        lesson_title_ro="Lecție nouă",
        lesson_title_en="",
        objective_ro="Ceva",
        objective_en="Something",
        duration="0",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the lesson's title in English." in html
    assert "The duration must be between 1 and 600 minutes." in html
    assert 'value="Lecție nouă"' in html and "<details open>" in html
    assert draft_files(app, draft_id) == before


def test_a_lesson_id_already_used_is_refused_next_to_the_id(app, client, author, draft_id):
    sign_in(client, author)
    response = post(
        client,
        f"/manage/drafts/{draft_id}/structure/modules/second/lessons",
        "lesson-second",
        lesson_id="welcome",
        lesson_title_ro="Alta",
        lesson_title_en="Another",
        objective_ro="Ceva",
        objective_en="Something",
        duration="5",
    )
    assert response.status_code == 400
    assert "The id welcome is already used in this course" in response.get_data(as_text=True)


def test_a_lesson_moves_within_its_module_and_to_another(app, client, author, draft_id):
    sign_in(client, author)
    url = f"/manage/drafts/{draft_id}/structure/lessons/media-lesson/move"
    assert post(client, url, "moveto-media-lesson", direction="up").status_code == 302
    text = draft_files(app, draft_id)["course.yaml"].decode()
    assert text.index("id: media-lesson") < text.index("id: welcome")
    response = post(client, url, "moveto-media-lesson", direction="module", module="second")
    assert response.status_code == 302
    text = draft_files(app, draft_id)["course.yaml"].decode()
    assert text.index("id: second") < text.index("id: closing") < text.index("id: media-lesson")
    # The quiz still ends the first module, whose lesson is still there.
    assert text.index("id: welcome") < text.index("quiz: module-check") < text.index("id: second")


def test_deleting_a_lesson_another_links_to_shows_the_validators_message(
    app, client, author, draft_id
):
    before = draft_files(app, draft_id)
    sign_in(client, author)
    url = f"/manage/drafts/{draft_id}/structure/lessons/media-lesson/delete"
    response = post(client, url, "delete-lesson-media-lesson", confirm="y")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was changed" in html
    assert "The link to lesson &#39;media-lesson&#39; leads nowhere" in html
    assert "lessons/welcome.en.md" in html
    assert draft_files(app, draft_id) == before


def test_deleting_a_lesson_removes_its_file_in_every_language(app, client, author, draft_id):
    sign_in(client, author)
    response = post(
        client,
        f"/manage/drafts/{draft_id}/structure/modules/second/lessons",
        "lesson-second",
        lesson_id="extra",
        lesson_title_ro="În plus",
        lesson_title_en="Extra",
        objective_ro="Ceva",
        objective_en="Something",
        duration="5",
    )
    assert response.status_code == 302
    assert "lessons/extra.ro.md" in draft_files(app, draft_id)
    url = f"/manage/drafts/{draft_id}/structure/lessons/extra/delete"
    assert post(client, url, "delete-lesson-extra").status_code == 400  # not confirmed
    assert post(client, url, "delete-lesson-extra", confirm="y").status_code == 302
    files = draft_files(app, draft_id)
    assert "lessons/extra.ro.md" not in files and "lessons/extra.en.md" not in files
    assert "id: extra" not in files["course.yaml"].decode()


def test_the_last_lesson_of_a_module_cannot_go_alone(app, client, author, draft_id):
    sign_in(client, author)
    url = f"/manage/drafts/{draft_id}/structure/lessons/closing/delete"
    response = post(client, url, "delete-lesson-closing", confirm="y")
    assert response.status_code == 400
    assert "A module needs at least one lesson" in response.get_data(as_text=True)


def test_deleting_a_module_takes_its_lessons_and_their_files(app, client, author, draft_id):
    sign_in(client, author)
    url = f"/manage/drafts/{draft_id}/structure/modules/second/delete"
    response = post(client, url, "delete-second")
    assert response.status_code == 400
    assert "Tick “Yes, delete it” to confirm the deletion." in response.get_data(as_text=True)
    assert post(client, url, "delete-second", confirm="y").status_code == 302
    files = draft_files(app, draft_id)
    assert "lessons/closing.ro.md" not in files and "lessons/closing.en.md" not in files
    assert "id: second" not in files["course.yaml"].decode()


def test_renaming_and_reordering_modules_and_a_lessons_settings(app, client, author, draft_id):
    sign_in(client, author)
    base = f"/manage/drafts/{draft_id}/structure"
    response = post(
        client,
        f"{base}/modules/second/titles",
        "titles-second",
        title_ro="Al doilea modul",
        title_en="Next steps",
    )
    assert response.status_code == 302
    assert (
        post(client, f"{base}/modules/second/move", "move-second", direction="up").status_code
        == 302
    )
    response = post(client, f"{base}/lessons/closing/settings", "settings-closing", duration="7")
    assert response.status_code == 302
    text = draft_files(app, draft_id)["course.yaml"].decode()
    assert "en: Next steps" in text and text.index("id: second") < text.index("id: first")
    assert "      - id: closing\n        duration: 7\n        required: false\n" in text


def test_an_unknown_module_or_lesson_is_404(client, author, draft_id):
    sign_in(client, author)
    base = f"/manage/drafts/{draft_id}/structure"
    assert post(client, f"{base}/modules/nope/move", "move-nope", direction="up").status_code == 404
    assert post(client, f"{base}/lessons/nope/delete", "x", confirm="y").status_code == 404


def test_a_draft_with_a_reviewer_refuses_changes(app, client, author, draft_id):
    with app.app_context():
        db.session.get(Draft, draft_id).status = DraftStatus.IN_REVIEW
        db.session.commit()
    before = draft_files(app, draft_id)
    sign_in(client, author)
    page = client.get(f"/manage/drafts/{draft_id}/structure", headers=EN).get_data(as_text=True)
    assert "Add a module" not in page and "it cannot be changed now" in page
    url = f"/manage/drafts/{draft_id}/structure/modules/second/move"
    response = post(client, url, "move-second", direction="up")
    assert response.status_code == 400
    assert "This draft is with a reviewer" in response.get_data(as_text=True)
    assert draft_files(app, draft_id) == before


def test_a_trainer_of_another_organisation_is_refused(app, client, make, draft_id):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(name="DGASPC Cluj", kind="social_assistance"),
    )
    sign_in(client, outsider)
    assert client.get(f"/manage/drafts/{draft_id}/structure").status_code == 403
    url = f"/manage/drafts/{draft_id}/structure/modules/second/move"
    assert post(client, url, "move-second", direction="up").status_code == 403


def test_the_drafts_page_summarises_and_links_the_three_pages(client, author, draft_id):
    sign_in(client, author)
    html = client.get(f"/manage/drafts/{draft_id}", headers=EN).get_data(as_text=True)
    assert f'href="/manage/drafts/{draft_id}/settings"' in html
    assert "Change the course's settings" in html and "1.5 hours" in html
    assert "2 modules · 3 lessons · about 30 minutes" in html
    assert f'href="/manage/drafts/{draft_id}/media"' in html and "5 files" in html
