"""Recording a meeting: attendance, notes per item, decisions, actions raised, AOB outcomes.

The chair or the secretary records, while the meeting is still `scheduled` (live, as it
happens) or once held; never a cancelled meeting, never approved minutes. Each change
is audited; a change that changes nothing is not recorded.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.actions.schemas import ActionCreate
from app.actions.service import create_action
from app.auth import Access
from app.common import check_if_match
from app.councils.sections import STANDING_ITEM_BASE
from app.errors import Conflict, Invalid, NotFound
from app.minutes import data as minutes_data
from app.minutes import lock
from app.minutes.build import attendance_rows, council_quorum, decision_row
from app.minutes.model import AobOutcome, DecisionRow, MinutesDoc
from app.minutes.schemas import (
    AttendancePublic,
    AttendanceSet,
    DecisionCreate,
    DecisionUpdate,
    MeetingActionCreate,
    MinutesItemPublic,
    MinutesUpdate,
)
from app.models import (
    Action,
    AobItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    Membership,
    MinutesItem,
    StandingItem,
    Theme,
    utcnow,
)
from app.research.workshop import check_theme


def set_attendance(
    *, session: Session, access: Access, meeting: Meeting, attendance_in: AttendanceSet
) -> AttendancePublic:
    """Record who attended: the seats given are set, the others keep what they had."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="record attendance")
    council = access.council
    seats = {s.id: s for s in minutes_data.load_seats(session=session, council_id=council.id)}
    seen: set[int] = set()
    for index, row in enumerate(attendance_in.attendance):
        where = f"attendance[{index}]"
        if row.membership_id not in seats:
            raise Invalid(
                f"Row {index + 1}: member {row.membership_id} does not sit on this council.",
                field=f"{where}.membership_id",
            )
        if row.membership_id in seen:
            raise Invalid(
                f"Row {index + 1}: {seats[row.membership_id].name} is listed twice.", field=f"{where}.membership_id"
            )
        seen.add(row.membership_id)
        if row.status == AttendanceStatus.delegate and not row.delegate_name:
            raise Invalid(
                f"Row {index + 1}: name the delegate who attended for {seats[row.membership_id].name}.",
                field=f"{where}.delegate_name",
            )

    existing = {a.membership_id: a for a in minutes_data.load_attendance(session=session, meeting=meeting)}
    changes = []
    for row in attendance_in.attendance:
        delegate_name = row.delegate_name if row.status == AttendanceStatus.delegate else ""
        record = existing.get(row.membership_id)
        before = (record.status, record.delegate_name, record.note) if record else (None, "", "")
        after = (row.status.value, delegate_name, row.note)
        if before == after:
            continue
        if record is None:
            record = existing[row.membership_id] = Attendance(
                meeting_id=meeting.id, membership_id=row.membership_id, status=row.status.value
            )
        record.status, record.delegate_name, record.note = after
        record.updated_at = utcnow()
        session.add(record)
        change = {"membership_id": row.membership_id, "name": seats[row.membership_id].name}
        for name, old, new in zip(("status", "delegate_name", "note"), before, after, strict=True):
            if old != new:
                change[name] = [old, new]
        changes.append(change)
    if changes:
        lock.record(session, access, meeting, "attendance", {"changes": changes})
        lock.touch(session, minutes)
    departments = minutes_data.load_departments(session=session, council_id=council.id)
    recorded = list(existing.values())
    return AttendancePublic(
        attendance=attendance_rows(list(seats.values()), departments, recorded),
        quorum=council_quorum(council, list(seats.values()), recorded),
    )


def item_public(session: Session, meeting: Meeting, number: int, item: MinutesItem | None) -> MinutesItemPublic:
    return MinutesItemPublic(
        meeting_id=meeting.id,
        number=number,
        notes=item.notes if item else "",
        updated_by=lock.name_of(session, item.updated_by_id) if item else None,
        updated_at=item.updated_at if item else None,
        version=item.version if item else 0,
    )


def load_item(session: Session, meeting: Meeting, number: int) -> MinutesItem | None:
    return session.exec(
        select(MinutesItem).where(MinutesItem.meeting_id == meeting.id, MinutesItem.number == number)
    ).first()


def check_standing_item(session: Session, meeting: Meeting, number: int) -> None:
    """A standing item's number must name one of this council's standing items (archived ones too:
    the minutes of a meeting that followed it still file under it)."""
    if number > STANDING_ITEM_BASE:
        item = session.get(StandingItem, number - STANDING_ITEM_BASE)
        if item is None or item.council_id != meeting.council_id:
            raise NotFound(f"Agenda item {number} is not one of the council's standing items.")


