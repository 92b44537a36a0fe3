"""Scheduling and changing council meetings."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.errors import Conflict
from app.meetings.schemas import MeetingCreate, MeetingPublic, MeetingUpdate
from app.models import Council, Meeting, MeetingStatus, utcnow


def meeting_public(meeting: Meeting, council: Council) -> MeetingPublic:
    return MeetingPublic(
        **meeting.model_dump(),
        ends_at=meeting.scheduled_at + timedelta(minutes=meeting.duration_minutes),
        local_start=meeting.scheduled_at.astimezone(ZoneInfo(council.timezone)),
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
    """Move, retitle, relocate, cancel or mark a meeting held."""
    for field, value in meeting_in.model_dump(exclude_unset=True, exclude_none=True).items():
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
