"""Scheduling and changing council meetings."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.archive import archive_record, restore_record
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access
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
    Role,
    User,
    utcnow,
)


def meeting_public(meeting: Meeting, council: Council) -> MeetingPublic:
    starts = meeting.scheduled_at.astimezone(UTC)
    return MeetingPublic(
        **{**meeting.model_dump(), "scheduled_at": starts},
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


def update_meeting(*, session: Session, meeting: Meeting, meeting_in: MeetingUpdate) -> Meeting:
    """Move, retitle, relocate, cancel or mark a meeting held; a held meeting stays held."""
    requested = meeting_in.model_dump(exclude_unset=True)
    for field, value in requested.items():
        if value is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    changes = {field: value for field, value in requested.items() if getattr(meeting, field) != value}
    if not changes:
        return meeting
    if meeting.status == MeetingStatus.held and changes.get("status", MeetingStatus.held) != MeetingStatus.held:
        raise Conflict("This meeting has been held; it is part of the council's record and stays held.")
    for field, value in changes.items():
        setattr(meeting, field, value)
    meeting.updated_at = utcnow()
    session.add(meeting)
    session.flush()
    return meeting


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
