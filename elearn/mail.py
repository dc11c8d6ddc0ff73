"""Email: every message goes out as plain text and HTML, in the recipient's language.

The backend is Flask-Mailman's: SMTP when MAIL_SERVER is set, the console in development
(so that reset links can be followed without a mail server), memory in the tests.

Mail asked for while a request is answered goes out after the response has been sent, so
that how long a page takes says nothing about whether a message was sent (who has an
account), and a slow mail server never slows a page down.
"""

from __future__ import annotations

import logging
import smtplib
from functools import partial

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives
from werkzeug.wsgi import ClosingIterator

from elearn.i18n import DEFAULT_LANGUAGE, LANGUAGES, locale_for

log = logging.getLogger(__name__)


def send_email(
    *, to: str, language: str, subject, template: str, attachments=(), **context
) -> bool:
    """Render ``email/<template>.txt`` and ``.html`` in ``language`` and send them to ``to``.

    ``subject`` is a lazy string, translated here in the recipient's language. During a
    request the message is only queued, and sent after the response (True); otherwise it is
    sent now, and True means the mail server accepted it. A failure is logged, never raised:
    the page that triggered the message must answer the same whether or not the mail went out.
    ``attachments`` are (file name, content, MIME type) triples, such as an event's .ics file.
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
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    if has_request_context() and _QUEUE in request.environ:
        request.environ[_QUEUE].append((template, message))
        return True
    return _deliver(template, message)


_QUEUE = "elearn.mail_after_response"


def _deliver(template: str, message: EmailMultiAlternatives) -> bool:
    try:
        return message.send() == 1
    except (smtplib.SMTPException, OSError):
        log.exception("Could not send the %s email", template)
        return False


class SendAfterResponse:
    """WSGI middleware: the messages a request queued are sent once its response is out.

    The server calls ``close()`` on the response after writing its last byte (PEP 3333);
    that is when the messages go. With MAIL_AFTER_CLOSE off (the tests, whose client does
    not close responses), they go as soon as the application has finished the response.
    Either way no message is sent while the view runs.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        queue = environ[_QUEUE] = []
        body = self.wsgi_app(environ, start_response)
        if not queue:
            return body
        if not self.app.config["MAIL_AFTER_CLOSE"]:
            self._send(queue)
            return body
        return ClosingIterator(body, [partial(self._send, queue)])

    def _send(self, queue: list) -> None:
        with self.app.app_context():
            while queue:
                _deliver(*queue.pop(0))


def init_app(app) -> None:
    app.wsgi_app = SendAfterResponse(app)