def set_item_notes(
    *, session: Session, access: Access, meeting: Meeting, number: int, notes: str, if_match: str | None
) -> MinutesItemPublic:
    """Save the notes taken under agenda item `number` (saved as they are typed), if nobody saved them since.

    A stale `if_match` (another person's save landed after this copy was read) changes
    nothing and answers 412 with the stored notes and version, so the page can show both.
    Saving the very notes already stored is no conflict, however old the copy: nothing
    would be lost (a closing tab's beacon that reached the server late, then the reopened
    page saving the same text, or two people typing the same fix).
    """
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="take the minutes")
    check_standing_item(session, meeting, number)
    item = load_item(session, meeting, number)
    current = item_public(session, meeting, number, item)
    if current.notes == notes:
        return current
    check_if_match(if_match, current.version, current=current.model_dump(mode="json"))
    if current.notes != notes:
        item = item or MinutesItem(meeting_id=meeting.id, number=number)
        item.notes = notes
        item.updated_by_id = access.user.id
        item.updated_at = utcnow()
        session.add(item)
        session.flush()  # the version moves here
        lock.record_text(
            session, access, meeting, "item_notes", key={"item_number": number}, before=current.notes, after=notes
        )
        lock.touch(session, minutes)
        return item_public(session, meeting, number, item)
    return current


