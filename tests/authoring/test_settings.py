"""The course settings page: course.yaml changes only where a setting changed, through the
real form, and bad input is refused next to its field with what was typed kept."""

from __future__ import annotations

import difflib
import re
from datetime import date

import pytest

from elearn.accounts.models import Role
from elearn.authoring import services, structure_settings
from elearn.authoring.models import Draft, DraftStatus
from elearn.extensions import db
from tests.conftest import sign_in
from tests.content.helpers import load, valid_files

EN = {"Accept-Language": "en"}


@pytest.fixture
def author(make, course_setup):
    """A trainer of the course's organisation who reads the platform in English."""
    return make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=course_setup.organisation_id,
        language="en",
    )


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def manifest_and_settings():
    files = valid_files()
    return files["course.yaml"].decode(), structure_settings.read_settings(load(files).manifest)


# The pure part -------------------------------------------------------------------------------


def test_saving_the_settings_unchanged_changes_nothing():
    text, settings = manifest_and_settings()
    assert structure_settings.settings_text(text, settings) == text


def test_a_title_changed_in_one_language_changes_exactly_one_line():
    text, settings = manifest_and_settings()
    settings.titles["en"] = "Protecting children: first steps"
    after = structure_settings.settings_text(text, settings)
    assert changed_lines(text, after) == [
        "-  en: Test course",
        '+  en: "Protecting children: first steps"',
    ] or changed_lines(text, after) == [
        "-  en: Test course",
        "+  en: 'Protecting children: first steps'",
    ]


def test_audiences_in_another_order_are_no_change_and_a_new_one_keeps_the_one_line_list():
    text, settings = manifest_and_settings()
    settings.audiences = ["school_counsellor", "teacher"]
    assert structure_settings.settings_text(text, settings) == text
    settings.audiences = ["teacher", "school_counsellor", "police_officer"]
    after = structure_settings.settings_text(text, settings)
    assert changed_lines(text, after) == [
        "-audiences: [teacher, school_counsellor]",
        "+audiences: [teacher, school_counsellor, police_officer]",
    ]


def test_no_certificate_removes_the_block_and_a_new_one_goes_where_the_format_lists_it():
    text, settings = manifest_and_settings()
    settings.certificate = None
    settings.prerequisites = []
    settings.facts_checked = None
    without = structure_settings.settings_text(text, settings)
    assert "certificate:" not in without and "prerequisites" not in without
    assert "facts_checked" not in without
    settings.certificate = structure_settings.CertificateSettings("standard", 2.0, None, "director")
    with_one = structure_settings.settings_text(without, settings)
    assert with_one.index("completion:") < with_one.index("certificate:") < with_one.index("media:")
    assert "  hours: 2\n  signatory: director\n" in with_one
    assert "design" not in with_one.split("certificate:")[1].split("media:")[0]


def test_completion_defaults_are_not_written_when_the_file_leaves_them_out():
    text, settings = manifest_and_settings()
    text = text.replace("completion:\n  sequential: true\n  lesson_done: button\n", "")
    settings.sequential, settings.lesson_done = False, "button"
    assert structure_settings.settings_text(text, settings) == text
    settings.lesson_done = "end_of_page"
    after = structure_settings.settings_text(text, settings)
    assert "completion:\n  lesson_done: end_of_page\n" in after


# Through the page ----------------------------------------------------------------------------


