"""The lesson editor's pages through the real form: save, preview, autosave, conflicts,
refusals, and who may use them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from elearn.accounts.models import Role
from elearn.authoring import services
from elearn.authoring.models import Draft, DraftStatus
from elearn.extensions import db
from tests.conftest import sign_in

EN = {"Accept-Language": "en"}


class _Fields(HTMLParser):
    """The values a browser would send for the page's lesson form (no button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "lesson-editor" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "y")
            elif kind != "submit":
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


@pytest.fixture
def editor(make, course_setup):
    """A trainer of the owning organisation who reads the pages in English."""
    return make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )


def _url(draft_id, suffix=""):
    return f"/manage/drafts/{draft_id}/lessons/welcome{suffix}"


def _form(client, draft_id, headers=EN) -> dict[str, str]:
    response = client.get(_url(draft_id), headers=headers)
    assert response.status_code == 200
    parser = _Fields()
    parser.feed(response.get_data(as_text=True))
    # A textarea's first newline is not part of its value (HTML parsing rule).
    return {key: _drop_first_newline(value) for key, value in parser.values.items()}


def _drop_first_newline(value: str) -> str:
    for start in ("\r\n", "\n"):
        if value.startswith(start):
            return value[len(start) :]
    return value


def _files(app, draft_id) -> dict[str, bytes]:
    with app.app_context():
        return services.draft_files(db.session.get(Draft, draft_id))


def _states(app, draft_id) -> dict[str, str]:
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        return services.translation_states(draft, services.load_draft(draft))["welcome"]


def test_the_editor_shows_every_language_side_by_side_source_first(
    client, course_setup, editor, draft_id
):
    sign_in(client, editor)
    html = client.get(_url(draft_id), headers=EN).get_data(as_text=True)
    assert html.index('id="column-ro"') < html.index('id="column-en"')
    assert 'name="title_ro"' in html and 'name="body_en"' in html
    assert re.search(r'<textarea[^>]*dir="auto"[^>]*lang="en"[^>]*name="body_en"', html)
    assert "source" in html and "up to date" in html
    assert "Formatting help" in html and "{{contact:emergency}}" in html
    assert "/static/js/editor.js" in html and "<script>" not in html


def test_saving_one_language_writes_only_its_file(app, client, course_setup, editor, draft_id):
    sign_in(client, editor)
    before = _files(app, draft_id)
    data = _form(client, draft_id)
    data["body_en"] += "\nA new paragraph.\n"
    response = client.post(_url(draft_id), data={**data, "save": "1"}, headers=EN)
    assert response.status_code == 302
    after = _files(app, draft_id)
    changed = sorted(path for path in after if after[path] != before[path])
    assert changed == ["lessons/welcome.en.md"]
    assert after["lessons/welcome.en.md"].endswith(b"A new paragraph.\n")
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Saved: English." in page


