"""The minutes' mail, queued on the outbox in the request's transaction (app.notifications.notify):

- circulated → the meeting's attendees (seats recorded present or by delegate, plus the chair
  and the secretary; observers read minutes once approved, not drafts), with the Word minutes,
  the day the correction window closes and the link to propose corrections;
- approved → every active seat, observers included, with the approved Word minutes;
- a correction proposed → the secretary; a correction decided → whoever proposed it.

The .docx is the one the minutes download gives (`app.docx.minutes`, charts from
`app.charts`); should it fail to build, the mail still goes and says where to read them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.charts import measure_chart_png
from app.display import ascii_slug, full_date
from app.docx.minutes import build_minutes_docx
from app.meetings.quorum import VOTING_ROLES
from app.minutes.model import CorrectionRow, MinutesDoc
from app.minutes.window import last_day_words
from app.models import Attendance, AttendanceStatus, Council, CouncilTemplate, Membership, Role, User
from app.notifications.service import Attachment, Recipient, notify

if TYPE_CHECKING:
    from app.config import Settings

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTENDED = (AttendanceStatus.present.value, AttendanceStatus.delegate.value)
logger = logging.getLogger(__name__)


@dataclass
class MailRun:
    # Mails queued on the outbox (the deliverer sends them after the request commits).
    emailed: int = 0
    failures: list[str] = field(default_factory=list)
    attachment: str | None = None
    notes: list[str] = field(default_factory=list)


def minutes_filename(doc: MinutesDoc) -> str:
    """`<council>-minutes-<meeting date>.docx`, in plain ASCII for every mail client."""
    return f"{ascii_slug(doc.meeting.council_name)}-minutes-{doc.meeting.date.isoformat()}.docx"


def minutes_docx(*, session: Session, doc: MinutesDoc) -> tuple[bytes | None, str | None]:
    """The Word minutes on the council's template, or None and why not."""
    template = session.get(CouncilTemplate, doc.meeting.council_id)
    try:
        content = build_minutes_docx(doc, template=template.content if template else None, charts=measure_chart_png)
    except Exception:  # the mail still goes; the log has the trace
        logger.exception("building the Word minutes of meeting %s failed", doc.meeting.meeting_id)
        return None, "The Word minutes could not be built, so the mail went without a .docx."
    return content, None


def _people(session: Session, council_id: int, *where) -> list[Recipient]:
    rows = session.exec(
        select(User.id, User.name, User.email)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.council_id == council_id, col(User.is_active), *where)
        .order_by(col(User.email))
    )
    return [Recipient(user_id=user_id, name=name, email=email) for user_id, name, email in rows]


def attendee_recipients(*, session: Session, council_id: int, meeting_id: int) -> list[Recipient]:
    """Who reads the draft: voting seats recorded present or by delegate, plus the chair and the secretary."""
    attended = select(Attendance.membership_id).where(
        Attendance.meeting_id == meeting_id, col(Attendance.status).in_(ATTENDED)
    )
    return _people(
        session,
        council_id,
        col(Membership.role).in_([r.value for r in VOTING_ROLES]),
        (col(Membership.role).in_([Role.chair.value, Role.secretary.value])) | col(Membership.id).in_(attended),
    )


def everyone(*, session: Session, council_id: int) -> list[Recipient]:
    """Every active seat, observers included: approved minutes are for the whole council."""
    return _people(session, council_id)


def secretaries(*, session: Session, council_id: int) -> list[Recipient]:
    return _people(session, council_id, Membership.role == Role.secretary.value)


def _attach(session: Session, doc: MinutesDoc, run: MailRun) -> list[Attachment]:
    content, why_not = minutes_docx(session=session, doc=doc)
    if why_not:
        run.notes.append(why_not)
    if content is None:
        return []
    run.attachment = minutes_filename(doc)
    return [Attachment(run.attachment, content, DOCX_MEDIA_TYPE)]


def _meeting_words(doc: MinutesDoc) -> str:
    h = doc.meeting
    named = f" ({h.title})" if h.title and h.title != f"Meeting {h.number}" else ""
    return f"meeting {h.number}{named}, held on {full_date(h.date)}"