def form_data(**changes) -> dict:
    """What the page sends for the test course unchanged, with ``changes``."""
    data = {
        "title_ro": "Curs de test",
        "title_en": "Test course",
        "summary_ro": "Un curs mic care folosește fiecare element al formatului.",
        "summary_en": "A small course that uses every part of the format.",
        "audiences": ["teacher", "school_counsellor"],
        "prerequisites": ["core-course"],
        "sequential": "y",
        "lesson_done": "button",
        "certificate": "formal",
        "hours": "1.5",
        "validity_months": "24",
        "signatory": "director",
        "facts_checked": "2026-11-20",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def manifest(app, draft_id: int) -> str:
    with app.app_context():
        return services.read_text(db.session.get(Draft, draft_id), "course.yaml")


def test_the_page_shows_the_settings_side_by_side(client, author, draft_id):
    sign_in(client, author)
    response = client.get(f"/manage/drafts/{draft_id}/settings", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="title_ro"' in html and 'value="Curs de test"' in html
    assert 'name="title_en"' in html and 'lang="en"' in html
    assert re.search(
        r'<input checked id="audiences-\d+" name="audiences" type="checkbox" value="teacher"', html
    )
    assert not re.search(r'<input checked[^>]*value="police_officer"', html)
    assert "director (not set up by an administrator)" in html
    assert "core-course (not on this platform)" in html


def test_changing_one_title_and_the_audiences_changes_only_those_lines(
    app, client, author, draft_id
):
    before = manifest(app, draft_id)
    sign_in(client, author)
    response = client.post(
        f"/manage/drafts/{draft_id}/settings",
        data=form_data(title_en="Test course, revised", audiences=["teacher", "all"]),
        headers=EN,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/drafts/{draft_id}/settings")
    after = manifest(app, draft_id)
    assert changed_lines(before, after) == [
        "-  en: Test course",
        "+  en: Test course, revised",
        "-audiences: [teacher, school_counsellor]",
        "+audiences: [teacher, all]",
    ]


def test_an_empty_title_is_refused_next_to_its_field_and_the_rest_is_kept(
    app, client, author, draft_id
):
    before = manifest(app, draft_id)
    sign_in(client, author)
    response = client.post(
        f"/manage/drafts/{draft_id}/settings",
        data=form_data(title_ro="  ", title_en="Kept as typed", hours="abc"),
        headers=EN,
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the course's title in Română." in html
    assert "Certificate hours: enter a number, like 1.5." in html
    assert 'value="Kept as typed"' in html
    assert manifest(app, draft_id) == before


def test_a_certificate_needs_its_hours_and_a_signatory(app, client, author, draft_id):
    sign_in(client, author)
    response = client.post(
        f"/manage/drafts/{draft_id}/settings",
        data=form_data(hours="", signatory=""),
        headers=EN,
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Certificate hours: enter the training hours." in html
    assert "Signed by: choose a signatory from the list." in html
    # Without a certificate, neither is asked for, and the block leaves course.yaml.
    response = client.post(
        f"/manage/drafts/{draft_id}/settings",
        data=form_data(certificate="none", hours="", signatory=""),
        headers=EN,
    )
    assert response.status_code == 302
    assert "certificate:" not in manifest(app, draft_id)


def test_the_messages_are_in_the_authors_language(client, course_setup, draft_id):
    sign_in(client, course_setup.trainer)  # reads the platform in Romanian
    response = client.post(f"/manage/drafts/{draft_id}/settings", data=form_data(title_en=""))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Introduceți titlul cursului în limba English." in html
    assert "Setările cursului" in html


def test_a_save_over_someone_elses_change_is_refused_with_the_input_kept(
    app, client, author, draft_id
):
    sign_in(client, author)
    page = client.get(f"/manage/drafts/{draft_id}/settings").get_data(as_text=True)
    base = page.split('name="base" type="hidden" value="')[1].split('"')[0]
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        text = services.read_text(draft, "course.yaml").replace("Curs de test", "Alt titlu")
        services.save(draft, {"course.yaml": text.encode()}, by_id=None)
        db.session.commit()
    response = client.post(
        f"/manage/drafts/{draft_id}/settings",
        data=form_data(base=base, title_en="Mine"),
        headers=EN,
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Someone else saved this course" in html and 'value="Mine"' in html
    assert "Alt titlu" in manifest(app, draft_id)


def test_a_draft_with_a_reviewer_cannot_change(app, client, author, draft_id):
    with app.app_context():
        db.session.get(Draft, draft_id).status = DraftStatus.IN_REVIEW
        db.session.commit()
    before = manifest(app, draft_id)
    sign_in(client, author)
    page = client.get(f"/manage/drafts/{draft_id}/settings", headers=EN).get_data(as_text=True)
    assert "Save the settings" not in page
    response = client.post(
        f"/manage/drafts/{draft_id}/settings", data=form_data(title_en="Later"), headers=EN
    )
    assert response.status_code == 400
    assert "This draft is with a reviewer" in response.get_data(as_text=True)
    assert manifest(app, draft_id) == before


def test_a_trainer_of_another_organisation_is_refused(app, client, make, draft_id):
    outsider = make.user(
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=make.organisation(name="DGASPC Cluj", kind="social_assistance"),
    )
    sign_in(client, outsider)
    assert client.get(f"/manage/drafts/{draft_id}/settings").status_code == 403
    response = client.post(f"/manage/drafts/{draft_id}/settings", data=form_data(title_en="X"))
    assert response.status_code == 403
    assert "X" not in manifest(app, draft_id).split("\n")[7]


def test_facts_checked_is_a_date(app, client, author, draft_id):
    sign_in(client, author)
    response = client.post(
        f"/manage/drafts/{draft_id}/settings",
        data=form_data(facts_checked="20 November"),
        headers=EN,
    )
    assert response.status_code == 400
    assert "Facts last checked: enter a date like 2026-11-20." in response.get_data(as_text=True)
    response = client.post(
        f"/manage/drafts/{draft_id}/settings", data=form_data(facts_checked="2027-01-15")
    )
    assert response.status_code == 302
    with app.app_context():
        package = services.load_draft(db.session.get(Draft, draft_id))
        assert package.manifest.facts_checked == date(2027, 1, 15)
