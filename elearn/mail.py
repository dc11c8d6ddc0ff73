"""Email: every message goes out as plain text and HTML, in the recipient's language.

The backend is Flask-Mailman's: SMTP when MAIL_SERVER is set, the console in development
(so that reset links can be followed without a mail server), memory in the tests.
"""

from __future__ import annotations

import logging
import smtplib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives

from elearn.i18n import DEFAULT_LANGUAGE, LANGUAGES, locale_for

log = logging.getLogger(__name__)


def send_email(*, to: str, language: str, subject, template: str, **context) -> bool:
    """Render ``email/<template>.txt`` and ``.html`` in ``language`` and send them to ``to``.

    ``subject`` is a lazy string, translated here in the recipient's language. Returns True
    when the mail server accepted the message. A failure is logged, never raised: the page
    that triggered the message must answer the same whether or not the mail went out.
    """
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    with force_locale(locale_for(language)):
        subject_text = str(subject)
        text_body = render_template(f"email/{template}.txt", subject=subject_text, **context)
        html_body = render_template(f"email/{template}.html", subject=subject_text, **context)
    message = EmailMultiAlternatives(
        subject=subject_text,
        body=text_body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
    )
    message.attach_alternative(html_body, "text/html")
    try:
        return message.send() == 1
    except (smtplib.SMTPException, OSError):
        log.exception("Could not send the %s email", template)
        return False
