"""Slips of wording found in each language: double full stops after Hungarian dates, a
plural where one thing is meant, "you" addressed to the wrong person, fields called required
that are not, an error summary out of the fields' order, and data shown as raw JSON."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, format_datetime, gettext

from elearn.accounts.models import Role
from elearn.audit.services import record
from elearn.extensions import db
from elearn.i18n import TRANSLATIONS_DIR, local_date
from tests.certificates.conftest import holder  # noqa: F401 - a certificate to show
from tests.conftest import page_text
from tests.learning.conftest import course  # noqa: F401 - the holder's course

EN = {"Accept-Language": "en"}


def catalog(language):
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_no_hungarian_message_puts_a_full_stop_after_a_date_that_ends_with_one():
    slips = [
        message.string
        for message in catalog("hu")
        if message.id and isinstance(message.string, str)
        if re.search(r"%\((date|end)\)s\.", message.string)
    ]
    assert slips == []


def test_a_hungarian_date_ends_a_sentence_with_a_single_full_stop(app):
    with app.test_request_context(), force_locale("hu"):
        sentence = gettext(
            "It was valid until %(date)s.", date=local_date(date(2026, 12, 6), "long")
        )
    assert sentence.endswith("2026. december 6.")
    assert ".." not in sentence


def test_one_completed_course_is_not_called_plural_in_romanian(app, holder):  # noqa: F811
    from tests.certificates.conftest import certificate_of

    certificate = certificate_of(app, holder.id)
    anonymous = app.test_client()
    text = page_text(
        anonymous.get(f"/verify/{certificate.code}", headers={"Accept-Language": "ro"})
    )
    assert "Data finalizării" in text
    assert "Finalizate" not in text


def test_the_administrators_page_of_a_person_speaks_of_their_organisation(client, as_role, make):
    as_role(Role.ADMIN, language="en")
    person = make.user(language="en")
    text = page_text(client.get(f"/admin/people/{person.id}", headers=EN))
    assert "organisation this person works for" in text
    assert "you work for" not in text


def test_registration_marks_the_optional_organisation_instead_of_calling_all_required(client):
    text = page_text(client.get("/register", headers=EN))
    assert "All fields are required" not in text
    assert "Organisation (optional)" in text


def summary_and_field_order(html: str) -> tuple[list[str], list[str]]:
    """The fields the error summary links to, and the order the page shows them in."""
    start = html.index('class="error-summary"')
    end = html.index("</ul>", start)
    links = re.findall(r'href="#([a-z_]+)"', html[start:end])
    fields = re.findall(r'<(?:input|select)[^>]*\bid="([a-z_]+)"', html[end:])
    return links, [name for name in fields if name in links]


def test_the_error_summary_follows_the_order_of_the_fields_on_the_page(client):
    html = client.post("/register", data={}, headers=EN).get_data(as_text=True)
    links, on_page = summary_and_field_order(html)
    assert links == on_page
    assert links[:2] == ["full_name", "email"]


def test_the_change_password_summary_starts_with_the_current_password(client, as_role):
    as_role(Role.LEARNER, language="en")
    html = client.post("/account/password", data={}, headers=EN).get_data(as_text=True)
    links, on_page = summary_and_field_order(html)
    assert links == on_page and links[0] == "current_password"


def test_the_audit_log_shows_details_as_a_table_not_json(app, client, as_role):
    admin = as_role(Role.ADMIN, language="en")
    with app.app_context():
        record("role.granted", actor_id=admin.id, before=["learner"], after=["manager"])
        db.session.commit()
    html = client.get("/admin/audit/", headers=EN).get_data(as_text=True)
    assert 'class="readable-data"' in html
    assert '{"' not in html and "&#34;" not in html
    assert '<th scope="row">Before</th>' in html


def test_the_personal_data_page_reads_as_tables_with_translated_labels(client, as_role):
    as_role(Role.LEARNER, language="ro")
    html = client.get("/account/data", headers={"Accept-Language": "ro"}).get_data(as_text=True)
    assert 'class="readable-data"' in html
    assert "data-dump" not in html and '"full_name"' not in html
    assert "Nume complet" in html or "Numele complet" in html


def test_a_manager_inviting_someone_is_asked_for_the_persons_name_not_their_own(
    client, as_role, make
):
    school = make.organisation()
    as_role(Role.MANAGER, organisation_id=school, language="en")
    response = client.post(
        f"/organisations/{school}/invitations/new",
        data={"full_name": "", "email": "", "cohort_id": "0", "language": "en"},
        headers=EN,
    )
    text = page_text(response)
    assert "Enter the person's full name." in text
    assert "Enter the person's email address." in text
    assert "Enter your" not in text


def test_the_privacy_notice_gives_its_version_as_a_date_in_the_readers_language(client):
    from elearn.privacy.notice import CURRENT_VERSION

    day = date.fromisoformat(CURRENT_VERSION)
    english = page_text(client.get("/privacy", headers=EN))
    assert f"Version of {day.day} {day:%B} {day.year}." in english
    hungarian = page_text(client.get("/privacy", headers={"Accept-Language": "hu"}))
    assert f"{day.year}. " in hungarian and CURRENT_VERSION not in hungarian
    assert ".." not in hungarian.replace("...", "")


def test_stored_values_read_as_words_in_the_readers_language(app):
    from elearn.core.readable import field_label, readable_scalar

    with app.test_request_context(), force_locale("en"):
        assert readable_scalar(True) == "Yes" and readable_scalar(None) == "—"
        assert readable_scalar("2026-12-07") == format_date(date(2026, 12, 7), "long")
        # A stored UTC moment, shown on the platform's day (00:30 in Bucharest).
        assert readable_scalar("2026-12-06T22:30:00+00:00") == format_datetime(
            datetime(2026, 12, 6, 22, 30, tzinfo=UTC), "medium"
        )
        assert "7" in readable_scalar("2026-12-06T22:30:00+00:00")
        assert readable_scalar("7KQ4-M2XD-9T1V-RB8E-J") == "7KQ4-M2XD-9T1V-RB8E-J"
        assert readable_scalar("hu", "preferred_language") == "Magyar"
        assert field_label("full_name") == "Full name"
        assert field_label("something_new") == "something new"
    with app.test_request_context(), force_locale("ro"):
        assert field_label("full_name") == "Nume complet"
