"""Minutes: reading them, and their lifecycle draft → circulated → approved.

Rules, in one place (recording itself is in minutes_recording.py):
- The chair or the secretary records; the record is created by the first write.
- A meeting can be minuted while it is still `scheduled` (the secretary prepares the draft
  ahead and records it as it happens) or once `held`; a cancelled meeting cannot.
- Minutes are circulated and approved only from the meeting's start (409 before, saying
  when it starts). Circulating marks it held.
- Circulated minutes can still be corrected before approval: they stay circulated, every
  change is in the audit history, and circulating again sends the corrected version.
  Circulating opens the correction round (corrections.py); approval waits for it.
- Approved minutes never change: every editing route answers 409. A correction is an
  amendment (who, when, why). Approval freezes the whole document (in the `approved`
  audit entry), so the approved minutes read the same however the council's data moves.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.agendas.cache import AgendaCache
from app.agendas.data import Seat
from app.auth import Access
from app.common import check_if_match
from app.config import Settings
from app.display import plural
from app.errors import Conflict, Forbidden, Invalid
from app.minutes import corrections, lock, recording, window
from app.minutes import data as minutes_data
from app.minutes import mail as minutes_mail
from app.minutes.build import amendment_row, build_minutes
from app.minutes.model import AmendmentRow, MinutesDoc
from app.minutes.schemas import AmendmentCreate, CirculateResult, MinutesEventPublic, MinutesItemPublic
from app.models import (
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesAmendment,
    MinutesEvent,
    MinutesStatus,
    Role,
    User,
    utcnow,
)

READERS = (Role.chair, Role.secretary, Role.member)
logger = logging.getLogger(__name__)


# -- reading -------------------------------------------------------------------------


def _check_may_read(access: Access, minutes: Minutes | None) -> None:
    if access.is_(Role.observer) and (minutes is None or minutes.status != MinutesStatus.approved):
        raise Forbidden("Observers read the minutes once the chair has approved them.")


def _approved_doc(session: Session, meeting: Meeting, minutes: Minutes) -> MinutesDoc | None:
    """The document as approved, with the amendments made since."""
    event = session.exec(
        select(MinutesEvent)
        .where(MinutesEvent.meeting_id == meeting.id, MinutesEvent.kind == "approved")
        .order_by(col(MinutesEvent.id).desc())
        .limit(1)
    ).first()
    if event is None or "snapshot" not in event.detail:
        return None
    try:
        doc = MinutesDoc.model_validate(event.detail["snapshot"])
    except ValidationError:
        # A snapshot from before MinutesDoc changed shape: rebuild rather than fail.
        logger.warning("approved minutes of meeting %s: snapshot no longer valid, rebuilt", meeting.id)
        return None
    doc.version = minutes.version
    doc.amendments = [
        amendment_row(a, who) for a, who in minutes_data.load_amendments(session=session, meeting=meeting)
    ]
    return doc


def load_minutes(
    *, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None, register: bool = True
) -> MinutesDoc:
    """The minutes as they stand (any seat; observers once approved), built by a fixed number of queries;
    the agenda they follow from the app's agenda `cache` when given (minutes_data.agenda_for). `register=False`
    (the page) leaves the open-action register out of minutes not yet approved (minutes_data.load_minutes_data)."""
    return read_minutes(session=session, access=access, meeting=meeting, cache=cache, register=register).doc


@dataclass(frozen=True)
class MinutesRead:
    """load_minutes's document, with the rows it read that the page shows too (not read again)."""

    doc: MinutesDoc
    minutes: Minutes | None  # the record (None before the first write)
    seats: list[Seat] | None  # the council's seats, when the document was built from the rows (not as approved)
    aob_carried: set[int] | None = None  # its AOB items carried on to a later meeting, when built from the rows


def read_minutes(
    *, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None, register: bool = True
) -> MinutesRead:
    """load_minutes, and what it read on the way."""
    minutes = session.get(Minutes, meeting.id)
    _check_may_read(access, minutes)
    if minutes is not None and minutes.status == MinutesStatus.approved:
        frozen = _approved_doc(session, meeting, minutes)
        if frozen is not None:
            return MinutesRead(doc=frozen, minutes=minutes, seats=None)
    data = minutes_data.current_data(
        session=session,
        access=access,
        meeting=meeting,
        minutes=minutes,
        cache=cache,
        register=register,
        minutes_read=True,
    )
    return MinutesRead(doc=build_minutes(data), minutes=minutes, seats=data.seats, aob_carried=data.aob_carried)


def get_item_notes(*, session: Session, access: Access, meeting: Meeting, number: int) -> MinutesItemPublic:
    """One item's notes with their version, the ETag a save sends back (any seat; observers once approved)."""
    minutes = session.get(Minutes, meeting.id)
    _check_may_read(access, minutes)
    return recording.item_public(session, meeting, number, recording.load_item(session, meeting, number))


def list_history(*, session: Session, access: Access, meeting: Meeting) -> list[MinutesEventPublic]:
    """Every change to the minutes, oldest first (not observers)."""
    access.require(*READERS, doing="read the history of the minutes")
    rows = session.exec(
        select(MinutesEvent, User.name)
        .outerjoin(User, col(User.id) == MinutesEvent.user_id)
        .where(MinutesEvent.meeting_id == meeting.id)
        .order_by(col(MinutesEvent.id))
    )
    return [
        MinutesEventPublic(
            id=event.id,
            at=event.at,
            kind=event.kind,
            user_id=event.user_id,
            user_name=name,
            # The approved document itself is the minutes, not a change to them.
            detail={k: v for k, v in event.detail.items() if k != "snapshot"},
        )
        for event, name in rows
    ]


