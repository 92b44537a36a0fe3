"""Scheduling and changing council meetings."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.archive import archive_record, restore_record
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access
from app.display import local_date
from app.errors import Conflict, Invalid, NotFound
from app.meetings import responses
from app.meetings.schemas import AobCreate, AobPublic, ApologiesIn, MeetingCreate, MeetingPublic, MeetingUpdate
from app.models import (
    AobItem,
    Council,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesStatus,
    Role,
    User,
    utcnow,
)
from app.models.meetings import MeetingState, meeting_state


def meeting_public(meeting: Meeting, council: Council, now: datetime | None = None) -> MeetingPublic:
    starts = meeting.scheduled_at.astimezone(UTC)
    return MeetingPublic(
        **{**meeting.model_dump(), "scheduled_at": starts},
        state=meeting_state(meeting, now),
        ends_at=starts + timedelta(minutes=meeting.duration_minutes),
        local_start=starts.astimezone(ZoneInfo(council.timezone)),
    )


def list_meetings(*, session: Session, council: Council) -> list[Meeting]:
    """A council's meetings in date order."""
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.council_id == council.id)
            .order_by(col(Meeting.scheduled_at), col(Meeting.number))
        )
    )


def create_meeting(*, session: Session, council: Council, meeting_in: MeetingCreate) -> Meeting:
    """Schedule a meeting; it takes the council's next number."""
    # Archived meetings keep their numbers (the minutes cite them), so they count here.
    last = session.exec(
        select(func.max(Meeting.number)).where(Meeting.council_id == council.id).execution_options(**INCLUDE_ARCHIVED)
    ).one()
    meeting = Meeting.model_validate(meeting_in, update={"council_id": council.id, "number": (last or 0) + 1})
    session.add(meeting)
    session.flush()
    return meeting


# Once the minutes are approved these are part of the record: the meeting cannot move away from them.
LOCKED_BY_APPROVAL = frozenset({"scheduled_at", "duration_minutes", "title", "location", "status", "cancel_reason"})


def approval_lock(*, session: Session, meeting: Meeting) -> str | None:
    """Why the meeting can no longer change (its minutes are approved), or None while it can."""
    minutes = session.get(Minutes, meeting.id)
    if minutes is None or minutes.status != MinutesStatus.approved:
        return None
    council = session.get(Council, meeting.council_id)
    when = local_date(minutes.approved_at, council.timezone) if minutes.approved_at else "an earlier date"
    return (
        f"The minutes of Meeting {meeting.number} were approved on {when}; its date, time, duration, title, "
        "location and status are part of that record."
    )


def update_meeting(
    *, session: Session, meeting: Meeting, meeting_in: MeetingUpdate, now: datetime | None = None
) -> Meeting:
    """Move, retitle, relocate, cancel (with a reason), reinstate or mark a meeting held.

    A held meeting stays held; one whose minutes are approved does not change at all; a
    meeting is marked held only once it has started."""
    now = now or utcnow()
    requested = meeting_in.model_dump(exclude_unset=True)
    for field, value in requested.items():
        if value is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    changes = {field: value for field, value in requested.items() if getattr(meeting, field) != value}
    if not changes:
        return meeting
    if LOCKED_BY_APPROVAL & changes.keys() and (why := approval_lock(session=session, meeting=meeting)):
        raise Conflict(why)
    status = changes.get("status", meeting.status)
    if meeting.status == MeetingStatus.held and status != MeetingStatus.held:
        raise Conflict("This meeting has been held; it is part of the council's record and stays held.")
    if changes.get("cancel_reason") and status != MeetingStatus.cancelled:
        raise Invalid("A reason is given only when the meeting is cancelled.", field="cancel_reason")
    if changes.get("status") == MeetingStatus.held and now < changes.get("scheduled_at", meeting.scheduled_at):
        raise Conflict(f"Meeting {meeting.number} has not started yet; it can be marked held once it has.")
    if changes.get("status") == MeetingStatus.cancelled:
        meeting.cancelled_at = now
    elif "status" in changes and meeting.status == MeetingStatus.cancelled:
        # Reinstated: the cancellation is no longer the meeting's story.
        meeting.cancelled_at = None
        meeting.cancel_reason = ""
    for field, value in changes.items():
        setattr(meeting, field, value)
    meeting.updated_at = now
    session.add(meeting)
    session.flush()
    return meeting


