"""Outgoing mail: SMTP_URL parsed once, one standard-library SMTP connection per message.

SMTP_URL forms (user and password are optional; percent-encode `@`, `:` or `/` in them):

    smtp://host[:port]                      plain SMTP, no TLS (port 25): a local relay or a test server
    smtp+starttls://user:pass@host[:port]   STARTTLS after connecting (port 587)
    smtps://user:pass@host[:port]           TLS from the first byte, "implicit TLS" (port 465)

The security is in the scheme alone, so a URL says at a glance whether the password
travels encrypted; a query string (`?starttls=1` and the like) is refused, not ignored.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from app.config import Settings

Security = Literal["none", "starttls", "tls"]
SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("none", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
# Long enough for a slow relay, short enough that a dead one cannot stall the run
# (on SQLite the digest's record holds the write lock while its message is sent).
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never print the password
        user = f"{self.username}@" if self.username else ""
        return f"SmtpServer({self.security}://{user}{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server an SMTP_URL names; ValueError, without the password, when it is malformed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(
            f"SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not {scheme + '://' if scheme else '…'}"
        )
    if parts.query or parts.fragment or parts.path not in ("", "/"):
        raise ValueError(
            "SMTP_URL takes no path or options; choose the security with the scheme "
            "(smtp+starttls:// for STARTTLS, smtps:// for implicit TLS)"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError("SMTP_URL has an invalid port") from None
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host")
    security, default_port = SCHEMES[scheme]
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def stamp_message(settings: Settings, message: EmailMessage) -> EmailMessage:
    """Give a message the From, Date and Message-ID it lacks (From is MAIL_FROM)."""
    if "From" not in message:
        message["From"] = settings.MAIL_FROM
    # Mail without these is scored as spam; the sender's domain avoids a slow getfqdn().
    if "Date" not in message:
        message["Date"] = formatdate()
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=sender_domain(message))
    return message


def sender_domain(message: EmailMessage) -> str:
    addresses = getattr(message["From"], "addresses", ())
    return (addresses[0].domain if addresses else "") or "localhost"


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """One connection to SMTP_URL, secured and logged in as the URL says; closed on leaving."""
    if not settings.SMTP_URL:
        raise ValueError("SMTP_URL is not set")
    server = parse_smtp_url(settings.SMTP_URL)
    if server.security == "tls":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with connection:
        if server.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
        if server.username:
            connection.login(server.username, server.password or "")
        yield connection


def send_message(settings: Settings, message: EmailMessage) -> None:
    """Send one message through SMTP_URL, From MAIL_FROM unless it has one; raises on refusal."""
    stamp_message(settings, message)
    with smtp_connection(settings) as connection:
        connection.send_message(message)
