"""The settings page edits the minimum time on a lesson (completion.min_lesson_time_share), as
a percentage of each lesson's stated duration, writing course.yaml only when it changed."""

from __future__ import annotations

from elearn.authoring import structure_settings
from tests.authoring.test_settings import (
    EN,
    author,  # noqa: F401 - the fixture
    changed_lines,
    form_data,
    manifest,
    manifest_and_settings,
)
from tests.conftest import sign_in


def test_the_share_is_written_only_when_it_differs_from_the_default():
    text, settings = manifest_and_settings()
    assert settings.min_lesson_time_share == 0.5
    assert structure_settings.settings_text(text, settings) == text
    settings.min_lesson_time_share = 0.75
    after = structure_settings.settings_text(text, settings)
    assert "  lesson_done: button\n  min_lesson_time_share: 0.75\n" in after
    settings.min_lesson_time_share = 1.0
    assert "  min_lesson_time_share: 1\n" in structure_settings.settings_text(after, settings)


def test_a_file_without_completion_gets_only_the_share(app):
    text, settings = manifest_and_settings()
    text = text.replace("completion:\n  sequential: true\n  lesson_done: button\n", "")
    settings.sequential, settings.min_lesson_time_share = False, 0.3
    assert "completion:\n  min_lesson_time_share: 0.3\n" in structure_settings.settings_text(
        text, settings
    )


def test_a_trainer_sets_the_minimum_time_as_a_percentage(app, client, author, draft_id):  # noqa: F811
    before = manifest(app, draft_id)
    sign_in(client, author)
    page = client.get(f"/manage/drafts/{draft_id}/settings", headers=EN)
    html = page.get_data(as_text=True)
    assert "Minimum time on a lesson (% of its stated duration)" in html
    assert 'name="min_lesson_time"' in html and 'value="50"' in html
    response = client.post(
        f"/manage/drafts/{draft_id}/settings", data=form_data(min_lesson_time="80"), headers=EN
    )
    assert response.status_code == 302
    assert changed_lines(before, manifest(app, draft_id)) == ["+  min_lesson_time_share: 0.8"]


def test_a_percentage_outside_0_to_100_is_refused_next_to_its_field(
    app,
    client,
    author,  # noqa: F811 - the fixture imported above
    draft_id,
):
    before = manifest(app, draft_id)
    sign_in(client, author)
    for typed, message in (
        ("150", "Minimum time on a lesson: between 0 and 100 percent."),
        ("half", "Minimum time on a lesson: enter a whole number from 0 to 100."),
    ):
        response = client.post(
            f"/manage/drafts/{draft_id}/settings", data=form_data(min_lesson_time=typed), headers=EN
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert manifest(app, draft_id) == before
