"""Scheduling and changing council meetings."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.errors import Conflict, Invalid
from app.meetings.schemas import MeetingCreate, MeetingPublic, MeetingUpdate
from app.models import Council, Meeting, MeetingStatus, utcnow


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
    last = session.exec(select(func.max(Meeting.number)).where(Meeting.council_id == council.id)).one()
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


def delete_meeting(*, session: Session, meeting: Meeting) -> None:
    """Remove a meeting that has not been held; a held meeting is part of the record."""
    if meeting.status == MeetingStatus.held:
        raise Conflict("A held meeting is part of the council's record and cannot be deleted.")
    session.delete(meeting)
    session.flush()