def test_saving_the_source_marks_the_translation_out_of_date_then_it_is_confirmed(
    app, client, course_setup, editor, draft_id
):
    sign_in(client, editor)
    data = _form(client, draft_id)
    data["title_ro"] = "Bun venit la curs"
    response = client.post(_url(draft_id), data=data, headers=EN, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "now marked out of date: English" in html
    assert _states(app, draft_id)["en"] == "out_of_date"
    assert "Still accurate: mark as up to date" in html
    data = _form(client, draft_id)
    data["synced_en"] = "y"
    before = _files(app, draft_id)
    response = client.post(_url(draft_id), data=data, headers=EN, follow_redirects=True)
    assert "Marked as up to date: English." in response.get_data(as_text=True)
    assert _states(app, draft_id)["en"] == "current"
    assert _files(app, draft_id) == before


def test_a_second_save_from_the_same_page_is_refused_with_both_texts(
    app, client, make, course_setup, editor, draft_id
):
    colleague = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=course_setup.organisation_id
    )
    sign_in(client, editor)
    mine = _form(client, draft_id)
    other = app.test_client()
    sign_in(other, colleague)
    theirs = _form(other, draft_id)
    theirs["body_en"] += "\nTheir sentence.\n"
    assert other.post(_url(draft_id), data=theirs).status_code == 302
    saved = _files(app, draft_id)
    mine["body_en"] += "\nMy sentence.\n"
    response = client.post(_url(draft_id), data=mine, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Their sentence." in html and "My sentence." in html
    assert "Theirs, as saved" in html and "Yours, as you typed it" in html
    assert _files(app, draft_id) == saved
    # Saving again without choosing still refuses; choosing "mine" saves mine.
    assert client.post(_url(draft_id), data=mine, headers=EN).status_code == 409
    parser = _Fields()
    parser.feed(html)
    again = {**mine, "theirs_en": parser.values["theirs_en"], "keep_en": "mine"}
    assert client.post(_url(draft_id), data=again, headers=EN).status_code == 302
    text = _files(app, draft_id)["lessons/welcome.en.md"]
    assert b"My sentence." in text and b"Their sentence." not in text


def test_choosing_their_text_keeps_it(app, client, make, course_setup, editor, draft_id):
    sign_in(client, editor)
    mine = _form(client, draft_id)
    other = app.test_client()
    sign_in(other, editor)
    theirs = _form(other, draft_id)
    theirs["title_en"] = "Welcome, again"
    assert other.post(_url(draft_id), data=theirs).status_code == 302
    saved = _files(app, draft_id)
    mine["title_en"] = "Welcome to you"
    response = client.post(_url(draft_id), data={**mine, "keep_en": "theirs"}, headers=EN)
    assert response.status_code == 302
    assert _files(app, draft_id) == saved


def test_a_language_left_untouched_is_not_a_conflict(app, client, course_setup, editor, draft_id):
    """Someone changed English meanwhile; this author changed only Romanian."""
    sign_in(client, editor)
    mine = _form(client, draft_id)
    other = app.test_client()
    sign_in(other, editor)
    theirs = _form(other, draft_id)
    theirs["body_en"] += "\nTheir sentence.\n"
    assert other.post(_url(draft_id), data=theirs).status_code == 302
    mine["body_ro"] += "\nO propoziție nouă.\n"
    assert client.post(_url(draft_id), data=mine).status_code == 302
    files = _files(app, draft_id)
    assert b"Their sentence." in files["lessons/welcome.en.md"]
    assert b"O propozi" in files["lessons/welcome.ro.md"]


def test_preview_renders_the_typed_text_and_saves_nothing(
    app, client, course_setup, editor, draft_id
):
    sign_in(client, editor)
    before = _files(app, draft_id)
    data = _form(client, draft_id)
    data["body_en"] = "## Steps\n\n- **Call** {{contact:emergency}}\n"
    response = client.post(_url(draft_id), data={**data, "preview": "en"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview as learners will see it" in html
    assert "<h3>Steps</h3>" in html and "<strong>Call</strong>" in html
    assert 'href="tel:112"' in html
    assert _files(app, draft_id) == before
    fragment = client.post(_url(draft_id, "/preview"), data={**data, "preview": "en"}, headers=EN)
    assert fragment.status_code == 200
    assert "<strong>Call</strong>" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert _files(app, draft_id) == before


def test_preview_names_the_field_of_a_broken_link(app, client, course_setup, editor, draft_id):
    sign_in(client, editor)
    data = _form(client, draft_id)
    data["body_en"] = "Intro\n\nSee [that](lesson:nowhere).\n"
    response = client.post(_url(draft_id, "/preview"), data={**data, "preview": "en"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Text (English), line 3" in html and "nowhere" in html


def test_autosave_answers_json_with_the_new_bases(app, client, course_setup, editor, draft_id):
    sign_in(client, editor)
    data = _form(client, draft_id)
    data["body_ro"] += "\nSalvat automat.\n"
    response = client.post(_url(draft_id, "/autosave"), data=data, headers=EN)
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["status"] == "saved" and payload["message"].startswith("Saved at")
    assert payload["written"] == ["ro"]
    assert payload["states"]["en"]["state"] == "out_of_date"
    files = _files(app, draft_id)
    assert payload["bases"]["ro"] == services.sha(files["lessons/welcome.ro.md"])
    # The next save from the same page, with the new base, is not a false conflict.
    data["base_ro"] = payload["bases"]["ro"]
    data["body_ro"] += "Încă o frază.\n"
    again = client.post(_url(draft_id, "/autosave"), data=data, headers=EN)
    assert again.status_code == 200 and again.get_json()["written"] == ["ro"]
    # The old base is a conflict, answered as such.
    data["base_ro"] = payload["bases"]["en"]
    data["body_ro"] += "Și alta.\n"
    conflict = client.post(_url(draft_id, "/autosave"), data=data, headers=EN)
    assert conflict.status_code == 409 and conflict.get_json()["status"] == "conflict"
    assert conflict.get_json()["message"].startswith("Not saved:")


def test_autosave_refuses_an_empty_title_by_name(client, course_setup, editor, draft_id):
    sign_in(client, editor)
    data = {**_form(client, draft_id), "title_en": ""}
    response = client.post(_url(draft_id, "/autosave"), data=data, headers=EN)
    assert response.status_code == 400
    assert "Title (English)" in response.get_json()["message"]


def test_bad_input_is_refused_by_field_and_the_text_is_kept(
    app, client, course_setup, editor, draft_id
):
    sign_in(client, editor)
    before = _files(app, draft_id)
    data = _form(client, draft_id)
    data.update(title_en="T" * 300, objectives_en="\n \n", body_en="Text I typed with care.\n")
    response = client.post(_url(draft_id), data=data, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Title (English) is too long" in html
    assert "Learning objectives (English): write at least one" in html
    assert "Text I typed with care." in html and "T" * 300 in html
    assert _files(app, draft_id) == before


def test_html_and_script_links_are_refused_in_the_body(app, client, course_setup, editor, draft_id):
    sign_in(client, editor)
    before = _files(app, draft_id)
    data = _form(client, draft_id)
    data["body_en"] = "Hello\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n"
    response = client.post(_url(draft_id), data=data, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Text (English), line 3: HTML is not allowed" in html
    assert "Text (English), line 5: scripts and data are not allowed in links" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # kept, as text
    assert _files(app, draft_id) == before


def test_messages_are_translated(client, course_setup, draft_id):
    sign_in(client, course_setup.trainer)
    data = {**_form(client, draft_id, headers={}), "title_en": ""}
    html = client.post(_url(draft_id), data=data, headers={"Accept-Language": "ro"}).get_data(
        as_text=True
    )
    assert "enter the lesson's title" not in html and "Titlu (English)" in html


def test_a_draft_with_a_reviewer_cannot_be_changed(app, client, course_setup, editor, draft_id):
    with app.app_context():
        db.session.get(Draft, draft_id).status = DraftStatus.IN_REVIEW
        db.session.commit()
    sign_in(client, editor)
    page = client.get(_url(draft_id), headers=EN).get_data(as_text=True)
    assert "with a reviewer" in page and "disabled" in page
    before = _files(app, draft_id)
    data = _form(client, draft_id)
    data["body_en"] = "Changed.\n"
    response = client.post(_url(draft_id), data=data, headers=EN)
    assert response.status_code == 400 and "with a reviewer" in response.get_data(as_text=True)
    assert _files(app, draft_id) == before


def test_a_trainer_of_another_organisation_is_refused(
    app, client, make, course_setup, editor, draft_id
):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(
            name="DGASPC Cluj", kind="social_assistance", county="CJ"
        ),
    )
    sign_in(client, outsider)
    assert client.get(_url(draft_id)).status_code == 403
    assert client.post(_url(draft_id), data={"title_en": "x"}).status_code == 403
    assert client.post(_url(draft_id, "/autosave"), data={"title_en": "x"}).status_code == 403
    assert client.post(_url(draft_id, "/preview"), data={"preview": "en"}).status_code == 403


def test_an_unknown_lesson_is_not_found(client, course_setup, editor, draft_id):
    sign_in(client, editor)
    assert client.get(f"/manage/drafts/{draft_id}/lessons/nowhere").status_code == 404


def test_a_reviewer_reads_the_lesson_but_cannot_save_it(app, client, make, course_setup, draft_id):
    from elearn.authoring.models import CourseAuthor, ReviewerRight

    reviewer = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )
    with app.app_context():
        db.session.add(
            CourseAuthor(course_id=course_setup.course_id, user_id=course_setup.trainer.id)
        )
        db.session.add(ReviewerRight(user_id=reviewer.id))
        db.session.commit()
    sign_in(client, reviewer)
    page = client.get(_url(draft_id))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "You can read this draft but not change it." in html
    assert re.search(r'<fieldset class="lesson-columns" disabled>', html)
    assert 'name="save"' not in html
    assert client.post(_url(draft_id), data={"title_en": "x"}).status_code == 403
