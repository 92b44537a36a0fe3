"""The correction round: circulated minutes take corrections from the people who attended.

Rules, in one place:
- Circulating opens a window of `councils.correction_window_days` working days (Monday to
  Friday in the council's time zone), counted from the day after circulation and closing at
  the end of the last one. Circulating again restarts it: the corrected minutes are a new
  text, and the people who attended get the same time to read it as they had the first.
  A window of 0 days means no window (the chair may approve at once).
- While it is open, whoever attended (a voting seat recorded present or by delegate) and
  the chair and secretary propose corrections, one item at a time: the item's notes as they
  should read, and why. After it closes: 409 saying when it closed.
- The secretary (or the chair, standing in) accepts or rejects each, with a note (required
  to reject). Accepting may write the corrected wording into the item's notes: a versioned
  edit, refused (412) if the notes changed since the proposer (or the secretary) read them.
- The proposer may withdraw a correction nobody has decided yet.
- Approval waits for every correction to be decided (409 naming how many), and for the
  window to close unless the chair says why not (approve_minutes in service.py).
Every step is in the minutes' history; the Word minutes print the round.
"""

from datetime import datetime

from sqlmodel import Session, func, select

from app.auth import Access
from app.config import Settings
from app.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from app.meetings.quorum import VOTING_ROLES
from app.minutes import data as minutes_data
from app.minutes import lock, recording
from app.minutes import mail as minutes_mail
from app.minutes.build import correction_row
from app.minutes.model import CorrectionRow, MinutesDoc
from app.minutes.schemas import CorrectionCreate, CorrectionDecision
from app.minutes.window import last_day_words
from app.models import (
    Attendance,
    CorrectionStatus,
    Meeting,
    Minutes,
    MinutesCorrection,
    MinutesItem,
    MinutesStatus,
    Role,
    User,
    utcnow,
)

DECIDERS = (Role.chair, Role.secretary)


# -- the window ----------------------------------------------------------------------


def is_open(minutes: Minutes | None, now: datetime | None = None) -> bool:
    """Corrections may be proposed: circulated, not approved, and the window (if any) not yet closed."""
    if minutes is None or minutes.status != MinutesStatus.circulated:
        return False
    return minutes.corrections_close_at is None or (now or utcnow()) < minutes.corrections_close_at


def pending_count(session: Session, meeting: Meeting) -> int:
    return session.exec(
        select(func.count())
        .select_from(MinutesCorrection)
        .where(MinutesCorrection.meeting_id == meeting.id, MinutesCorrection.status == CorrectionStatus.proposed)
    ).one()


# -- who ------------------------------------------------------------------------------


def attended(session: Session, access: Access, meeting: Meeting) -> bool:
    """Whether this seat may propose corrections: the chair, the secretary, or a voting seat that attended."""
    if access.is_(*DECIDERS):
        return True
    if access.membership.role not in VOTING_ROLES:
        return False
    status = session.exec(
        select(Attendance.status).where(
            Attendance.meeting_id == meeting.id, Attendance.membership_id == access.membership.id
        )
    ).first()
    return status in minutes_mail.ATTENDED


# -- reading --------------------------------------------------------------------------


def list_corrections(*, session: Session, access: Access, meeting: Meeting) -> list[CorrectionRow]:
    """The corrections proposed, oldest first (any voting seat: observers read approved minutes only)."""
    access.require(*VOTING_ROLES, doing="read the corrections proposed to the minutes")
    return [correction_row(c, by, d) for c, by, d in minutes_data.load_corrections(session=session, meeting=meeting)]


def _get(session: Session, meeting: Meeting, correction_id: int) -> MinutesCorrection:
    correction = session.get(MinutesCorrection, correction_id)
    if correction is None or correction.meeting_id != meeting.id:
        raise NotFound("Correction not found.")
    return correction


def _row(session: Session, correction: MinutesCorrection) -> CorrectionRow:
    return correction_row(
        correction, lock.name_of(session, correction.proposed_by_id), lock.name_of(session, correction.decided_by_id)
    )


def _save(
    session: Session,
    access: Access,
    meeting: Meeting,
    minutes: Minutes,
    correction: MinutesCorrection,
    kind: str,
    detail: dict,
) -> CorrectionRow:
    """Write the correction, audit the step as `kind` (its id first, then `detail`) and move the minutes' version."""
    session.add(correction)
    session.flush()
    lock.record_change(session, access, meeting, minutes, kind, {"correction_id": correction.id, **detail})
    return _row(session, correction)


def _refuse_if_decided(correction: MinutesCorrection) -> None:
    if correction.status != CorrectionStatus.proposed:
        raise Conflict(f"This correction was already {correction.status}.")


def _settle(correction: MinutesCorrection, access: Access, status: CorrectionStatus) -> None:
    """Close a correction: withdrawn by its proposer, or accepted or rejected by the secretary, now."""
    correction.status = status
    correction.decided_by_id = access.user.id
    correction.decided_at = utcnow()


def _item_label(doc: MinutesDoc, number: int) -> str:
    item = next((i for i in doc.items if i.number == number), None)
    return f"{item.position}, {item.title}" if item else str(number)


def _refuse_unless_open(minutes: Minutes | None, meeting: Meeting, timezone: str, now: datetime) -> Minutes:
    if minutes is None or minutes.status == MinutesStatus.draft:
        raise Conflict(
            "These minutes have not been circulated yet: corrections open when the secretary circulates them."
        )
    lock.refuse_if_approved(minutes, meeting)
    if not is_open(minutes, now):
        closed = minutes.corrections_close_at
        assert closed is not None
        raise Conflict(
            f"The correction window closed on {last_day_words(closed, timezone)}: corrections are no longer "
            "taken. Tell the secretary or the chair if something is wrong."
        )
    return minutes


