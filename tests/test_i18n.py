"""Languages: catalogues complete and current, plural forms, selection, switcher, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.i18n import LANGUAGES, TRANSLATIONS_DIR, local_date, local_datetime
from elearn.translations_cli import extract, untranslated
from tests.conftest import page_text, sign_in

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def catalog(language):
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def message_ids(cat) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_is_translated(language):
    assert untranslated(language) == []


def test_the_catalogues_hold_exactly_the_strings_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    extract(pot)
    with pot.open("rb") as handle:
        in_code = message_ids(read_po(handle))
    assert len(in_code) > 200
    for language in LANGUAGES:
        ids = message_ids(catalog(language))
        assert ids == in_code, (
            f"{language}: run `elearn translations update`; "
            f"missing {sorted(in_code - ids)[:5]}, stale {sorted(ids - in_code)[:5]}"
        )


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_translations_keep_every_placeholder(language):
    for message in catalog(language):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), (
                source,
                string,
            )


def test_romanian_uses_the_comma_below_never_the_cedilla():
    for message in catalog("ro"):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert not set("şţŞŢ") & set(string), string


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ro",
            [
                "1 persoană găsită",
                "2 persoane găsite",
                "19 persoane găsite",
                "20 de persoane găsite",
                "101 persoane găsite",
                "120 de persoane găsite",
            ],
        ),
        (
            "en",
            [
                "1 person found",
                "2 people found",
                "19 people found",
                "20 people found",
                "101 people found",
                "120 people found",
            ],
        ),
        (
            "hu",
            ["1 személy", "2 személy", "19 személy", "20 személy", "101 személy", "120 személy"],
        ),
    ],
)
def test_plural_forms(app, language, expected):
    with app.test_request_context(), force_locale(language):
        found = [
            ngettext("%(num)d person found", "%(num)d people found", n)
            for n in (1, 2, 19, 20, 101, 120)
        ]
    for text, start in zip(found, expected, strict=True):
        assert text.startswith(start), (text, start)


def test_the_people_count_on_a_page_uses_the_plural_rules(client, make):
    from elearn.accounts.models import Role

    admin = make.user(roles=(Role.LEARNER, Role.ADMIN), language="ro")
    sign_in(client, admin)
    assert "1 persoană găsită" in page_text(client.get("/admin/people/"))
    make.user()
    assert "2 persoane găsite" in page_text(client.get("/admin/people/"))


class TestLanguageSelection:
    def test_romanian_is_the_default(self, client):
        assert '<html lang="ro">' in client.get("/").get_data(as_text=True)

    @pytest.mark.parametrize(
        ("header", "language"),
        [("hu-HU,hu;q=0.9", "hu"), ("en-GB", "en"), ("de-DE", "ro"), ("fr, en;q=0.5", "en")],
    )
    def test_the_browser_language_is_used_when_nothing_was_chosen(self, client, header, language):
        html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
        assert f'<html lang="{language}">' in html

    def test_the_switcher_beats_the_browser_for_a_visitor(self, client):
        response = client.post("/language", data={"language": "hu", "next": "/accessibility"})
        assert response.status_code == 303
        assert response.headers["Location"] == "/accessibility"
        html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert '<html lang="hu">' in html

    def test_the_profile_beats_everything_and_the_switcher_changes_it(self, app, client, make):
        person = make.user(language="en")
        sign_in(client, person)
        assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "hu"}).get_data(
            as_text=True
        )
        client.post("/language", data={"language": "ro", "next": "/"})
        with app.app_context():
            assert db.session.get(User, person.id).preferred_language == "ro"

    @pytest.mark.parametrize("code", ["xx", "", "de", "<script>"])
    def test_an_unknown_language_code_gets_a_clear_message(self, client, code):
        response = client.post(
            "/language", data={"language": code, "next": "/"}, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 303
        follow = client.get("/", headers={"Accept-Language": "en"})
        assert "This language is not available." in page_text(follow)
        assert '<html lang="en">' in follow.get_data(as_text=True)

    def test_the_switcher_never_returns_off_the_site(self, client):
        response = client.post(
            "/language", data={"language": "en", "next": "https://evil.example/"}
        )
        assert response.headers["Location"] == "/"

    def test_every_page_shows_the_switcher_with_the_current_language_marked(self, client):
        html = client.get("/accessibility", headers={"Accept-Language": "hu"}).get_data(
            as_text=True
        )
        for code, name in LANGUAGES.items():
            assert f'value="{code}" lang="{code}"' in html
            assert name in html
        assert re.search(r'value="hu" lang="hu"\s+aria-current="true"', html)


class TestDatesAndTimes:
    moment = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # already 30 November in Bucharest

    @pytest.mark.parametrize(
        ("language", "date", "when"),
        [
            ("ro", "30.11.2026", "30.11.2026, 01:30"),
            ("en", "30/11/2026", "30/11/2026, 01:30"),
            ("hu", "2026. 11. 30.", "2026. 11. 30. 1:30"),
        ],
    )
    def test_times_are_shown_in_bucharest_time_in_each_locale_format(
        self, app, language, date, when
    ):
        from elearn.i18n import locale_for

        with app.test_request_context(), force_locale(locale_for(language)):
            assert local_date(self.moment) == date
            assert local_datetime(self.moment) == when

    @pytest.mark.parametrize("language", ["ro", "en", "hu"])
    def test_an_events_time_is_given_to_the_minute_with_the_date_in_words(self, app, language):
        from elearn.i18n import local_datetime, local_minute, locale_for

        moment = self.moment.replace(second=41)
        with app.test_request_context(), force_locale(locale_for(language)):
            shown = local_minute(moment, "medium")
            assert local_date(moment, "medium") in shown and "1:30" in shown
            assert ":41" not in shown and ":41" in local_datetime(moment, "medium")
            assert local_date(moment, "full") in local_minute(moment, "full")

    @pytest.mark.parametrize("config_overrides", [{"BABEL_DEFAULT_TIMEZONE": "UTC"}], indirect=True)
    def test_the_time_zone_is_configurable(self, app):
        with app.test_request_context(), force_locale("ro_RO"):
            assert local_datetime(self.moment) == "29.11.2026, 23:30"

    def test_times_are_stored_in_utc(self, app, make):
        person = make.user()
        with app.app_context():
            created = db.session.get(User, person.id).created_at
        assert created.tzinfo is not None
        assert created.utcoffset().total_seconds() == 0