def _get_decision(session: Session, meeting: Meeting, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting.id:
        raise NotFound("Decision not found.")
    return decision


def _theme_name(session: Session, decision: Decision) -> str | None:
    """The name of the theme a decision reviewed (already checked to be this council's)."""
    theme = session.get(Theme, decision.theme_id) if decision.theme_id is not None else None
    return theme.name if theme else None


def add_decision(*, session: Session, access: Access, meeting: Meeting, decision_in: DecisionCreate) -> DecisionRow:
    """Record a decision under an agenda item; it takes the meeting's next number."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="record decisions")
    check_standing_item(session, meeting, decision_in.item_number)
    check_theme(session=session, access=access, theme_id=decision_in.theme_id)
    for attempt in (1, 2):
        last = session.exec(select(func.max(Decision.number)).where(Decision.meeting_id == meeting.id)).one()
        decision = Decision(
            meeting_id=meeting.id,
            number=(last or 0) + 1,
            item_number=decision_in.item_number,
            text=decision_in.text,
            theme_id=decision_in.theme_id,
            created_by_id=access.user.id,
        )
        try:
            # The row lock makes a clash unlikely; the unique (meeting, number) makes it impossible.
            with session.begin_nested():
                session.add(decision)
                session.flush()
            break
        except IntegrityError:
            if attempt == 2:
                raise Conflict("Another decision took that number at the same moment; record it again.") from None
    detail = {"decision_id": decision.id, "number": decision.number, "item_number": decision.item_number}
    lock.record(session, access, meeting, "decision_added", {**detail, "text": decision.text})
    lock.touch(session, minutes)
    return decision_row(decision, access.user.name, _theme_name(session, decision))


def update_decision(
    *, session: Session, access: Access, meeting: Meeting, decision_id: int, decision_in: DecisionUpdate
) -> DecisionRow:
    """Reword a decision or move it to another agenda item; its number stays."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="change decisions")
    decision = _get_decision(session, meeting, decision_id)
    requested = decision_in.model_dump(exclude_unset=True)
    for field, value in requested.items():
        if value is None and field != "theme_id":
            raise Invalid(f"{field} cannot be empty.", field=field)
    check_theme(session=session, access=access, theme_id=requested.get("theme_id"))
    changes = {f: [getattr(decision, f), v] for f, v in requested.items() if getattr(decision, f) != v}
    if changes:
        for field, (_, value) in changes.items():
            setattr(decision, field, value)
        session.add(decision)
        lock.record(
            session,
            access,
            meeting,
            "decision_changed",
            {"decision_id": decision.id, "number": decision.number, **changes},
        )
        lock.touch(session, minutes)
    return decision_row(decision, lock.name_of(session, decision.created_by_id), _theme_name(session, decision))


def delete_decision(*, session: Session, access: Access, meeting: Meeting, decision_id: int) -> None:
    """Strike a decision recorded in error; those after it move up, so the register runs 1..n."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="delete decisions")
    decision = _get_decision(session, meeting, decision_id)
    gone = {
        "decision_id": decision.id,
        "number": decision.number,
        "item_number": decision.item_number,
        "text": decision.text,
    }
    session.delete(decision)
    session.flush()
    later = list(
        session.exec(
            select(Decision)
            .where(Decision.meeting_id == meeting.id, Decision.number > gone["number"])
            .order_by(col(Decision.number))
        )
    )
    # Through negative numbers, so no two rows ever hold the same number mid-way.
    for d in later:
        d.number = -d.number
    session.flush()
    for d in later:
        d.number = -d.number - 1
    session.flush()
    lock.record(
        session, access, meeting, "decision_deleted", {**gone, "renumbered": [[d.number + 1, d.number] for d in later]}
    )
    lock.touch(session, minutes)


def raise_action(*, session: Session, access: Access, meeting: Meeting, action_in: MeetingActionCreate) -> Action:
    """An action raised under an agenda item: a real action on the council's log, raised at this meeting."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="raise actions")
    values = action_in.model_dump(exclude={"item_number"})
    if values["raised_at_meeting_id"] not in (None, meeting.id):
        raise Invalid(
            "An action raised here is raised at this meeting; leave raised_at_meeting_id out.",
            field="raised_at_meeting_id",
        )
    if values["raised_at_item"] not in (None, action_in.item_number):
        raise Invalid("raised_at_item and item_number disagree; send item_number only.", field="raised_at_item")
    values.update(raised_at_meeting_id=meeting.id, raised_at_item=action_in.item_number)
    action = create_action(session=session, access=access, action_in=ActionCreate(**values))
    owner = session.get(Membership, action.owner_id)
    lock.record(
        session,
        access,
        meeting,
        "action_raised",
        {
            "action_id": action.id,
            "title": action.title,
            "item_number": action.raised_at_item,
            "owner_id": action.owner_id,
            "owner": lock.name_of(session, owner.user_id) if owner else None,
            "due_on": action.due_on.isoformat(),
        },
    )
    lock.touch(session, minutes)
    return action


def set_aob_outcome(*, session: Session, access: Access, meeting: Meeting, item_id: int, outcome: str) -> AobOutcome:
    """Record what the meeting made of an item of any other business."""
    minutes, _ = lock.open_for_edit(session, access, meeting, doing="record AOB outcomes")
    item = session.get(AobItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound("AOB item not found.")
    before = item.outcome
    if before != outcome:
        item.outcome = outcome
        session.add(item)
        lock.record_text(
            session,
            access,
            meeting,
            "aob_outcome",
            key={"aob_id": item.id, "title": item.title},
            before=before,
            after=outcome,
        )
        lock.touch(session, minutes)
    submitter = session.get(Membership, item.submitted_by_id) if item.submitted_by_id else None
    return AobOutcome(
        id=item.id,
        title=item.title,
        details=item.details,
        submitted_by=lock.name_of(session, submitter.user_id) if submitter else None,
        outcome=item.outcome,
    )


def check_seat_holder(session: Session, meeting: Meeting, user_id: int | None) -> None:
    """Who took the minutes, when named by account, holds a seat on the council."""
    if user_id is None:
        return
    seat = session.exec(
        select(Membership.id).where(Membership.council_id == meeting.council_id, Membership.user_id == user_id)
    ).first()
    if seat is None:
        raise Invalid(f"User {user_id} has no seat on this council: type their name instead.", field="taken_by_user_id")


def update_minutes(
    *, session: Session, access: Access, meeting: Meeting, minutes_in: MinutesUpdate, if_match: str | None
) -> MinutesDoc:
    """Item 1's approval of the previous minutes, the note on the next meeting, and who took the minutes."""
    minutes, created = lock.open_for_edit(session, access, meeting, doing="take the minutes")
    check_if_match(if_match, 0 if created else minutes.version)
    requested = minutes_in.model_dump(exclude_unset=True)
    if "taken_by_user_id" in requested:
        requested["taken_by_id"] = requested.pop("taken_by_user_id")
        check_seat_holder(session, meeting, requested["taken_by_id"])
    for field, value in requested.items():
        if value is None and field not in ("previous_minutes_approved", "taken_by_id"):
            raise Invalid(f"{field} cannot be empty; send an empty string to clear it.", field=field)
    changes = {f: [getattr(minutes, f), v] for f, v in requested.items() if getattr(minutes, f) != v}
    if changes:
        for field, (_, value) in changes.items():
            setattr(minutes, field, value)
        lock.record(session, access, meeting, "minutes_updated", changes)
        lock.touch(session, minutes)
    return minutes_data.current_doc(session=session, access=access, meeting=meeting, minutes=minutes)
