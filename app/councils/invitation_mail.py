"""Mailing an invitation's link, after the invitation is committed.

There is no outbox yet, so the message goes straight through `app.mail` once the
invitation is stored: a refusing or missing SMTP server cannot undo the invitation, the
answer says honestly whether the link left, and the chair can resend it.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlmodel import Session

from app.councils import invitation_service as service
from app.councils.invitation_schemas import InvitationSent
from app.display import full_date
from app.mail import send_message
from app.models import Council, Invitation, User

if TYPE_CHECKING:
    from app.config import Settings


@dataclass(frozen=True)
class MailOutcome:
    sent: bool
    detail: str


def _one_line(text: str) -> str:
    return " ".join(text.split())


def invitation_message(*, invitation: Invitation, council_name: str, inviter_name: str, link: str) -> EmailMessage:
    """The one message every invited person gets, whether or not they have an account."""
    council = _one_line(council_name)
    greeting = f"Hello {_one_line(invitation.name)}," if invitation.name else "Hello,"
    text = [
        greeting,
        "",
        f"{_one_line(inviter_name)} invites you to sit on {council} as {invitation.role}.",
        "",
        f"Accept or decline here: {link}",
        "If you have no account yet, the same page lets you choose your name and password.",
        f"The link works until {full_date(invitation.expires_at.date())}.",
        "",
        "If you did not expect this, ignore this message: nobody is seated until they accept.",
        "",
        "-- ",
        "CX Council",
    ]
    message = EmailMessage()
    message["To"] = Address(display_name=_one_line(invitation.name), addr_spec=invitation.email)
    message["Subject"] = f"Invitation to {council}"
    message.set_content("\n".join(text) + "\n")
    return message


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused: " + "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"refused: {exc.smtp_code} {text}"
    return f"could not send: {exc or type(exc).__name__}"


def mail_invitation(
    *, settings: Settings, invitation: Invitation, council: Council, inviter: User, token: str
) -> MailOutcome:
    """Send the link; failures are reported, never raised."""
    if not settings.SMTP_URL:
        return MailOutcome(False, "not sent: no mail server is configured (SMTP_URL)")
    link = f"{settings.BASE_URL.rstrip('/')}/invitations/{token}"
    message = invitation_message(invitation=invitation, council_name=council.name, inviter_name=inviter.name, link=link)
    try:
        send_message(settings, message)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        return MailOutcome(False, f"not sent: {_describe(exc)}")
    return MailOutcome(True, f"sent to {invitation.email}")


def commit_and_mail(
    *, session: Session, settings: Settings, invitation: Invitation, council: Council, inviter: User, token: str
) -> InvitationSent:
    """Commit the invitation, then mail its link and record that it left.

    The one place a request commits before it ends: mail cannot be taken back, so it
    leaves only once the invitation it points to is stored. What follows (the time it
    was mailed) is committed with the rest of the request.
    """
    session.commit()
    outcome = mail_invitation(settings=settings, invitation=invitation, council=council, inviter=inviter, token=token)
    if outcome.sent:
        service.mark_mailed(session=session, invitation=invitation)
    public = service.invitation_public(session=session, invitation=invitation)
    return InvitationSent(
        **public.model_dump(), mail="sent" if outcome.sent else "not sent", mail_detail=outcome.detail
    )