# -- the lifecycle -------------------------------------------------------------------


def circulate_minutes(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    settings: Settings,
    email: bool,
    if_match: str | None,
    now: datetime | None = None,
) -> CirculateResult:
    """Send the draft round for corrections (chair or secretary), optionally mailing the attendees (queued on
    the outbox); opens the correction window (restarted by circulating again) and marks the meeting held."""
    access.require(*lock.RECORDERS, doing="circulate the minutes")
    lock.check_can_minute(meeting)
    lock.refuse_before_start(meeting, access.council.timezone)
    minutes, created = lock.lock_minutes(session, meeting, started_by=access.user.id)
    lock.refuse_if_approved(minutes, meeting)
    check_if_match(if_match, 0 if created else minutes.version)
    again = minutes.status == MinutesStatus.circulated
    outline = minutes_data.agenda_for(session=session, access=access, meeting=meeting)
    now = now or utcnow()
    council = access.council
    minutes.status = MinutesStatus.circulated
    minutes.circulated_at = now
    minutes.corrections_close_at = window.window_close(now, council.correction_window_days, council.timezone)
    minutes.agenda_version = outline.version
    marked_held = meeting.status == MeetingStatus.scheduled
    if marked_held:
        meeting.status = MeetingStatus.held
        meeting.updated_at = now
        session.add(meeting)
    lock.touch(session, minutes)
    doc = minutes_data.current_doc(session=session, access=access, meeting=meeting, minutes=minutes, outline=outline)
    run = (
        minutes_mail.queue_circulated(session=session, settings=settings, council=council, doc=doc, now=now)
        if email
        else minutes_mail.MailRun()
    )
    if marked_held:
        run.notes.insert(0, f"Meeting {meeting.number} is now marked as held.")
    if email and not settings.SMTP_URL:
        run.notes.append("This server has no mail set up (SMTP_URL): the mail waits in the outbox and goes once it is.")
    detail = {
        "again": again,
        "meeting_marked_held": marked_held,
        "email": email,
        "corrections_close_at": minutes.corrections_close_at.isoformat() if minutes.corrections_close_at else None,
    }
    if email:
        detail |= {"emailed": run.emailed, "attachment": run.attachment}
    lock.record(session, access, meeting, "circulated", detail)
    session.flush()
    return CirculateResult(
        minutes=doc, emailed=run.emailed, failures=run.failures, attachment=run.attachment, notes=run.notes
    )


def approve_minutes(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    if_match: str | None,
    settings: Settings,
    reason: str = "",
    now: datetime | None = None,
) -> MinutesDoc:
    """The chair approves circulated minutes as a true record, once every correction is decided and the window
    has closed (or before, saying why); everyone is mailed. From now on they only take amendments."""
    access.require(Role.chair, doing="approve the minutes")
    lock.check_can_minute(meeting)
    lock.refuse_before_start(meeting, access.council.timezone)
    minutes, _ = lock.lock_minutes(session, meeting)
    lock.refuse_if_approved(minutes, meeting)
    if minutes.status != MinutesStatus.circulated:
        raise Conflict("Circulate the minutes before approving them, so members see them first.")
    check_if_match(if_match, minutes.version)
    if waiting := corrections.pending_count(session, meeting):
        raise Conflict(
            f"{plural(waiting, 'correction')} still {'waits' if waiting == 1 else 'wait'} for the secretary's "
            "decision: accept or reject them before approving the minutes."
        )
    now = now or utcnow()
    reason = reason.strip()
    # No window (circulated before the round existed, or a council with none): nothing to be early for.
    early = minutes.corrections_close_at is not None and now < minutes.corrections_close_at
    if early and not reason:
        closes = window.last_day_words(minutes.corrections_close_at, access.council.timezone)
        raise Invalid(
            f"The correction window is open until the end of {closes}. To approve before it closes, "
            "say why in `reason`.",
            field="reason",
        )
    minutes.status = MinutesStatus.approved
    minutes.approved_at = now
    minutes.approved_by_id = access.user.id
    minutes.approved_early_reason = reason if early else ""
    lock.touch(session, minutes)
    doc = minutes_data.current_doc(session=session, access=access, meeting=meeting, minutes=minutes)
    detail = {"version": minutes.version, "snapshot": doc.model_dump(mode="json")}
    if early:
        detail["early_reason"] = reason
    lock.record(session, access, meeting, "approved", detail)
    minutes_mail.queue_approved(session=session, settings=settings, council=access.council, doc=doc, now=now)
    session.flush()
    return doc


def add_amendment(*, session: Session, access: Access, meeting: Meeting, amendment_in: AmendmentCreate) -> AmendmentRow:
    """Correct approved minutes: the correction, who made it, when and why, shown with the minutes."""
    access.require(*lock.RECORDERS, doing="amend approved minutes")
    minutes = lock.locked_minutes(session, meeting)
    if minutes is None or minutes.status != MinutesStatus.approved:
        raise Conflict("Only approved minutes take amendments; until the chair approves them, edit the minutes.")
    amendment = MinutesAmendment(
        meeting_id=meeting.id,
        item_number=amendment_in.item_number,
        text=amendment_in.text,
        reason=amendment_in.reason,
        made_by_id=access.user.id,
    )
    session.add(amendment)
    session.flush()
    lock.record_change(
        session,
        access,
        meeting,
        minutes,
        "amended",
        {
            "amendment_id": amendment.id,
            "item_number": amendment.item_number,
            "text": amendment.text,
            "reason": amendment.reason,
        },
    )
    return amendment_row(amendment, access.user.name)
