"""Mail goes through SMTP when a server is configured, as text and HTML."""

from __future__ import annotations

import email
import socketserver
import threading
from email import policy

import pytest

from config import config_for


class _SMTPSink(socketserver.StreamRequestHandler):
    """Just enough of SMTP (RFC 5321) to accept one message and keep it."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline().decode():
            command = line.strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.messages.append(b"".join(lines))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSink)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_reset_email_goes_through_the_configured_smtp_server(migrated_database, smtp_sink, make):
    from elearn import create_app
    from elearn.extensions import db
    from tests.conftest import Client

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.server_address[1],
            "MAIL_USE_TLS": False,
            "MAIL_DEFAULT_SENDER": "elearn <no-reply@example.org>",
        }
    )
    app.test_client_class = Client
    person = make.user(full_name="Ștefan Gyöngyi", language="ro")
    response = app.test_client().post("/password/forgot", data={"email": person.email})
    assert response.status_code == 200
    [raw] = smtp_sink.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == person.email
    assert message["Subject"] == "Resetați parola"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ștefan Gyöngyi" in text and "/password/reset/" in text
    assert "Ștefan Gyöngyi" in html and 'href="http://localhost/password/reset/' in html
    with app.app_context():
        db.engine.dispose()


def test_development_without_a_mail_server_prints_mail_to_the_console(tmp_path, monkeypatch):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    assert config_for("development", tmp_path).MAIL_BACKEND == "console"
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    assert config_for("development", tmp_path).MAIL_BACKEND == "smtp"
