"""Circulating minutes by mail: one message per voting member, with the Word minutes attached.

The message is built by a pure function; `mail_minutes` is the edge that sends through
`app.mail`. The .docx is the one the minutes download gives (`app.docx.minutes`, charts
from `app.charts`); should it fail to build, the mail still goes and tells members where
to read the minutes.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from app.charts import measure_chart_png
from app.display import ascii_slug, full_date
from app.docx.minutes import build_minutes_docx
from app.mail import send_message
from app.meetings.quorum import VOTING_ROLES
from app.minutes.model import MinutesDoc
from app.models import CouncilTemplate, Membership, User

if TYPE_CHECKING:
    from app.config import Settings

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


@dataclass
class MailRun:
    emailed: int = 0
    failures: list[str] = field(default_factory=list)
    attachment: str | None = None
    notes: list[str] = field(default_factory=list)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def minutes_filename(doc: MinutesDoc) -> str:
    """`<council>-minutes-<meeting date>.docx`, in plain ASCII for every mail client."""
    return f"{ascii_slug(doc.meeting.council_name)}-minutes-{doc.meeting.date.isoformat()}.docx"


def circulation_message(
    doc: MinutesDoc, *, recipient: Recipient, link: str, attachment: tuple[str, bytes] | None
) -> EmailMessage:
    """The mail that circulates draft minutes to one member."""
    council = _one_line(doc.meeting.council_name)
    meeting = f"{council} meeting {doc.meeting.number}"
    title = _one_line(doc.meeting.title)
    named = f" ({title})" if title and title != f"Meeting {doc.meeting.number}" else ""
    where = "attached, and online" if attachment else "online"
    text = [
        f"Hello {_one_line(recipient.name)},",
        "",
        f"The draft minutes of {meeting}{named}, held on {full_date(doc.meeting.date)}, "
        "are circulated for your comments before the chair approves them.",
        "",
        f"{doc.quorum.statement}",
        f"Decisions recorded: {len(doc.decisions)}. "
        f"Actions raised: {sum(len(item.actions_raised) for item in doc.items)}.",
        "",
        f"Read them {where}: {link}",
        "",
        "-- ",
        "CX Council",
    ]
    message = EmailMessage()
    message["To"] = Address(display_name=_one_line(recipient.name), addr_spec=recipient.email)
    message["Subject"] = f"Draft minutes for comment: {meeting}, {full_date(doc.meeting.date)}"
    message.set_content("\n".join(text) + "\n")
    if attachment:
        filename, content = attachment
        maintype, subtype = DOCX_MEDIA_TYPE.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def minutes_docx(*, session: Session, doc: MinutesDoc) -> tuple[bytes | None, str | None]:
    """The Word minutes on the council's template, or None and why not."""
    template = session.get(CouncilTemplate, doc.meeting.council_id)
    try:
        content = build_minutes_docx(doc, template=template.content if template else None, charts=measure_chart_png)
    except Exception:  # the mail still goes; the log has the trace
        logger.exception("building the Word minutes of meeting %s failed", doc.meeting.meeting_id)
        return None, "The Word minutes could not be built, so the mail went without a .docx."
    return content, None


def voting_recipients(*, session: Session, council_id: int) -> list[Recipient]:
    """Active chair, secretary and members: observers read minutes once approved, not drafts."""
    rows = session.exec(
        select(User.name, User.email)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(
            Membership.council_id == council_id,
            col(Membership.role).in_([r.value for r in VOTING_ROLES]),
            col(User.is_active),
        )
        .order_by(col(User.email))
    )
    return [Recipient(name=name, email=email) for name, email in rows]


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused: " + "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"refused: {exc.smtp_code} {text}"
    return f"could not send: {exc or type(exc).__name__}"


def mail_minutes(*, session: Session, settings: Settings, doc: MinutesDoc) -> MailRun:
    """Mail the draft minutes to every voting member, one message each; failures are reported, not raised."""
    run = MailRun()
    content, why_not = minutes_docx(session=session, doc=doc)
    attachment = (minutes_filename(doc), content) if content else None
    if attachment:
        run.attachment = attachment[0]
    if why_not:
        run.notes.append(why_not)
    link = f"{settings.BASE_URL.rstrip('/')}/meetings/{doc.meeting.meeting_id}/minutes"
    for recipient in voting_recipients(session=session, council_id=doc.meeting.council_id):
        message = circulation_message(doc, recipient=recipient, link=link, attachment=attachment)
        try:
            send_message(settings, message)
        except (smtplib.SMTPException, OSError) as exc:
            run.failures.append(f"{recipient.email}: {_describe(exc)}")
            continue
        run.emailed += 1
    return run
