"""A real SMTP server on loopback (aiosmtpd) for the tests that send mail, and an app that mails to it."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from fastapi.testclient import TestClient


@dataclass
class Inbox:
    """What the test SMTP server received; addresses in `refuse` get a 550."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # each message's bytes as the server received them
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.raw.append(envelope.original_content)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


def one_line(text: str) -> str:
    """Whitespace collapsed: rendered text compared without depending on where its lines wrap."""
    return " ".join(text.split())


def text_of(message: EmailMessage) -> str:
    """A mail's plain-text part with its lines joined: the layout wraps paragraphs at 76 characters."""
    return one_line(message.get_body(("plain",)).get_content())


class AnyPortController(Controller):
    """Listens on port 0, a free port the OS picks, and learns which before its self-check."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def inbox() -> Inbox:
    box = Inbox()
    controller = AnyPortController(
        box, hostname="127.0.0.1", port=0, authenticator=box.authenticate, auth_require_tls=False
    )
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


@pytest.fixture
def mail_app(settings, inbox):
    """The app mailing through `inbox`, with links to http://council.example: (app, client)."""
    from app.main import create_app

    application = create_app(settings.model_copy(update={"SMTP_URL": inbox.url, "BASE_URL": "http://council.example"}))
    with TestClient(application) as test_client:
        yield application, test_client
    application.state.engine.dispose()