# -- proposing ------------------------------------------------------------------------


def propose(
    *,
    session: Session,
    settings: Settings,
    access: Access,
    meeting: Meeting,
    correction_in: CorrectionCreate,
    now: datetime | None = None,
) -> CorrectionRow:
    """An attendee proposes the corrected wording of one item, and why; the secretary is told."""
    access.require(*VOTING_ROLES, doing="propose corrections to the minutes")
    now = now or utcnow()
    council = access.council
    minutes = _refuse_unless_open(lock.locked_minutes(session, meeting), meeting, council.timezone, now)
    if not attended(session, access, meeting):
        raise Forbidden("Only the people who attended the meeting propose corrections to its minutes.")
    recording.check_standing_item(session, meeting, correction_in.item_number)
    doc = minutes_data.current_doc(session=session, access=access, meeting=meeting, minutes=minutes)
    if not any(i.number == correction_in.item_number for i in doc.items):
        raise Invalid(f"Item {correction_in.item_number} is not on these minutes.", field="item_number")
    item = recording.load_item(session, meeting, correction_in.item_number)
    correction = MinutesCorrection(
        meeting_id=meeting.id,
        item_number=correction_in.item_number,
        proposed_by_id=access.user.id,
        text=correction_in.text,
        reason=correction_in.reason,
        item_version=item.version if item else 0,
        created_at=now,
    )
    detail = {"item_number": correction.item_number, "text": correction.text, "reason": correction.reason}
    row = _save(session, access, meeting, minutes, correction, "correction_proposed", detail)
    minutes_mail.queue_correction_proposed(
        session=session,
        settings=settings,
        council=council,
        doc=doc,
        correction=row,
        item=_item_label(doc, row.item_number),
    )
    return row


def _refuse_unless_circulated(minutes: Minutes, meeting: Meeting) -> None:
    lock.refuse_if_approved(minutes, meeting)
    if minutes.status != MinutesStatus.circulated:
        raise Conflict("Corrections are decided while the minutes are circulated; these are not.")


def withdraw(*, session: Session, access: Access, meeting: Meeting, correction_id: int) -> CorrectionRow:
    """Whoever proposed a correction takes it back, before the secretary decides it."""
    access.require(*VOTING_ROLES, doing="withdraw corrections")
    minutes, _ = lock.lock_minutes(session, meeting)
    _refuse_unless_circulated(minutes, meeting)
    correction = _get(session, meeting, correction_id)
    if correction.proposed_by_id != access.user.id:
        raise Forbidden("Only the person who proposed a correction may withdraw it.")
    _refuse_if_decided(correction)
    _settle(correction, access, CorrectionStatus.withdrawn)
    return _save(session, access, meeting, minutes, correction, "correction_withdrawn", {})


# -- deciding -------------------------------------------------------------------------


def _apply(session: Session, access: Access, meeting: Meeting, correction: MinutesCorrection, seen: int) -> None:
    """Write the corrected wording into the item's notes, unless they changed since version `seen`."""
    item = recording.load_item(session, meeting, correction.item_number)
    current = recording.item_public(session, meeting, correction.item_number, item)
    if current.version != seen:
        raise PreconditionFailed(
            f"The notes under this item changed after version {seen} was read (they are at version "
            f"{current.version} now), so the correction was not applied: read them, then accept again, "
            "or accept without applying and edit the notes by hand.",
            current=current.model_dump(mode="json"),
        )
    item = item or MinutesItem(meeting_id=meeting.id, number=correction.item_number)
    item.notes = correction.text
    item.updated_by_id = access.user.id
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    lock.record(
        session,
        access,
        meeting,
        "item_notes",
        {
            "item_number": correction.item_number,
            "before": current.notes,
            "after": correction.text,
            "saves": 1,
            "correction_id": correction.id,
        },
    )


def decide(
    *,
    session: Session,
    settings: Settings,
    access: Access,
    meeting: Meeting,
    correction_id: int,
    accept: bool,
    decision_in: CorrectionDecision,
) -> CorrectionRow:
    """The secretary accepts (optionally writing it into the notes) or rejects a correction, with a note."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="accept or reject corrections")
    _refuse_unless_circulated(minutes, meeting)
    correction = _get(session, meeting, correction_id)
    _refuse_if_decided(correction)
    if not accept and not decision_in.note.strip():
        raise Invalid("Say why the correction is rejected: the proposer reads it.", field="note")
    if not accept and decision_in.apply:
        raise Invalid("A rejected correction is not applied.", field="apply")
    if accept and decision_in.apply:
        seen = decision_in.item_version if decision_in.item_version is not None else correction.item_version
        _apply(session, access, meeting, correction, seen)
    _settle(correction, access, CorrectionStatus.accepted if accept else CorrectionStatus.rejected)
    correction.decision_note = decision_in.note.strip()
    correction.applied = bool(accept and decision_in.apply)
    detail = {"item_number": correction.item_number, "note": correction.decision_note, "applied": correction.applied}
    row = _save(session, access, meeting, minutes, correction, f"correction_{correction.status}", detail)
    proposer = session.get(User, correction.proposed_by_id) if correction.proposed_by_id else None
    if proposer is not None and proposer.id != access.user.id:
        doc = minutes_data.current_doc(session=session, access=access, meeting=meeting, minutes=minutes)
        minutes_mail.queue_correction_decided(
            session=session,
            settings=settings,
            council=access.council,
            doc=doc,
            correction=row,
            item=_item_label(doc, row.item_number),
            proposer=proposer,
        )
    return row
