"""Mailing an invitation's link: queued on the outbox in the request's own transaction.

The mail is a row written with the invitation, so a request that fails queues nothing and
one that commits cannot lose its mail; the deliverer sends it (`council deliver`). A
refusing mail server is retried and, if it never accepts, shown on the council's Mail
page, where the chair can send it again (or resend the invitation for a new link).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlmodel import Session

from app.councils import invitation_service as service
from app.councils.invitation_schemas import InvitationSent
from app.display import full_date
from app.models import Council, Invitation, User
from app.notifications.compose import render_mail
from app.notifications.kinds import ACCOUNT
from app.notifications.service import Recipient, build_message, one_line
from app.outbox.queue import enqueue

if TYPE_CHECKING:
    from email.message import EmailMessage

    from app.config import Settings


def invitation_message(*, invitation: Invitation, council_name: str, inviter_name: str, link: str) -> EmailMessage:
    """The one message every invited person gets, whether or not they have an account."""
    context = {
        "recipient": SimpleNamespace(name=one_line(invitation.name) or "there"),
        "council": SimpleNamespace(name=one_line(council_name)),
        "inviter_name": one_line(inviter_name),
        "role": invitation.role,
        "link": link,
        "until": full_date(invitation.expires_at.date()),
        # Account mail: nobody opts out of it, so the footer shows no preferences.
        "kind": None,
        "preferences_url": None,
        "unsubscribe_url": None,
    }
    text, html = render_mail("invitation", context)
    recipient = Recipient(user_id=0, name=invitation.name, email=invitation.email)
    return build_message(recipient=recipient, subject=f"Invitation to {one_line(council_name)}", text=text, html=html)


def queue_invitation(
    *, session: Session, settings: Settings, invitation: Invitation, council: Council, inviter: User, token: str
) -> InvitationSent:
    """Queue the link's mail in this transaction and record when; the answer says it is queued."""
    link = f"{settings.BASE_URL.rstrip('/')}/invitations/{token}"
    message = invitation_message(invitation=invitation, council_name=council.name, inviter_name=inviter.name, link=link)
    enqueue(session, settings, message, kind=ACCOUNT, council_id=council.id)
    service.mark_mailed(session=session, invitation=invitation)
    public = service.invitation_public(session=session, invitation=invitation)
    detail = f"queued for {invitation.email}"
    if not settings.SMTP_URL:
        detail += "; no mail server is configured (SMTP_URL), so it leaves once one is"
    return InvitationSent(**public.model_dump(), mail="queued", mail_detail=detail)
