"""Languages: which one a request speaks, the catalogues behind it, and local times.

The translation catalogues are the ``.po`` files under ``elearn/translations``. They are read
and compiled in memory the first time a language is used in a process, so there is no compiled
``.mo`` file to build, commit or forget to refresh.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_request_context, request, session
from flask_babel import Babel, Domain, format_date, format_datetime, format_time
from flask_babel import get_locale as babel_get_locale
from flask_login import current_user
from werkzeug.utils import cached_property

TRANSLATIONS_DIR = Path(__file__).parent / "translations"

# The interface languages, in the order the switcher shows them, each named in itself.
LANGUAGES: dict[str, str] = {"ro": "Română", "en": "English", "hu": "Magyar"}
DEFAULT_LANGUAGE = "ro"

# English dates follow British conventions (29/11/2026), which readers in Romania expect;
# Romanian and Hungarian use their own locale's formats (29.11.2026, 2026. 11. 29.).
_FORMAT_LOCALE = {"ro": "ro_RO", "en": "en_GB", "hu": "hu_HU"}


def load_catalog(language: str) -> support.Translations:
    """Compile ``translations/<language>/LC_MESSAGES/messages.po`` into gettext translations."""
    po_path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return support.Translations(fp=buffer, domain="messages")


_NO_TRANSLATIONS = support.NullTranslations()


class CatalogDomain(Domain):
    """Flask-Babel's domain, reading our ``.po`` catalogues instead of compiled ``.mo`` files."""

    def get_translations(self):
        locale = babel_get_locale()
        if locale is None:
            return _NO_TRANSLATIONS
        return self.catalogue(locale.language)

    def catalogue(self, language: str):
        try:
            return self.cache[language]
        except KeyError:
            if language in LANGUAGES:
                translations = load_catalog(language)
            else:
                translations = support.NullTranslations()
            self.cache[language] = translations
            return translations


class CatalogBabel(Babel):
    """Flask-Babel, with the catalogue domain above."""

    @cached_property
    def domain_instance(self):
        return CatalogDomain()


def _install_template_gettext(app, domain: CatalogDomain) -> None:
    """The templates' ``_()`` and ``ngettext()``: the catalogue of the locale in force, found
    by one look at the request's locale (which Flask-Babel keeps for the request, and which
    ``force_locale`` changes) instead of the four context lookups of Flask-Babel's own
    callables; a lesson page calls them about 25 times."""

    def translations():
        locale = babel_get_locale()
        return _NO_TRANSLATIONS if locale is None else domain.catalogue(locale.language)

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


def current_language() -> str:
    """The two-letter code of the language this request is answered in."""
    locale = babel_get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def select_language() -> str:
    """The profile's language, else the switcher's choice, else the browser's, else Romanian."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated:
        preferred = getattr(current_user, "preferred_language", None)
        if preferred in LANGUAGES:
            return preferred
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def locale_for(language: str) -> str:
    """The locale, with the region whose formats we use, for an interface language."""
    return _FORMAT_LOCALE.get(language, _FORMAT_LOCALE[DEFAULT_LANGUAGE])


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return locale_for(select_language())


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def local_datetime(value: datetime | None, format: str = "short") -> str:
    """A stored UTC time shown in the configured time zone, in the reader's format."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value, format)


def local_minute(value: datetime | None, format: str = "medium") -> str:
    """As local_datetime, with the date in ``format`` and the time to the minute (an event's
    start, which nobody gives to the second), joined as the reader's language joins them."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    joined = str(babel_get_locale().datetime_formats.get(format, "{1} {0}"))
    return joined.replace("{1}", format_date(value, format)).replace(
        "{0}", format_time(value, "short")
    )


def local_date(value: datetime | None, format: str = "short") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_date(value, format)


def init_app(app, babel: Babel) -> None:
    """Bind Flask-Babel (``babel``, made unbound in elearn/extensions.py, which builds it
    from this module) and the template helpers to the app."""
    babel.init_app(app, locale_selector=select_locale)
    _install_template_gettext(app, babel.domain_instance)
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_minute"] = local_minute
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_language=current_language,
    )