@dataclass(frozen=True)
class MeetingCard:
    """What a meeting's page header shows about changing it: its state by the clock, who may change it,
    and why it can no longer change (approved minutes)."""

    state: MeetingState
    may_change: bool
    locked: str | None
    # The start as a datetime-local field shows it, in the council's zone.
    local_value: str
    cancelled_on: str


def meeting_card(*, session: Session, access: Access, meeting: Meeting, now: datetime | None = None) -> MeetingCard:
    """The header of a meeting's pages: state, the change forms' starting values, and the lock."""
    zone = ZoneInfo(access.council.timezone)
    return MeetingCard(
        state=meeting_state(meeting, now),
        may_change=access.is_(Role.chair, Role.secretary),
        locked=approval_lock(session=session, meeting=meeting),
        local_value=meeting.scheduled_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        cancelled_on=local_date(meeting.cancelled_at, zone) if meeting.cancelled_at else "",
    )


def delete_meeting(*, session: Session, user: User, meeting: Meeting) -> None:
    """Delete a meeting: one with minutes is archived with them (app/archive.py); a held one without
    minutes is refused (it is part of the record); any other is removed."""
    if session.get(Minutes, meeting.id) is not None:
        archive_record(session=session, record=meeting, user=user, detail={"number": meeting.number})
        return
    if meeting.status == MeetingStatus.held:
        raise Conflict("A held meeting is part of the council's record and cannot be deleted.")
    session.delete(meeting)
    session.flush()


def restore_meeting(*, session: Session, user: User, meeting: Meeting) -> Meeting:
    """Bring an archived meeting back with its minutes (chair or site admin)."""
    return restore_record(session=session, record=meeting, user=user, detail={"number": meeting.number})


# Any other business, and apologies sent ahead (answers: app/meetings/responses.py)


def list_aob(*, session: Session, meeting: Meeting) -> list[AobPublic]:
    """The meeting's AOB items in the order they came in."""
    rows = session.exec(
        select(AobItem, User.name)
        .outerjoin(Membership, Membership.id == AobItem.submitted_by_id)
        .outerjoin(User, User.id == Membership.user_id)
        .where(AobItem.meeting_id == meeting.id)
        .order_by(col(AobItem.created_at), col(AobItem.id))
    )
    return [AobPublic(**item.model_dump(), submitted_by=name) for item, name in rows]


def _check_open_for_business(session: Session, meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.scheduled:
        raise Conflict(f"This meeting is {meeting.status}; items can only be added before it is held.")
    # Once the secretary is minuting the meeting, its attendance and AOB change only
    # through the minutes, where every change is audited.
    if session.get(Minutes, meeting.id) is not None:
        raise Conflict("The secretary is minuting this meeting now; ask them to record this in the minutes.")


def add_aob(*, session: Session, access: Access, meeting: Meeting, aob_in: AobCreate) -> AobPublic:
    """A member asks to raise something under any other business."""
    access.require(Role.chair, Role.secretary, Role.member, doing="submit any other business")
    _check_open_for_business(session, meeting)
    item = AobItem.model_validate(aob_in, update={"meeting_id": meeting.id, "submitted_by_id": access.membership.id})
    session.add(item)
    session.flush()
    return AobPublic(**item.model_dump(), submitted_by=access.user.name)


def delete_aob(*, session: Session, access: Access, meeting: Meeting, item_id: int) -> None:
    """Withdraw an AOB item: its submitter, the chair or the secretary."""
    item = session.get(AobItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound("AOB item not found.")
    if item.submitted_by_id != access.membership.id:
        access.require(Role.chair, Role.secretary, doing="withdraw someone else's item")
    _check_open_for_business(session, meeting)
    session.delete(item)
    session.flush()


def send_apologies(*, session: Session, access: Access, meeting: Meeting, apologies_in: ApologiesIn) -> MeetingResponse:
    """I cannot attend: my answer becomes apologies (app/meetings/responses.py), shown in the agenda header."""
    return responses.send_apologies(session=session, access=access, meeting=meeting, note=apologies_in.note)


def withdraw_apologies(*, session: Session, access: Access, meeting: Meeting) -> None:
    """I can attend after all: my apologies are withdrawn (I have not answered again)."""
    responses.withdraw_apologies(session=session, access=access, meeting=meeting)