def _queue_minutes(
    *,
    session: Session,
    settings: Settings,
    kind: str,
    council: Council,
    doc: MinutesDoc,
    recipients: list[Recipient],
    headline: str,
    context: dict,
    link: str,
    now: datetime | None,
) -> MailRun:
    """Queue the Word minutes to `recipients`: the mail of `kind`, on the template of that name, its subject
    `headline` and the meeting."""
    run = MailRun()
    attachments = _attach(session, doc, run)
    rows = notify(
        session,
        settings,
        kind=kind,
        council=council,
        recipients=recipients,
        subject=f"{headline}: {council.name} meeting {doc.meeting.number}, {full_date(doc.meeting.date)}",
        template=kind,
        context={"doc": doc, "meeting_words": _meeting_words(doc), **context, "attached": bool(attachments)},
        link=link,
        attachments=attachments,
        now=now,
    )
    run.emailed = len(rows)
    return run


def queue_circulated(
    *, session: Session, settings: Settings, council: Council, doc: MinutesDoc, now: datetime | None = None
) -> MailRun:
    """Queue the draft minutes to the meeting's attendees, one mail each, with the Word minutes."""
    meeting_id = doc.meeting.meeting_id
    return _queue_minutes(
        session=session,
        settings=settings,
        kind="minutes_circulated",
        council=council,
        doc=doc,
        recipients=attendee_recipients(session=session, council_id=council.id, meeting_id=meeting_id),
        headline="Draft minutes for corrections",
        context={
            "until": last_day_words(doc.corrections_close_at, council.timezone) if doc.corrections_close_at else None,
            "decisions": len(doc.decisions),
            "actions": sum(len(item.actions_raised) for item in doc.items),
        },
        link=f"/meetings/{meeting_id}/minutes#corrections",
        now=now,
    )


def queue_approved(
    *, session: Session, settings: Settings, council: Council, doc: MinutesDoc, now: datetime | None = None
) -> MailRun:
    """Queue the approved minutes to every active seat, with the approved Word minutes."""
    zone = ZoneInfo(council.timezone)
    return _queue_minutes(
        session=session,
        settings=settings,
        kind="minutes_approved",
        council=council,
        doc=doc,
        recipients=everyone(session=session, council_id=council.id),
        headline="Minutes approved",
        context={
            "approved_on": full_date(doc.approved_at.astimezone(zone)) if doc.approved_at else "",
            "accepted": sum(1 for c in doc.corrections if c.status == "accepted"),
        },
        link=f"/meetings/{doc.meeting.meeting_id}/minutes",
        now=now,
    )


def queue_correction_proposed(
    *, session: Session, settings: Settings, council: Council, doc: MinutesDoc, correction: CorrectionRow, item: str
) -> None:
    """Tell the secretary a correction waits for their decision."""
    notify(
        session,
        settings,
        kind="correction_proposed",
        council=council,
        recipients=secretaries(session=session, council_id=council.id),
        subject=f"Correction proposed to the minutes of {council.name} meeting {doc.meeting.number}",
        template="minutes_correction_proposed",
        context={"doc": doc, "meeting_words": _meeting_words(doc), "correction": correction, "item": item},
        link=f"/meetings/{doc.meeting.meeting_id}/minutes#correction-{correction.id}",
    )


def queue_correction_decided(
    *,
    session: Session,
    settings: Settings,
    council: Council,
    doc: MinutesDoc,
    correction: CorrectionRow,
    item: str,
    proposer: User,
) -> None:
    """Tell whoever proposed a correction what the secretary decided, and why."""
    notify(
        session,
        settings,
        kind="correction_decided",
        council=council,
        recipients=[Recipient(user_id=proposer.id, name=proposer.name, email=proposer.email)]
        if proposer.is_active
        else [],
        subject=f"Your correction was {correction.status}: minutes of {council.name} meeting {doc.meeting.number}",
        template="minutes_correction_decided",
        context={"doc": doc, "meeting_words": _meeting_words(doc), "correction": correction, "item": item},
        link=f"/meetings/{doc.meeting.meeting_id}/minutes#correction-{correction.id}",
    )
